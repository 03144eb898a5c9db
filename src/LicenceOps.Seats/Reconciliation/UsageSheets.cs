using System.Collections.ObjectModel;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Reconciliation;

namespace LicenceOps.Seats.Reconciliation;

/// <summary>
/// One seat's state in a usage sheet (ADR 0056). <paramref name="Since"/> is the first day these values were observed (what a
/// usage row's day meant, ADR 0044); <paramref name="EarlierActivity"/> is the greatest last activity date of the seat's values
/// before <paramref name="Since"/>.
/// </summary>
internal readonly record struct SheetEntry(
    Guid SeatId, Guid PersonId, DateOnly? LastActiveOn, bool Active, bool ActivityReported, DateOnly Since, DateOnly? EarlierActivity)
{
    /// <summary>The seat's most recent activity over its whole history: what <c>MAX(last_active_on)</c> of its rows was.</summary>
    public DateOnly? LatestActivity => EarlierActivity is { } earlier && (LastActiveOn is not { } last || earlier > last) ? earlier : LastActiveOn;

    public UsageSnapshot Snapshot(Guid subscriptionId) => new(SeatId, subscriptionId, PersonId, LastActiveOn, Active, ActivityReported);
}

/// <summary>A subscription's sheet as read: its day, the account whose run wrote it, and its seats' entries as stored text.</summary>
internal sealed class SheetRow
{
    public Guid SubscriptionId { get; set; }
    public DateOnly Day { get; set; }
    public Guid AccountId { get; set; }
    public string Seats { get; set; } = "";
}

/// <summary>
/// A subscription's usage on a day as one row of <c>seat_usage_sheets</c> (ADR 0056): the state of every seat of the subscription
/// whose state is known, as one JSON array of arrays <c>[seat_id, person_id, last_active_on, active, activity_reported, since,
/// earlier_activity]</c>, written as the type handlers store values in SQLite (upper-case GUIDs, yyyy-MM-dd dates, 1/0 flags),
/// read the same way on both dialects. A seat's state on a day is its entry in its subscription's latest sheet up to that day.
/// </summary>
internal static class UsageSheets
{
    public static List<SheetEntry> Read(string seats)
    {
        var entries = new List<SheetEntry>();
        PackedRows.ReadAll(seats, ReadEntry, entries);
        return entries;
    }

    /// <summary>The same from the sheet's UTF-8 bytes where SQLite holds them (no string made of a text only to be encoded back).</summary>
    public static List<SheetEntry> Read(ReadOnlySpan<byte> seats)
    {
        var entries = new List<SheetEntry>();
        PackedRows.ReadAll(seats, ReadEntry, entries);
        return entries;
    }

    private static SheetEntry ReadEntry(ref PackedRows c) => new(c.Guid(), c.Guid(), c.NullableDate(), c.Flag(), c.Flag(), c.Date(), c.NullableDate());

    /// <summary>What <see cref="ReadLatestAsync"/> hands over per sheet: its subscription, day, the account whose run wrote it, its entries.</summary>
    public delegate void LatestSheet(Guid subscriptionId, DateOnly day, Guid accountId, List<SheetEntry> entries);

    /// <summary>
    /// The latest sheet of each of <paramref name="subscriptionIds"/> dated on or before <paramref name="through"/>, parsed. On SQLite
    /// the statement is stepped through SQLitePCL and each sheet parsed where SQLite holds it (<see cref="UnitOfWork.StepRowsAsync"/>:
    /// the read-ahead's statements, docs/performance.md, feat/i11fx); elsewhere read as <see cref="LatestAsync(UnitOfWork, IReadOnlyCollection{Guid}, DateOnly)"/>.
    /// </summary>
    public static async Task ReadLatestAsync(UnitOfWork uow, IReadOnlyCollection<Guid> subscriptionIds, DateOnly through, LatestSheet read)
    {
        if (uow.Dialect != SqlDialect.Sqlite)
        {
            foreach (var sheet in await LatestAsync(uow, subscriptionIds, through))
            {
                read(sheet.SubscriptionId, sheet.Day, sheet.AccountId, Read(sheet.Seats));
            }
            return;
        }
        await uow.StepRowsAsync(LatestSql, new { ids = subscriptionIds, through }, row => read(row.Guid(0), row.Date(1), row.Guid(2), Read(row.Bytes(3))));
    }

    /// <summary>
    /// The (seat, last activity) pairs of a sheet whose date lies within [<paramref name="from"/>, <paramref name="to"/>], added to
    /// <paramref name="into"/>: a report reads every sheet of a period (millions of entries), so no entry is kept.
    /// </summary>
    public static void AddActivity(ReadOnlySpan<byte> sheet, DateOnly from, DateOnly to, HashSet<(Guid Seat, DateOnly Day)> into) =>
        PackedRows.ReadAll(sheet, ReadActivity, new ActivityWithin(from, to, into));

    /// <summary>The same from a sheet read as text (SQL Server).</summary>
    public static void AddActivity(string sheet, DateOnly from, DateOnly to, HashSet<(Guid Seat, DateOnly Day)> into) =>
        PackedRows.ReadAll(sheet, ReadActivity, new ActivityWithin(from, to, into));

    private static (Guid Seat, DateOnly? Day) ReadActivity(ref PackedRows c)
    {
        var seat = c.Guid();
        c.Guid();
        var day = c.NullableDate();
        c.Flag();
        c.Flag();
        c.Date();
        c.NullableDate();
        return (seat, day);
    }

    /// <summary>A collection that keeps nothing itself: what is added lands in the set when its date is in range.</summary>
    private sealed class ActivityWithin(DateOnly from, DateOnly to, HashSet<(Guid Seat, DateOnly Day)> into) : Collection<(Guid Seat, DateOnly? Day)>
    {
        protected override void InsertItem(int index, (Guid Seat, DateOnly? Day) item)
        {
            if (item.Day is { } day && day >= from && day <= to)
            {
                into.Add((item.Seat, day));
            }
        }
    }

    /// <summary>An entry's length at most as written, its comma included: two quoted GUIDs (38 each), three quoted dates (12 each),
    /// two flags and the JSON around them.</summary>
    private const int EntryBytes = 124;

    public static string Write(IReadOnlyCollection<SheetEntry> entries) => Rows(entries).ToJson();

    /// <summary>
    /// The same text as JSON rows, for SQLite to store as TEXT with <c>CAST(@seats AS TEXT)</c>, bound from where it was written
    /// (<see cref="UnitOfWork.ExecuteRowsAsync"/>): a first run writes 100,000 entries, about 12 MB, which a string parameter carried
    /// twice more and a <c>byte[]</c> once more.
    /// </summary>
    public static JsonRows WriteUtf8(IReadOnlyCollection<SheetEntry> entries) => Rows(entries);

    private static JsonRows Rows(IReadOnlyCollection<SheetEntry> entries)
    {
        var rows = new JsonRows(entries.Count * EntryBytes + 2);
        foreach (var e in entries)
        {
            rows.Row().Add(e.SeatId).Add(e.PersonId).Add(e.LastActiveOn).Add(e.Active).Add(e.ActivityReported).Add((DateOnly?)e.Since)
                .Add(e.EarlierActivity);
        }
        return rows;
    }

    /// <summary>
    /// Each subscription's latest sheet among @ids, dated on or before @through: one seek per subscription in the sheets' key
    /// (tenant_id, subscription_id, day), through the subscription's tenant.
    /// </summary>
    public const string LatestSql = """
        SELECT sh.subscription_id AS SubscriptionId, sh.day AS Day, sh.vendor_account_id AS AccountId, sh.seats AS Seats
        FROM subscriptions s JOIN seat_usage_sheets sh ON sh.tenant_id = s.tenant_id AND sh.subscription_id = s.id
            AND sh.day = (SELECT MAX(x.day) FROM seat_usage_sheets x WHERE x.tenant_id = s.tenant_id AND x.subscription_id = s.id AND x.day <= @through)
        WHERE s.id IN @ids
        """;

    /// <summary>The latest sheet of each of <paramref name="subscriptionIds"/> dated on or before <paramref name="through"/>.</summary>
    public static Task<IReadOnlyList<SheetRow>> LatestAsync(UnitOfWork uow, IReadOnlyCollection<Guid> subscriptionIds, DateOnly through) =>
        uow.QueryAsync<SheetRow>(LatestSql, new { ids = subscriptionIds, through });

    /// <summary>The same outside a transaction.</summary>
    public static Task<IReadOnlyList<SheetRow>> LatestAsync(ModuleDatabase db, IReadOnlyCollection<Guid> subscriptionIds, DateOnly through, CancellationToken ct) =>
        db.QueryAsync<SheetRow>(LatestSql, new { ids = subscriptionIds, through }, ct);
}
