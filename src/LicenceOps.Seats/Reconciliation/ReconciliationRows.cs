using LicenceOps.Seats.Domain.Reconciliation;

namespace LicenceOps.Seats.Reconciliation;

internal sealed class RunSubscriptionRow
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? AccountId { get; set; }
    public string ProductName { get; set; } = "";
    public int CommittedQuantity { get; set; }
    public decimal? SalePricePerSeatEur { get; set; }
    public decimal ListPrice { get; set; }
    public string PriceCurrency { get; set; } = "";
    public string PriceUnit { get; set; } = "";
}

internal sealed class RunSeatRow
{
    public Guid SeatId { get; set; }
    public Guid SubscriptionId { get; set; }
    public Guid PersonId { get; set; }
    public string Email { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Status { get; set; } = "";
    public DateOnly AssignedOn { get; set; }
    public string? VendorMemberId { get; set; }
    public DateTimeOffset? InvitedAt { get; set; }
}

internal sealed class RunOtherToolRow
{
    public Guid SeatId { get; set; }
    public Guid TenantId { get; set; }
    public Guid PersonId { get; set; }
    public Guid SubscriptionId { get; set; }
    public string VendorCode { get; set; } = "";
    public string ProductName { get; set; } = "";
    public DateOnly? LastActiveOn { get; set; }
}

internal sealed class PolicyRow
{
    public Guid TenantId { get; set; }
    public string EmailDomains { get; set; } = "";
    public int InactiveAfterDays { get; set; }
    public int StaleInviteAfterDays { get; set; }
}

internal sealed class ExistingFindingRow
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public string Kind { get; set; } = "";
    public string SubjectKey { get; set; } = "";
    public string Status { get; set; } = "";
    public Guid? VendorAccountId { get; set; }
    public string? VendorName { get; set; }
    public Guid? SubscriptionId { get; set; }
    public Guid? SeatId { get; set; }
    public Guid? PersonId { get; set; }
    public string? MemberEmail { get; set; }
    public string Summary { get; set; } = "";
    public string RecommendedAction { get; set; } = "";
    public bool NeedsClient { get; set; }
    public long MonthlyEffectCents { get; set; }
    public string EffectBasis { get; set; } = "";

    /// <summary>
    /// True when its last seen is its account's last comparison (ADR 0055): a comparison that sees it again as stored writes nothing.
    /// Read by a run, so the findings' data-version trigger watches it.
    /// </summary>
    public bool SeenByAccount { get; set; }

    /// <summary>
    /// This row as a merge's write of <paramref name="p"/> leaves it: every column a run plans, whether it follows the account
    /// (written by a comparison), and the status when given.
    /// </summary>
    public ExistingFindingRow With(PlannedFinding p, Guid accountId, string vendorName, bool seenByAccount, string? status = null) =>
        Written(Id, TenantId, Kind, SubjectKey, status ?? Status, p, accountId, vendorName, seenByAccount);

    /// <summary>
    /// A finding as a merge's write of <paramref name="p"/> leaves it, made at once (a first run opens 33,000: each was a blank
    /// row first, then a copy of it).
    /// </summary>
    public static ExistingFindingRow Written(
        Guid id, Guid tenantId, string kind, string subjectKey, string status, PlannedFinding p, Guid accountId, string vendorName, bool seenByAccount) => new()
    {
        Id = id, TenantId = tenantId, Kind = kind, SubjectKey = subjectKey, Status = status, VendorAccountId = accountId,
        VendorName = vendorName, SubscriptionId = p.SubscriptionId, SeatId = p.SeatId, PersonId = p.PersonId, MemberEmail = p.MemberEmail,
        Summary = p.Summary, RecommendedAction = p.RecommendedAction, NeedsClient = p.NeedsClient, MonthlyEffectCents = p.MonthlyEffectCents,
        EffectBasis = p.EffectBasis, SeenByAccount = seenByAccount,
    };

    /// <summary>This row auto-closed: its last seen frozen, it follows its account no more.</summary>
    public ExistingFindingRow With(string status) => Copy(status, seenByAccount: false);

    /// <summary>This row following its account's comparisons, or frozen.</summary>
    public ExistingFindingRow Following(bool seenByAccount) => Copy(Status, seenByAccount);

    private ExistingFindingRow Copy(string status, bool seenByAccount)
    {
        var copy = (ExistingFindingRow)MemberwiseClone();
        copy.Status = status;
        copy.SeenByAccount = seenByAccount;
        return copy;
    }

    /// <summary>True when a run's planned finding would write exactly what is stored (only last seen moves).</summary>
    public bool Matches(PlannedFinding p, Guid accountId, string vendorName) =>
        VendorAccountId == accountId && VendorName == vendorName && SubscriptionId == p.SubscriptionId && SeatId == p.SeatId
        && PersonId == p.PersonId && MemberEmail == p.MemberEmail && Summary == p.Summary && RecommendedAction == p.RecommendedAction
        && NeedsClient == p.NeedsClient && MonthlyEffectCents == p.MonthlyEffectCents && EffectBasis == p.EffectBasis;
}

internal sealed class BaselineRow
{
    public string VendorCode { get; set; } = "";
    public string SettingKey { get; set; } = "";
    public string Label { get; set; } = "";
    public string ExpectedValue { get; set; } = "";
}

internal sealed class ObservationRow
{
    public Guid AccountId { get; set; }
    public string SettingKey { get; set; } = "";
    public string ObservedValue { get; set; } = "";
    public DateOnly ObservedOn { get; set; }
}

/// <summary>
/// Outcome of one reconciliation run, as the API and the job report it. <see cref="Outcome"/> is "compared" for a succeeded
/// run that compared Seats' records with the reading, "confirmed" for one whose reading and stored inputs were unchanged since
/// the last compared run (nothing read or written but the run; the counts are that comparison's), null for failed runs (ADR 0036).
/// </summary>
public sealed record ReconciliationRunResult(
    Guid RunId, Guid VendorAccountId, string State, string? FailureReason, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int MembersRead,
    int SeatsCompared, int FindingsOpened, int FindingsUpdated, int FindingsClosed, int SeatsActivated, int UsageRows, string? Outcome);

/// <summary>
/// A subscription's latest usage sheet up to the run's day as a comparison holds it (ADR 0056): its day, the account whose run
/// wrote it, and the entries of the seats held now, by seat. Rows are written only when a seat's values change (ADR 0044), so the
/// sheet may be of any earlier day. One object per sheet, not one per seat (ADR 0090): the activity pass writes the sheets of
/// almost every account, and each written sheet's entries are what the next comparison compares with, kept as written.
/// <para>
/// Immutable once made: a comparison that writes the subscription's sheet makes a new one from a copy of <see cref="Entries"/>, and
/// its written dictionary becomes the sheet remembered for the next comparison (ADR 0052).
/// </para>
/// </summary>
internal sealed class StoredSheet(Guid subscriptionId, DateOnly day, Guid accountId, Dictionary<Guid, SheetEntry> entries)
{
    /// <summary>The sheet's subscription: every entry's seat is in it (a seat never moves to another subscription).</summary>
    public Guid SubscriptionId { get; } = subscriptionId;

    /// <summary>The sheet's day.</summary>
    public DateOnly Day { get; } = day;

    /// <summary>The account whose run wrote the sheet.</summary>
    public Guid AccountId { get; } = accountId;

    /// <summary>The held seats' entries, by seat. Never changed once the sheet is made.</summary>
    public Dictionary<Guid, SheetEntry> Entries { get; } = entries;

    /// <summary>
    /// True when the run observed exactly what this sheet holds for <paramref name="u"/>'s seat, for the same account and subscription:
    /// nothing to write. Compared as values: a comparison compares every seat of the account.
    /// </summary>
    public bool Holds(UsageSnapshot u, Guid accountId) =>
        AccountId == accountId && SubscriptionId == u.SubscriptionId && Entries.TryGetValue(u.SeatId, out var e) && e.PersonId == u.PersonId
        && e.LastActiveOn == u.LastActiveOn && e.Active == u.Active && e.ActivityReported == u.ActivityReported;

    /// <summary>The sheet of <paramref name="subscriptionId"/> among <paramref name="sheets"/> (an account has a few), or null.</summary>
    public static StoredSheet? Of(IReadOnlyList<StoredSheet> sheets, Guid subscriptionId)
    {
        for (var i = 0; i < sheets.Count; i++)
        {
            if (sheets[i].SubscriptionId == subscriptionId)
            {
                return sheets[i];
            }
        }
        return null;
    }

    /// <summary>Each entry as a flat row, in no particular order (tests compare the sheets with SQLite's own reading of them).</summary>
    public IEnumerable<StoredUsageRow> Rows() => Entries.Values.Select(e => StoredUsageRow.Of(AccountId, SubscriptionId, Day, e));
}

/// <summary>
/// A seat's latest usage entry up to the run's day, flat, with its sheet's day, account and subscription: how SQLite's JSON functions
/// read a sheet value by value, which tests compare with <see cref="StoredSheet"/>'s parsing.
/// </summary>
internal sealed class StoredUsageRow
{
    public Guid SeatId { get; set; }

    /// <summary>The day of the sheet the entry was read from (ADR 0056): the subscription's latest sheet up to the run's day.</summary>
    public DateOnly Day { get; set; }

    /// <summary>The first day the entry's values were observed (ADR 0044's row day).</summary>
    public DateOnly Since { get; set; }

    /// <summary>The greatest last activity of the seat's values before <see cref="Since"/>.</summary>
    public DateOnly? EarlierActivity { get; set; }

    /// <summary>The account whose run wrote the sheet the entry was read from.</summary>
    public Guid AccountId { get; set; }

    /// <summary>The subscription of the sheet the entry was read from.</summary>
    public Guid SubscriptionId { get; set; }

    public Guid PersonId { get; set; }

    public DateOnly? LastActiveOn { get; set; }

    public bool Active { get; set; }

    public bool ActivityReported { get; set; }

    /// <summary>The subscription the seat is in now: the sheet's (a seat never moves to another subscription).</summary>
    public Guid SeatSubscriptionId { get; set; }

    /// <summary>A sheet's entry with the sheet's day, account and subscription.</summary>
    public static StoredUsageRow Of(Guid accountId, Guid subscriptionId, DateOnly day, SheetEntry e) => new()
    {
        SeatId = e.SeatId,
        Day = day,
        Since = e.Since,
        EarlierActivity = e.EarlierActivity,
        AccountId = accountId,
        SubscriptionId = subscriptionId,
        PersonId = e.PersonId,
        LastActiveOn = e.LastActiveOn,
        Active = e.Active,
        ActivityReported = e.ActivityReported,
        SeatSubscriptionId = subscriptionId,
    };

    /// <summary>The entry this row was read from.</summary>
    public SheetEntry Entry() => new(SeatId, PersonId, LastActiveOn, Active, ActivityReported, Since, EarlierActivity);
}
