using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Accounts;

namespace LicenceOps.Seats.Reconciliation;

/// <summary>
/// What a compared reconciliation run depended on, so that the next run can tell, without reading Seats' rows, that its
/// outcome would be the same (ADR 0036). Two parts:
/// <list type="bullet">
/// <item>a hash of everything that is not a stored row of the scope: the vendor's reading, the account's connection, vendor and
/// name (the standing check reads the connection again in the write transaction), the reconciliation options and the build
/// of this module;</item>
/// <item>the evaluation day and the last day through which the comparison holds for unchanged inputs (ADR 0048: every time
/// rule of the planner counts whole days, and reports to a <see cref="Domain.Reconciliation.TimeHorizon"/> the day it flips);</item>
/// <item>the data versions of scope <see cref="Scope"/> for the tenant and for all tenants (ADR 0033), bumped by the triggers
/// of migration 1301 whenever any row a run reads changes, whoever writes it.</item>
/// </list>
/// Stored in <c>reconciliation_fingerprints</c>, a table without triggers, at the end of the run's own write (so the
/// versions include the run's own writes).
/// </summary>
internal static class ReconciliationFingerprint
{
    /// <summary>The data-version scope of every table a run reads for a tenant (migration 1301).</summary>
    public const string Scope = "reconciliation";

    /// <summary>The data-version row of the tables shared by all tenants (catalogue prices, settings baselines).</summary>
    public static readonly Guid AllTenants = Guid.Empty;

    public const string Compared = "compared";
    public const string Confirmed = "confirmed";

    /// <summary>Changes with every build: a new planner must compare again rather than confirm what an older one concluded.</summary>
    private static readonly string Build = typeof(ReconciliationFingerprint).Assembly.ManifestModule.ModuleVersionId.ToString("N");

    /// <summary>
    /// A hash of the reading, field by field in the order the vendor listed the members (the planner keeps the first of two
    /// rows with one address, so the order can matter). Runs on the reading threads, outside the write transaction.
    /// </summary>
    public static string OfReading(ReconciliationRunner.VendorReadingSet set)
    {
        using var fields = new HashedFields();
        fields.Add(set.ConnectorName);
        fields.Add(set.Members.ReportsActivity ? "activity" : "no-activity");
        fields.Add(set.Quantity is { } q ? string.Create(CultureInfo.InvariantCulture, $"{q.Purchased}/{q.Consumed}") : null);
        fields.Add(set.Members.Notes.Count);
        foreach (var note in set.Members.Notes)
        {
            fields.Add(note);
        }
        fields.Add(set.Members.Members.Count);
        foreach (var m in set.Members.Members)
        {
            fields.Add(m.Email);
            fields.Add(m.Role);
            fields.Add(m.Status);
            fields.Add(m.LastActiveOn);
            fields.Add(m.ExternalId);
            fields.Add(m.DisplayName);
            fields.Add(m.JoinedOn);
        }
        return fields.Hash();
    }

    /// <summary>
    /// SHA-256 over a sequence of fields, each written as <c>{length}:{value}|</c> in UTF-8, where the length is the value's
    /// length in UTF-16 code units (<c>-1</c> and no value for null): length-prefixed so that no value can pass for two, and
    /// null differs from "". Days are written <c>yyyy-MM-dd</c>, numbers in invariant decimal. Written straight into a pooled
    /// buffer and hashed a buffer at a time: a reading has about 700 fields per hundred members, hashed on every run, and
    /// building them as strings first was a third of what a confirmed run allocated beyond the reading itself.
    /// </summary>
    internal sealed class HashedFields : IDisposable
    {
        private const int Size = 8192;
        // The free space a piece of a text value needs before it is encoded: less, and the buffer is hashed and emptied first. A
        // value longer than the space left is encoded in pieces of at most a third of it (UTF-8 takes up to 3 bytes per UTF-16 unit).
        private const int Margin = 64;
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Size);
        private int used;

        public void Add(string? value)
        {
            if (value is null)
            {
                Write("-1:|"u8);
                return;
            }
            Number(value.Length);
            Write(":"u8);
            var rest = value.AsSpan();
            while (!rest.IsEmpty)
            {
                Room(Margin);
                // Whole characters only: a surrogate pair is never split between two pieces.
                var take = Math.Min(rest.Length, (buffer.Length - used) / 3);
                if (take < rest.Length && char.IsHighSurrogate(rest[take - 1]))
                {
                    take--;
                }
                used += Encoding.UTF8.GetBytes(rest[..take], buffer.AsSpan(used));
                rest = rest[take..];
            }
            Write("|"u8);
        }

        public void Add(int value)
        {
            Span<char> digits = stackalloc char[11];
            value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
            AddAscii(digits[..written]);
        }

        public void Add(DateOnly? day)
        {
            if (day is not { } d)
            {
                Add((string?)null);
                return;
            }
            Span<char> text = stackalloc char[10];
            d.TryFormat(text, out var written, "O", CultureInfo.InvariantCulture); // yyyy-MM-dd, on the runtime's fast path
            AddAscii(text[..written]);
        }

        /// <summary>The hash of every field added, as upper-case hexadecimal.</summary>
        public string Hash()
        {
            hash.AppendData(buffer, 0, used);
            used = 0;
            return Convert.ToHexString(hash.GetHashAndReset());
        }

        public void Dispose()
        {
            hash.Dispose();
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        /// <summary>A short ASCII value (a number or a day), as <see cref="Add(string?)"/> writes it.</summary>
        private void AddAscii(ReadOnlySpan<char> ascii)
        {
            Number(ascii.Length);
            Write(":"u8);
            Room(ascii.Length);
            used += Encoding.ASCII.GetBytes(ascii, buffer.AsSpan(used));
            Write("|"u8);
        }

        private void Number(int value)
        {
            Room(11);
            value.TryFormat(buffer.AsSpan(used), out var written, default, CultureInfo.InvariantCulture);
            used += written;
        }

        private void Write(ReadOnlySpan<byte> bytes)
        {
            Room(bytes.Length);
            bytes.CopyTo(buffer.AsSpan(used));
            used += bytes.Length;
        }

        /// <summary>Hashes what the buffer holds when fewer than <paramref name="bytes"/> are free.</summary>
        private void Room(int bytes)
        {
            if (buffer.Length - used < bytes)
            {
                hash.AppendData(buffer, 0, used);
                used = 0;
            }
        }
    }

    /// <summary>
    /// The whole non-row, non-day part: the reading's hash with the account as it stands now, the options and the build. The
    /// day is not hashed: a stored comparison says through which day it holds (<see cref="Stored.HoldsOn"/>).
    /// </summary>
    public static string Of(string readingHash, AccountFacts account, ReconciliationOptions options)
    {
        var text = string.Join('\u001f', readingHash, account.Connector, account.BaseAddress ?? "\u0000", account.Settings, account.ProtectedSecret ?? "\u0000",
            account.VendorCode, account.DisplayName, OptionsText.GetValue(options, static o => JsonSerializer.Serialize(o)), Build);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// The options as hashed, serialised once per options object instead of at every fingerprint: a pass makes one or two per
    /// account (the read-ahead's hint and the writer's check). Options are bound once, at start-up (<c>IOptions</c>, not a monitor).
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ReconciliationOptions, string> OptionsText = new();

    /// <summary>The account's row as the comparison uses it: what the reading and the findings depend on.</summary>
    public sealed record AccountFacts(string Connector, string? BaseAddress, string Settings, string? ProtectedSecret, string VendorCode, string DisplayName);

    /// <summary>A stored fingerprint with the versions of its tenant and of all tenants as they are now.</summary>
    public sealed class Stored
    {
        public Guid AccountId { get; set; }
        public Guid TenantId { get; set; }
        public string Fingerprint { get; set; } = "";
        public long TenantVersion { get; set; }
        public long GlobalVersion { get; set; }
        public Guid RunId { get; set; }
        public int MembersRead { get; set; }
        public int SeatsCompared { get; set; }
        public int FindingsLive { get; set; }
        public int UsageRows { get; set; }
        public DateTimeOffset RecordedAt { get; set; }

        /// <summary>The last evaluation day the comparison holds through for unchanged inputs; null for rows stored before ADR 0048.</summary>
        public DateOnly? HoldsThrough { get; set; }

        public long TenantVersionNow { get; set; }
        public long GlobalVersionNow { get; set; }

        /// <summary>True when nothing a run depends on changed since the run that stored this, and its conclusions hold on <paramref name="today"/>.</summary>
        public bool Confirms(Guid tenantId, string fingerprint, DateOnly today) =>
            TenantId == tenantId && Fingerprint == fingerprint && VersionsHold && HoldsOn(today);

        /// <summary>
        /// True when the next run will most likely be confirmed: the versions have not moved and the comparison holds on
        /// <paramref name="today"/>. Only the vendor's reading can still differ.
        /// </summary>
        public bool StillHolds(DateOnly today) => VersionsHold && HoldsOn(today);

        /// <summary>
        /// Whether the time rules conclude on <paramref name="today"/> what they did on the evaluation day: from that day (a clock
        /// set back must not confirm what an earlier day would conclude differently) through the day before the first flip.
        /// </summary>
        public bool HoldsOn(DateOnly today) => HoldsThrough is { } last && ParisCalendar.DateOf(RecordedAt) <= today && today <= last;

        private bool VersionsHold => TenantVersion == TenantVersionNow && GlobalVersion == GlobalVersionNow;
    }

    private const string StoredSql = "SELECT " + StoredColumns + " FROM reconciliation_fingerprints f WHERE f.vendor_account_id IN @accountIds";

    /// <summary>
    /// A fingerprint row's columns, <c>f</c> being <c>reconciliation_fingerprints</c>; its first is AccountId. Takes the parameters
    /// <c>@scope</c> (<see cref="Scope"/>) and <c>@all</c> (<see cref="AllTenants"/>).
    /// </summary>
    internal const string StoredColumns = """
        f.vendor_account_id AS AccountId, f.tenant_id AS TenantId, f.fingerprint AS Fingerprint, f.tenant_version AS TenantVersion,
               f.global_version AS GlobalVersion, f.run_id AS RunId, f.members_read AS MembersRead, f.seats_compared AS SeatsCompared,
               f.findings_live AS FindingsLive, f.usage_rows AS UsageRows, f.recorded_at AS RecordedAt, f.holds_through AS HoldsThrough,
               COALESCE((SELECT v.version FROM data_versions v WHERE v.scope = @scope AND v.tenant_id = f.tenant_id), 0) AS TenantVersionNow,
               COALESCE((SELECT v.version FROM data_versions v WHERE v.scope = @scope AND v.tenant_id = @all), 0) AS GlobalVersionNow
        """;

    /// <summary>
    /// The columns of <see cref="StoredColumns"/> from position <paramref name="at"/> on, read by position from a SQLite statement as
    /// Dapper reads them by name; null when its first column (the account, from a left join) is NULL, as Dapper's split hands it over.
    /// </summary>
    internal static Stored? ReadStoredAt(SqliteRow row, int at) => row.IsNull(at) ? null : new Stored
    {
        AccountId = row.Guid(at),
        TenantId = row.Guid(at + 1),
        Fingerprint = row.String(at + 2),
        TenantVersion = row.Int64(at + 3),
        GlobalVersion = row.Int64(at + 4),
        RunId = row.Guid(at + 5),
        MembersRead = row.Int32(at + 6),
        SeatsCompared = row.Int32(at + 7),
        FindingsLive = row.Int32(at + 8),
        UsageRows = row.Int32(at + 9),
        RecordedAt = row.Instant(at + 10),
        HoldsThrough = row.NullableDate(at + 11),
        TenantVersionNow = row.Int64(at + 12),
        GlobalVersionNow = row.Int64(at + 13),
    };

    /// <summary>
    /// The stored fingerprints of <paramref name="accountIds"/> with the current versions, in one query, outside any transaction:
    /// for deciding whether a run's inputs are worth reading ahead (ADR 0038), a hint the writer checks again in its own
    /// transaction, where it reads them with its accounts (<c>ReconciliationRunner.StandingSql</c>).
    /// </summary>
    public static async Task<Dictionary<Guid, Stored>> LoadAsync(ModuleDatabase db, IReadOnlyCollection<Guid> accountIds, CancellationToken ct) =>
        (await db.QueryAsync<Stored>(StoredSql, new { accountIds, scope = Scope, all = AllTenants }, ct)).ToDictionary(r => r.AccountId);

    /// <summary>
    /// The data versions of scope <see cref="Scope"/> for a tenant and for all tenants, as one statement read them (see
    /// <see cref="LoadWithAccountAsync"/>).
    /// </summary>
    public sealed class Versions
    {
        public long OfTenant { get; set; }
        public long OfAllTenants { get; set; }
    }

    /// <summary>
    /// A tenant's vendor account with its stored fingerprint (null when none) and the tenant's and all tenants' current data
    /// versions, outside any transaction, in one statement: what a run of one account reads before its vendor (the fingerprint
    /// only as a hint, ADR 0038; the versions let its read-ahead take the inputs from memory without a snapshot of its own,
    /// ADR 0071). Null when the tenant has no such account. <paramref name="tenantId"/> null: the account whatever its tenant
    /// (the per-account job, which carries only the account's id, ADR 0027 and 0085).
    /// </summary>
    public static async Task<(VendorAccountRow Account, Stored? Last, Versions Now)?> LoadWithAccountAsync(
        ModuleDatabase db, Guid? tenantId, Guid accountId, CancellationToken ct)
    {
        // The versions by the account's tenant, not the fingerprint's: an account whose stored comparison is gone may still have
        // its inputs remembered at these versions.
        var param = new { accountId, tenantId, scope = Scope, all = AllTenants };
        // SQLite: stepped and read by position (no command, reader, multi-map or boxed values; every run of every account starts
        // with this statement, docs/performance.md, feat/i11wf). SQL Server: the same text through Dapper's multi-map, as before.
        var rows = db.Dialect == SqlDialect.Sqlite
            ? await db.QueryRowsAsync(WithAccountSql, param, static row => ReadWithAccount(row), ct)
            : await db.QueryAsync<VendorAccountRow, Versions, Stored?, (VendorAccountRow, Stored?, Versions)>(
                WithAccountSql, (account, now, last) => (account, last, now), splitOn: "OfTenant,AccountId", param, ct);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>A row of <see cref="WithAccountSql"/> by position: the account's columns, the two versions, the stored fingerprint's.</summary>
    private static (VendorAccountRow, Stored?, Versions) ReadWithAccount(SqliteRow row)
    {
        const int versions = VendorAccountRow.SelectedColumns;
        return (VendorAccountRow.ReadAt(row), ReadStoredAt(row, versions + 2),
            new Versions { OfTenant = row.Int64(versions), OfAllTenants = row.Int64(versions + 1) });
    }

    /// <summary>The statement of <see cref="LoadWithAccountAsync"/>, the same on both dialects.</summary>
    internal static readonly string WithAccountSql = $"""
        WITH a AS ({VendorAccountRow.SelectSql} WHERE id = @accountId AND (@tenantId IS NULL OR tenant_id = @tenantId))
        SELECT a.*,
               COALESCE((SELECT v.version FROM data_versions v WHERE v.scope = @scope AND v.tenant_id = a.TenantId), 0) AS OfTenant,
               COALESCE((SELECT v.version FROM data_versions v WHERE v.scope = @scope AND v.tenant_id = @all), 0) AS OfAllTenants,
               {StoredColumns}
        FROM a LEFT JOIN reconciliation_fingerprints f ON f.vendor_account_id = a.Id
        """;

    /// <summary>
    /// SQL Server only: holds the tenants' version rows until commit, before their inputs are read, so that no other writer
    /// can change a tenant's inputs between this transaction's reads and the version it stores at the end (that writer's
    /// trigger waits for this commit). SQLite needs nothing: the write transaction already excludes every other writer. The
    /// all-tenants row is not held (every run would then wait for every other): it is read before the inputs instead.
    /// </summary>
    public static async Task HoldAsync(UnitOfWork uow, IReadOnlyCollection<Guid> tenantIds)
    {
        if (uow.Dialect != SqlDialect.SqlServer || tenantIds.Count == 0)
        {
            return;
        }
        await uow.QueryAsync<long>("SELECT version FROM data_versions WITH (UPDLOCK, HOLDLOCK) WHERE scope = @scope AND tenant_id IN @ids",
            new { scope = Scope, ids = tenantIds });
    }

    /// <summary>
    /// Stores what a compared run depended on: the tenant's version as the run's own writes left it (read last, in the run's
    /// transaction), and the all-tenants version read before its inputs (a run writes no shared table). Returns that tenant version.
    /// </summary>
    public static async Task<long> SaveAsync(
        UnitOfWork uow, Guid tenantId, Guid accountId, string fingerprint, long globalVersion, Guid runId, int membersRead, int seatsCompared,
        int findingsLive, int usageRows, DateOnly holdsThrough)
    {
        if (uow.Dialect == SqlDialect.Sqlite)
        {
            // One statement: a compared run ends with it, and the version read, the update and (for an account compared for the
            // first time) the insert were three. Bound directly and its one row read by position (feat/i11wf).
            var returned = await uow.QueryRowsAsync(
                """
                INSERT INTO reconciliation_fingerprints (vendor_account_id, tenant_id, fingerprint, tenant_version, global_version, run_id, members_read,
                    seats_compared, findings_live, usage_rows, recorded_at, holds_through)
                VALUES (@accountId, @tenantId, @fingerprint,
                    COALESCE((SELECT version FROM data_versions WHERE scope = @scope AND tenant_id = @tenantId), 0),
                    @globalVersion, @runId, @membersRead, @seatsCompared, @findingsLive, @usageRows, @now, @holdsThrough)
                ON CONFLICT (vendor_account_id) DO UPDATE SET tenant_id = excluded.tenant_id, fingerprint = excluded.fingerprint,
                    tenant_version = excluded.tenant_version, global_version = excluded.global_version, run_id = excluded.run_id,
                    members_read = excluded.members_read, seats_compared = excluded.seats_compared, findings_live = excluded.findings_live,
                    usage_rows = excluded.usage_rows, recorded_at = excluded.recorded_at, holds_through = excluded.holds_through
                RETURNING tenant_version
                """,
                new
                {
                    accountId, tenantId, fingerprint, scope = Scope, globalVersion, runId, membersRead, seatsCompared, findingsLive, usageRows,
                    now = uow.Now, holdsThrough,
                }, static row => row.Int64(0));
            return returned[0];
        }
        // SQL Server keeps its three statements: its upsert, MERGE, needs HOLDLOCK to be safe.
        var tenantVersion = await DataVersions.ReadAsync(uow, Scope, tenantId);
        var values = new
        {
            accountId, tenantId, fingerprint, tenantVersion, globalVersion, runId, membersRead, seatsCompared, findingsLive, usageRows, now = uow.Now,
            holdsThrough,
        };
        var updated = await uow.ExecuteAsync(
            """
            UPDATE reconciliation_fingerprints SET tenant_id = @tenantId, fingerprint = @fingerprint, tenant_version = @tenantVersion,
                global_version = @globalVersion, run_id = @runId, members_read = @membersRead, seats_compared = @seatsCompared,
                findings_live = @findingsLive, usage_rows = @usageRows, recorded_at = @now, holds_through = @holdsThrough
            WHERE vendor_account_id = @accountId
            """, values);
        if (updated == 0)
        {
            await uow.ExecuteAsync(
                """
                INSERT INTO reconciliation_fingerprints (vendor_account_id, tenant_id, fingerprint, tenant_version, global_version, run_id, members_read,
                    seats_compared, findings_live, usage_rows, recorded_at, holds_through)
                VALUES (@accountId, @tenantId, @fingerprint, @tenantVersion, @globalVersion, @runId, @membersRead, @seatsCompared, @findingsLive,
                    @usageRows, @now, @holdsThrough)
                """, values);
        }
        return tenantVersion;
    }
}
