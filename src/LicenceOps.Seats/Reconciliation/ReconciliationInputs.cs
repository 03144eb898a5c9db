using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Features.VendorAccounts;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Accounts;

namespace LicenceOps.Seats.Reconciliation;

/// <summary>What Seats records for one vendor account, as a reconciliation compares it with the vendor's reading.</summary>
internal sealed class AccountInputs
{
    public List<PlanSubscription> Subscriptions { get; } = [];
    /// <summary>
    /// The held seats as the planner takes them, made once by the read (no row object of its own per seat): a first run reads
    /// 100,000, which wait for the writer and stay remembered (ADR 0052) long enough to be copied into the oldest generation.
    /// </summary>
    public List<PlanSeat> Seats { get; } = [];
    public List<string> PendingRemovals { get; } = [];
    public List<RunOtherToolRow> OtherTools { get; } = [];
    public RecordedQuantity? Recorded { get; set; }
    public List<ObservationRow> Observations { get; } = [];
    public List<ExistingFindingRow> Findings { get; } = [];
    /// <summary>The latest usage sheet up to the run's day of each subscription with one, holding only the held seats' entries (ADR 0090).</summary>
    public List<StoredSheet> Usage { get; } = [];

    /// <summary>The usage entries held in all: what the memory bound counts (ADR 0052).</summary>
    public int UsageEntries
    {
        get
        {
            var count = 0;
            foreach (var sheet in Usage)
            {
                count += sheet.Entries.Count;
            }
            return count;
        }
    }
}

/// <summary>
/// Reads the inputs of several accounts with one query per kind of input instead of one per account: in a confirming
/// (steady-state) run these reads are most of the work, and on SQLite every statement is parsed and planned again each
/// time it runs (docs/performance.md, reconciliation benchmark). Called inside the write transaction that applies the
/// readings, so what is compared is what the apply writes over. The accounts must belong to distinct tenants: an
/// account's findings and other tools are per tenant, and a second account of the same tenant would need the first one's
/// writes (the writer splits such batches).
/// </summary>
internal static class ReconciliationInputs
{
    /// <summary>Every kind a reconciliation run can evaluate: the stored findings a merge may touch.</summary>
    private static readonly string[] ReconciliationKinds = FindingKinds.All.Except([FindingKinds.RenewalDue, FindingKinds.RenewalWithoutDecision]).ToArray();

    public sealed record Batch(
        IReadOnlyDictionary<Guid, AccountInputs> Accounts, IReadOnlyDictionary<Guid, TenantPolicy> Policies,
        IReadOnlyDictionary<string, IReadOnlyList<BaselineRow>> Baselines);

    public static async Task<Batch> LoadAsync(UnitOfWork uow, IReadOnlyList<VendorAccountRow> accounts, DateOnly today, ReconciliationOptions defaults)
    {
        var byAccount = accounts.ToDictionary(a => a.Id, _ => new AccountInputs());
        var accountIds = accounts.Select(a => a.Id).ToArray();
        var tenantIds = accounts.Select(a => a.TenantId).Distinct().ToArray();
        if (tenantIds.Length != accounts.Count)
        {
            throw new InvalidOperationException("A reconciliation batch holds two accounts of the same tenant.");
        }
        var tenantOf = accounts.ToDictionary(a => a.Id, a => a.TenantId);
        var accountOfTenant = accounts.ToDictionary(a => a.TenantId, a => a.Id);

        var subscriptions = await uow.QueryRowsAsync(
            """
            SELECT s.id AS Id, s.tenant_id AS TenantId, s.connected_account_id AS AccountId, p.product_name AS ProductName,
                   s.committed_quantity AS CommittedQuantity, s.sale_price_per_seat_eur AS SalePricePerSeatEur, p.list_price AS ListPrice,
                   p.price_currency AS PriceCurrency, p.price_unit AS PriceUnit
            FROM subscriptions s JOIN catalogue_plans p ON p.code = s.plan_code
            WHERE s.tenant_id IN @tenantIds AND s.connected_account_id IN @accountIds
            ORDER BY s.created_at, s.id
            """, new { tenantIds, accountIds }, static r => new RunSubscriptionRow
            {
                Id = r.Guid(0), TenantId = r.Guid(1), AccountId = r.NullableGuid(2), ProductName = r.String(3), CommittedQuantity = r.Int32(4),
                SalePricePerSeatEur = r.NullableDecimal(5), ListPrice = r.Decimal(6), PriceCurrency = r.String(7), PriceUnit = r.String(8),
            });
        var accountOfSubscription = new Dictionary<Guid, Guid>();
        foreach (var s in subscriptions.Where(s => s.AccountId is { } a && tenantOf[a] == s.TenantId))
        {
            byAccount[s.AccountId!.Value].Subscriptions.Add(ReconciliationRunner.ToPlan(s));
            accountOfSubscription[s.Id] = s.AccountId.Value;
        }

        var subscriptionIds = accountOfSubscription.Keys.ToArray();
        foreach (var chunk in subscriptionIds.Chunk(500))
        {
            var seats = await LoadSeatsAsync(uow, chunk);
            // Sized for the seats read: grown from empty, the set of a batch's thousands of seats was rehashed at every doubling.
            var held = new HashSet<Guid>(seats.Count);
            foreach (var seat in seats)
            {
                byAccount[accountOfSubscription[seat.SubscriptionId]].Seats.Add(seat);
                held.Add(seat.SeatId);
            }
            foreach (var removal in await uow.QueryRowsAsync(RemovalsSql, new { tenantIds, chunk },
                         static r => new RemovalRow { SubscriptionId = r.Guid(0), Email = r.String(1) }))
            {
                var inputs = byAccount[accountOfSubscription[removal.SubscriptionId]];
                if (!inputs.PendingRemovals.Contains(removal.Email))
                {
                    inputs.PendingRemovals.Add(removal.Email);
                }
            }
            // Each held seat's latest state up to today: its entry in its subscription's latest sheet (ADR 0056), one seek and one
            // text per subscription, however many seats and days, kept as one sheet (ADR 0090). Only compared (StoredSheet.Holds) and
            // carried into the next sheet.
            foreach (var sheet in await LoadLatestUsageAsync(uow, chunk, today, held))
            {
                byAccount[accountOfSubscription[sheet.SubscriptionId]].Usage.Add(sheet);
            }
            // The same people's seats in the tenant's other subscriptions. With one account per tenant in the batch, "not one
            // of the batch's subscriptions" is "not one of this account's" for that tenant's people. Driven by the account's
            // seats through the person index (DISTINCT: a person may hold seats in two of the account's subscriptions); each
            // other seat's last activity is the most recent of its history, read from its subscription's latest sheet.
            var others = (await uow.QueryRowsAsync(OtherToolsSql, new { tenantIds, chunk, all = subscriptionIds }, static r => new RunOtherToolRow
            {
                SeatId = r.Guid(0), TenantId = r.Guid(1), PersonId = r.Guid(2), SubscriptionId = r.Guid(3), VendorCode = r.String(4), ProductName = r.String(5),
            })).ToList();
            var latestActivity = new Dictionary<Guid, DateOnly?>();
            foreach (var otherChunk in others.Select(o => o.SubscriptionId).Distinct().Chunk(500))
            {
                await UsageSheets.ReadLatestAsync(uow, otherChunk, today, (_, _, _, entries) =>
                {
                    foreach (var entry in entries)
                    {
                        latestActivity[entry.SeatId] = entry.LatestActivity;
                    }
                });
            }
            foreach (var other in others)
            {
                other.LastActiveOn = latestActivity.GetValueOrDefault(other.SeatId);
                if (accountOfTenant.TryGetValue(other.TenantId, out var accountId))
                {
                    byAccount[accountId].OtherTools.Add(other);
                }
            }
        }

        var policies = new Dictionary<Guid, TenantPolicy>();
        foreach (var row in await uow.QueryRowsAsync(
                     """
                     SELECT tenant_id AS TenantId, email_domains AS EmailDomains, inactive_after_days AS InactiveAfterDays,
                            stale_invite_after_days AS StaleInviteAfterDays
                     FROM tenant_reconciliation_policies WHERE tenant_id IN @tenantIds
                     """, new { tenantIds }, static r => new PolicyRow
                     {
                         TenantId = r.Guid(0), EmailDomains = r.String(1), InactiveAfterDays = r.Int32(2), StaleInviteAfterDays = r.Int32(3),
                     }))
        {
            policies[row.TenantId] = ReconciliationRunner.ToPolicy(row);
        }
        foreach (var tenantId in tenantIds.Where(t => !policies.ContainsKey(t)))
        {
            policies[tenantId] = new TenantPolicy([], defaults.InactiveAfterDays, defaults.StaleInviteAfterDays);
        }

        var recordedFor = accounts.Where(a => !ConnectorKinds.ReadsPurchasedQuantity(a.Connector)).Select(a => a.Id).ToArray();
        if (recordedFor.Length > 0)
        {
            // Latest observation date, then latest recording: the first row of each account in this order.
            foreach (var row in await uow.QueryRowsAsync(
                         """
                         SELECT tenant_id AS TenantId, vendor_account_id AS AccountId, quantity AS Quantity, observed_on AS ObservedOn, source AS Source
                         FROM purchased_quantity_observations
                         WHERE vendor_account_id IN @recordedFor ORDER BY observed_on DESC, recorded_at DESC
                         """, new { recordedFor }, static r => new RecordedQuantityRow
                         {
                             TenantId = r.Guid(0), AccountId = r.Guid(1), Quantity = r.Int32(2), ObservedOn = r.Date(3), Source = r.String(4),
                         }))
            {
                var inputs = byAccount[row.AccountId];
                if (inputs.Recorded is null && tenantOf[row.AccountId] == row.TenantId)
                {
                    inputs.Recorded = new RecordedQuantity(row.Quantity, row.ObservedOn, row.Source);
                }
            }
        }

        var vendorCodes = accounts.Select(a => a.VendorCode).Distinct().ToArray();
        var baselines = (await uow.QueryRowsAsync(
                "SELECT vendor_code AS VendorCode, setting_key AS SettingKey, label AS Label, expected_value AS ExpectedValue FROM setting_baselines WHERE vendor_code IN @vendorCodes",
                new { vendorCodes }, static r => new BaselineRow { VendorCode = r.String(0), SettingKey = r.String(1), Label = r.String(2), ExpectedValue = r.String(3) }))
            .GroupBy(b => b.VendorCode).ToDictionary(g => g.Key, g => (IReadOnlyList<BaselineRow>)g.ToList());
        foreach (var row in await uow.QueryRowsAsync(
                     """
                     SELECT vendor_account_id AS AccountId, setting_key AS SettingKey, observed_value AS ObservedValue, observed_on AS ObservedOn
                     FROM setting_observations WHERE vendor_account_id IN @accountIds ORDER BY observed_on DESC, recorded_at DESC
                     """, new { accountIds }, static r => new ObservationRow
                     {
                         AccountId = r.Guid(0), SettingKey = r.String(1), ObservedValue = r.String(2), ObservedOn = r.Date(3),
                     }))
        {
            byAccount[row.AccountId].Observations.Add(row);
        }

        foreach (var row in await LoadFindingsAsync(uow, tenantIds, ReconciliationKinds))
        {
            byAccount[accountOfTenant[row.TenantId]].Findings.Add(row);
        }
        return new Batch(byAccount, policies, baselines);
    }

    /// <summary>
    /// The pending removals of the subscriptions @chunk: the addresses of people whose transfer still has to hand over data or revoke
    /// access there. Sought by subscription and status (ix_transfer_steps_subscription, migration 2040): the steps of every tenant were
    /// scanned before.
    /// </summary>
    internal const string RemovalsSql = """
        SELECT DISTINCT ts.subscription_id AS SubscriptionId, p.email AS Email FROM transfer_steps ts JOIN transfers t ON t.id = ts.transfer_id
            JOIN people p ON p.person_id = t.person_id
        WHERE ts.tenant_id IN @tenantIds AND ts.subscription_id IN @chunk AND ts.kind IN ('hand_over_data', 'revoke_access')
          AND ts.status IN ('pending', 'waiting', 'needs_attention')
        """;

    /// <summary>
    /// The held seats of the subscriptions @chunk with their person's address and name and, for a seat still invited, when it was last
    /// invited (the planner dates only those seats' invites: a seek into the seat's history is spared for every other seat). The address
    /// and name are the copies the seat row keeps (migration 2070, ADR 0092), not a join to people: the join was two B-tree descents per
    /// seat, half of SQLite's work in this read. A seat whose person Seats has no copy of has none (NULL) and is not read, as the join
    /// did not read it.
    /// </summary>
    internal const string SeatsSql = """
        SELECT st.id AS SeatId, st.subscription_id AS SubscriptionId, st.person_id AS PersonId, st.person_email AS Email, st.person_name AS DisplayName,
               st.status AS Status, st.assigned_on AS AssignedOn, st.vendor_member_id AS VendorMemberId,
               CASE WHEN st.status = 'invited' THEN (SELECT MAX(h.occurred_at) FROM seat_history h WHERE h.seat_id = st.id AND h.to_status = 'invited') END AS InvitedAt
        FROM seats st
        WHERE st.subscription_id IN @chunk AND st.status <> 'released' AND st.person_email IS NOT NULL
        """;

    /// <summary>
    /// The same on SQLite, packed (<see cref="PackedRows"/>): one text per subscription, each seat one JSON array in the order of
    /// <see cref="SeatsSql"/>'s columns.
    /// </summary>
    private const string PackedSeatsSql = """
        SELECT CAST(json_group_array(json_array(st.id, st.subscription_id, st.person_id, st.person_email, st.person_name, st.status, st.assigned_on, st.vendor_member_id,
               CASE WHEN st.status = 'invited' THEN (SELECT MAX(h.occurred_at) FROM seat_history h WHERE h.seat_id = st.id AND h.to_status = 'invited') END)) AS BLOB)
        FROM seats st
        WHERE st.subscription_id IN @chunk AND st.status <> 'released' AND st.person_email IS NOT NULL
        GROUP BY st.subscription_id
        """;

    /// <summary>
    /// The seats of <paramref name="chunk"/>. On SQLite every column of every row is carried out of the engine by native calls of
    /// its own (the read-ahead's main cost, docs/performance.md): there the seats of a subscription come as one text
    /// (<see cref="PackedRows"/>), which reads the same values with one column per subscription. SQL Server reads the columns (its
    /// client has no such cost per column).
    /// </summary>
    internal static async Task<IReadOnlyList<PlanSeat>> LoadSeatsAsync(UnitOfWork uow, Guid[] chunk)
    {
        if (uow.Dialect != SqlDialect.Sqlite)
        {
            return (await uow.QueryAsync<RunSeatRow>(SeatsSql, new { chunk })).Select(ToPlan).ToList();
        }
        // The planner's seat straight from the packed text: its invite dated in Paris as the planner dates it (only an invited
        // seat has one).
        return await PackedAsync(uow, SeatsSql, PackedSeatsSql, new { chunk }, static (ref PackedRows c) => new PlanSeat(
            SeatId: c.Guid(),
            SubscriptionId: c.Guid(),
            PersonId: c.Guid(),
            PersonEmail: c.String(),
            PersonName: c.String(),
            Status: SeatStatusText(c.String()),
            AssignedOn: c.Date(),
            VendorMemberId: c.NullableString(),
            InvitedOn: c.NullableInstant() is { } at ? ParisCalendar.DateOf(at) : null));
    }

    /// <summary>A seat as the planner takes it, from its columns (SQL Server).</summary>
    internal static PlanSeat ToPlan(RunSeatRow s) =>
        new(s.SeatId, s.SubscriptionId, s.PersonId, s.Email, s.DisplayName, SeatStatusText(s.Status), s.AssignedOn,
            s.InvitedAt is { } at ? ParisCalendar.DateOf(at) : null, s.VendorMemberId);

    /// <summary>
    /// A seat's status as one shared string per value: a read makes a new string of every column, and a first run keeps 100,000
    /// seats for a while (values outside the known ones are kept as read).
    /// </summary>
    private static string SeatStatusText(string status) => status switch
    {
        "active" => "active",
        "invited" => "invited",
        "requested" => "requested",
        "suspended" => "suspended",
        _ => status,
    };

    /// <summary>
    /// The stored findings of the kinds a run evaluates, for the tenants @tenantIds. On SQLite one text per tenant
    /// (<see cref="PackedRows"/>), each finding one JSON array in the order of <see cref="FindingStore.ExistingSelectSql"/>'s columns;
    /// SQL Server reads the columns.
    /// </summary>
    internal static Task<IReadOnlyList<ExistingFindingRow>> LoadFindingsAsync(UnitOfWork uow, Guid[] tenantIds, IReadOnlyCollection<string> kinds) =>
        PackedAsync(uow, FindingStore.ExistingSelectSql + " WHERE tenant_id IN @tenantIds AND kind IN @kinds", PackedFindingsSql,
            new { tenantIds, kinds }, static (ref PackedRows c) => new ExistingFindingRow
            {
                Id = c.Guid(),
                TenantId = c.Guid(),
                Kind = c.String(),
                SubjectKey = c.String(),
                Status = c.String(),
                VendorAccountId = c.NullableGuid(),
                VendorName = c.NullableString(),
                SubscriptionId = c.NullableGuid(),
                SeatId = c.NullableGuid(),
                PersonId = c.NullableGuid(),
                MemberEmail = c.NullableString(),
                Summary = c.String(),
                RecommendedAction = c.String(),
                NeedsClient = c.Flag(),
                MonthlyEffectCents = c.Int64(),
                EffectBasis = c.String(),
                SeenByAccount = c.Flag(),
            });

    /// <summary>
    /// Rows packed per group (<see cref="PackedRows"/>) on SQLite, each group's text read where the statement holds it and the statement
    /// stepped through SQLitePCL (<see cref="UnitOfWork.StepRowsAsync"/>: no command, reader or Dapper call per statement, a per-account
    /// read-ahead's main cost beside SQLite's own, docs/performance.md, feat/i11fx); the columns of <paramref name="columnSql"/> elsewhere.
    /// </summary>
    private static async Task<IReadOnlyList<T>> PackedAsync<T>(UnitOfWork uow, string columnSql, string packedSql, object param, ReadPackedRow<T> read)
    {
        if (uow.Dialect != SqlDialect.Sqlite)
        {
            return await uow.QueryAsync<T>(columnSql, param);
        }
        var rows = new List<T>();
        await uow.StepRowsAsync(packedSql, param, row => PackedRows.ReadAll(row.Bytes(0), read, rows));
        return rows;
    }

    private const string PackedFindingsSql = """
        SELECT CAST(json_group_array(json_array(id, tenant_id, kind, subject_key, status, vendor_account_id, vendor_name, subscription_id, seat_id, person_id,
               member_email, summary, recommended_action, needs_client, monthly_effect_cents, effect_basis, seen_by_account)) AS BLOB)
        FROM findings WHERE tenant_id IN @tenantIds AND kind IN @kinds
        GROUP BY tenant_id
        """;

    /// <summary>
    /// Each held seat's (<paramref name="held"/>) latest state up to <paramref name="today"/>, for the seats of the subscriptions
    /// <paramref name="chunk"/>: the entries of each subscription's latest sheet (ADR 0056).
    /// </summary>
    internal static async Task<IReadOnlyList<StoredSheet>> LoadLatestUsageAsync(UnitOfWork uow, Guid[] chunk, DateOnly today, IReadOnlySet<Guid> held)
    {
        var sheets = new List<StoredSheet>();
        await UsageSheets.ReadLatestAsync(uow, chunk, today, (subscriptionId, day, accountId, entries) =>
        {
            var kept = new Dictionary<Guid, SheetEntry>(entries.Count);
            foreach (var entry in entries)
            {
                if (held.Contains(entry.SeatId))
                {
                    kept.Add(entry.SeatId, entry);
                }
            }
            // A sheet holding only released seats holds nothing a comparison reads (a sheet of today is still replaced: no entry
            // held says so, as no row did).
            if (kept.Count > 0)
            {
                sheets.Add(new StoredSheet(subscriptionId, day, accountId, kept));
            }
        });
        return sheets;
    }

    /// <summary>
    /// The same read by SQLite's own JSON functions, value by value, for the test that compares both (the runner parses the
    /// sheets itself).
    /// </summary>
    internal static Task<IReadOnlyList<StoredUsageRow>> LoadLatestUsageByColumnAsync(UnitOfWork uow, Guid[] chunk, DateOnly today) =>
        uow.QueryAsync<StoredUsageRow>(
            """
            SELECT e.value ->> 0 AS SeatId, sh.day AS Day, e.value ->> 5 AS Since, e.value ->> 6 AS EarlierActivity,
                   sh.vendor_account_id AS AccountId, sh.subscription_id AS SubscriptionId, e.value ->> 1 AS PersonId,
                   e.value ->> 2 AS LastActiveOn, e.value ->> 3 AS Active, e.value ->> 4 AS ActivityReported,
                   sh.subscription_id AS SeatSubscriptionId
            FROM subscriptions s JOIN seat_usage_sheets sh ON sh.tenant_id = s.tenant_id AND sh.subscription_id = s.id
                AND sh.day = (SELECT MAX(x.day) FROM seat_usage_sheets x WHERE x.tenant_id = s.tenant_id AND x.subscription_id = s.id AND x.day <= @today)
              JOIN json_each(sh.seats) e
              JOIN seats st ON st.id = e.value ->> 0 AND st.status <> 'released'
            WHERE s.id IN @chunk
            """, new { chunk, today });

    /// <summary>
    /// The held seats of the same people in the tenants' other subscriptions, each with its last activity date. DISTINCT: a person
    /// may hold seats in two of the account's subscriptions.
    /// </summary>
    private const string OtherToolsSql = """
        SELECT DISTINCT o.id AS SeatId, o.tenant_id AS TenantId, o.person_id AS PersonId, o.subscription_id AS SubscriptionId,
               cp.vendor_code AS VendorCode, cp.product_name AS ProductName
        FROM seats mine JOIN seats o ON o.person_id = mine.person_id AND o.tenant_id = mine.tenant_id
            JOIN subscriptions s ON s.id = o.subscription_id JOIN catalogue_plans cp ON cp.code = s.plan_code
        WHERE mine.subscription_id IN @chunk AND mine.status <> 'released' AND mine.tenant_id IN @tenantIds
          AND o.status <> 'released' AND o.subscription_id NOT IN @all
        """;

    /// <summary>The statements of ADR 0044 as SQL Server receives them, for the test that parses them (no SQL Server runs here).</summary>
    internal static IReadOnlyList<string> SqlServerStatements =>
        [SeatsSql, UsageSheets.LatestSql, OtherToolsSql, FindingStore.ExistingSelectSql + " WHERE tenant_id IN @tenantIds AND kind IN @kinds"];

    private sealed class RemovalRow
    {
        public Guid SubscriptionId { get; set; }
        public string Email { get; set; } = "";
    }

    private sealed class RecordedQuantityRow
    {
        public Guid TenantId { get; set; }
        public Guid AccountId { get; set; }
        public int Quantity { get; set; }
        public DateOnly ObservedOn { get; set; }
        public string Source { get; set; } = "";
    }
}
