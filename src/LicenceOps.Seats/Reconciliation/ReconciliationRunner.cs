using System.Diagnostics;
using System.Threading.Channels;
using LicenceOps.Contracts.Seats;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Features.VendorAccounts;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Transfers;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Reconciliation;

/// <summary>
/// Runs one reconciliation of one vendor account: records the run, reads the vendor completely OUTSIDE any transaction
/// (the calls may wait on retries), then applies the pure plan in one write with its audit and outbox rows. A vendor
/// outage or malformed answer marks the run failed with the reason and changes nothing else: the previous findings stay.
/// </summary>
public sealed class ReconciliationRunner(
    ModuleDatabase<SeatsModule> db, VendorCredentials credentials, VendorConnectors connectors, TransferKicker kicker,
    IOptions<SeatsOptions> options, ILogger<ReconciliationRunner> logger)
{
    public const string RunSelectSql = """
        SELECT id AS RunId, vendor_account_id AS VendorAccountId, state AS State, failure_reason AS FailureReason, started_at AS StartedAt,
               finished_at AS FinishedAt, members_read AS MembersRead, seats_compared AS SeatsCompared, findings_opened AS FindingsOpened,
               findings_updated AS FindingsUpdated, findings_closed AS FindingsClosed, seats_activated AS SeatsActivated, usage_rows AS UsageRows
        FROM reconciliation_runs
        """;

    /// <summary>Accounts applied in one write transaction at most: bounds how long the batch holds SQLite's write lock.</summary>
    public const int MaxAccountsPerWrite = 64;

    /// <summary>A batch stops taking readings once its transaction has been open this long (other writers wait meanwhile).</summary>
    private static readonly TimeSpan MaxWriteHold = TimeSpan.FromMilliseconds(250);

    /// <summary>The state of a run whose account was deleted while the vendor was read: nothing of it was recorded.</summary>
    public const string Abandoned = "abandoned";

    /// <summary>Null when the tenant has no such vendor account, including when it was deleted while this run read the vendor.</summary>
    public async Task<ReconciliationRunResult?> RunAsync(Guid tenantId, Guid accountId, string trigger, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @accountId AND tenant_id = @tenantId",
            new { accountId, tenantId }, ct);
        return row is null ? null : (await RunManyAsync([row], trigger, 1, ct))[0] is { State: not Abandoned } run ? run : null;
    }

    /// <summary>
    /// Reconciles <paramref name="accounts"/> as a pipeline: every run is recorded first ('running'), the vendors are read
    /// <paramref name="parallelReads"/> at a time outside any transaction, and one writer applies the readings as they arrive,
    /// several accounts per write transaction, each in its own savepoint. An account's findings, activations, usage,
    /// snapshot, run counts, audit and outbox rows still commit together and all or nothing; an account whose apply fails
    /// rolls back to its savepoint and its run is recorded failed with the reason, the others commit. Sharing the commit
    /// matters on SQLite: a commit writes every page the transaction touched, and the random GUID keys of findings, audit
    /// and usage rows put most of an account's rows on different pages, which neighbouring accounts' rows then share
    /// (docs/performance.md, reconciliation benchmark). Results come back in the order of <paramref name="accounts"/>.
    /// An account deleted while its vendor was read gets nothing from its reading: its result is <see cref="Abandoned"/>
    /// and is not stored (the delete took the account's run history with it).
    /// </summary>
    public async Task<IReadOnlyList<ReconciliationRunResult>> RunManyAsync(
        IReadOnlyList<VendorAccountRow> accounts, string trigger, int parallelReads, CancellationToken ct)
    {
        var lap = Stopwatch.GetTimestamp();
        var runIds = accounts.Select(_ => Guid.NewGuid()).ToArray();
        var startedAt = DateTimeOffset.MinValue;
        foreach (var chunk in Enumerable.Range(0, accounts.Count).Chunk(500))
        {
            // Only for accounts that still exist: one deleted since it was read gets no run row (its reading is abandoned below).
            await db.WriteAsync(uow =>
            {
                startedAt = uow.Now;
                return uow.ExecuteAsync(
                    """
                    INSERT INTO reconciliation_runs (id, tenant_id, vendor_account_id, trigger_kind, state, started_at)
                    SELECT @runId, @tenantId, @accountId, @trigger, 'running', @now
                    WHERE EXISTS (SELECT 1 FROM vendor_accounts WHERE id = @accountId AND tenant_id = @tenantId)
                    """, chunk.Select(i => new { runId = runIds[i], tenantId = accounts[i].TenantId, accountId = accounts[i].Id, trigger, now = uow.Now }).ToList());
            }, ct);
        }
        ReconciliationMetrics.Lap("start", lap);

        // Readings queue up while a batch is being written; the bound keeps memory flat when the vendors are faster than the writer.
        var readings = Channel.CreateBounded<(int Index, VendorReadingSet? Reading, string? Failure)>(
            new BoundedChannelOptions(MaxAccountsPerWrite * 2) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reader = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, accounts.Count),
                    new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelReads), CancellationToken = stop.Token }, async (i, c) =>
                    {
                        var started = Stopwatch.GetTimestamp();
                        var (reading, failure) = await ReadVendorAsync(accounts[i], accounts[i].TenantId, c);
                        ReconciliationMetrics.Lap("read_vendor", started);
                        await readings.Writer.WriteAsync((i, reading, failure), c);
                    });
                readings.Writer.Complete();
            }
            catch (Exception ex)
            {
                readings.Writer.Complete(ex);
            }
        }, CancellationToken.None);

        try
        {
            while (await readings.Reader.WaitToReadAsync(ct))
            {
                lap = Stopwatch.GetTimestamp();
                var applied = await db.WriteAsync(async uow =>
                {
                    var t = ReconciliationMetrics.Lap("wait_write", lap);
                    var open = Stopwatch.GetTimestamp();
                    var taken = 0;
                    while (taken < MaxAccountsPerWrite && Stopwatch.GetElapsedTime(open) < MaxWriteHold && readings.Reader.TryRead(out var next))
                    {
                        taken++;
                        t = await ApplyOneAsync(uow, accounts[next.Index], runIds[next.Index], trigger, next.Reading, next.Failure, t);
                    }
                    return t;
                }, ct);
                ReconciliationMetrics.Lap("commit", applied);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await reader;
        }

        lap = Stopwatch.GetTimestamp();
        var runs = new Dictionary<Guid, ReconciliationRunResult>(accounts.Count);
        foreach (var chunk in runIds.Chunk(500))
        {
            foreach (var run in await db.QueryAsync<ReconciliationRunResult>(RunSelectSql + " WHERE id IN @chunk", new { chunk }, ct))
            {
                runs[run.RunId] = run;
            }
        }
        ReconciliationMetrics.Lap("result", lap);
        return runIds.Select((id, i) => runs.TryGetValue(id, out var run)
            ? run
            : new ReconciliationRunResult(id, accounts[i].Id, Abandoned,
                "The vendor account was deleted while its vendor was being read: nothing of this run was recorded.", startedAt, null, 0, 0, 0, 0, 0, 0, 0))
            .ToList();
    }

    /// <summary>
    /// One account of a batch: a failed reading is recorded as such; a reading is applied in its own savepoint. Either way
    /// only if the account still stands as it was read, checked in this transaction (see <see cref="StandingAsync"/>).
    /// </summary>
    private async Task<long> ApplyOneAsync(UnitOfWork uow, VendorAccountRow account, Guid runId, string trigger, VendorReadingSet? reading, string? failure, long lap)
    {
        switch (await StandingAsync(uow, account, trigger))
        {
            case Standing.Deleted:
                // The delete committed first and took the run row with it: writing findings, usage, members, activations,
                // events or audit now would resurrect what staff just removed. Nothing is written.
                logger.LogInformation("Reconciliation run {RunId} abandoned: vendor account {AccountId} was deleted while its vendor was read", runId, account.Id);
                return lap;
            case Standing.Reconnected:
                await RecordFailureAsync(uow, account, runId,
                    "The vendor account's connection (connector, address, settings or credential) changed while its vendor was read: the reading may " +
                    "be of another account, so nothing was compared. The next run reads it again.");
                return lap;
            case Standing.TurnedOff:
                await RecordFailureAsync(uow, account, runId,
                    "Scheduled reconciliation was turned off for this account while its vendor was read: nothing was compared.");
                return lap;
        }
        if (reading is null)
        {
            logger.LogWarning("Reconciliation of vendor account {AccountId} ({Connector}) failed: {Reason}", account.Id, account.Connector, failure);
            await RecordFailureAsync(uow, account, runId, failure ?? "The connector gave no reading.");
            return lap;
        }
        const string savepoint = "reconciliation_account";
        await uow.Transaction.SaveAsync(savepoint);
        try
        {
            lap = await ApplyAsync(uow, account, runId, reading, lap);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only this account's changes go; the run says why. If even the rollback fails the whole batch fails and retries nothing.
            await uow.Transaction.RollbackAsync(savepoint);
            logger.LogError(ex, "Reconciliation of vendor account {AccountId} could not be applied", account.Id);
            await RecordFailureAsync(uow, account, runId, $"The reading could not be applied: {ex.GetType().Name}: {ex.Message}");
        }
        if (uow.Dialect == SqlDialect.Sqlite)
        {
            // SQL Server has no savepoint release: its savepoints simply end with the transaction.
            await uow.Transaction.ReleaseAsync(savepoint);
        }
        return lap;
    }

    private enum Standing { Current, Deleted, Reconnected, TurnedOff }

    /// <summary>
    /// Whether the account still exists, still connects the way it did when it was read, and (for a scheduled run) is still
    /// scheduled, read inside the write transaction that would apply the reading. On SQLite that transaction excludes every
    /// other writer, so a delete committed either before (seen here: the run is abandoned) or after (it then closes and
    /// removes what the run wrote, by its own rules). On SQL Server the row is held until commit (the delete holds it too),
    /// which gives the same two orders.
    /// </summary>
    private static async Task<Standing> StandingAsync(UnitOfWork uow, VendorAccountRow account, string trigger)
    {
        var now = await uow.QuerySingleOrDefaultAsync<CurrentAccountRow>(
            $"""
            SELECT connector AS Connector, base_address AS BaseAddress, settings AS Settings, protected_secret AS ProtectedSecret,
                   scheduled_reconciliation AS ScheduledReconciliation
            FROM vendor_accounts{uow.Dialect.HoldRow()} WHERE id = @Id AND tenant_id = @TenantId
            """, new { account.Id, account.TenantId });
        if (now is null)
        {
            return Standing.Deleted;
        }
        if (now.Connector != account.Connector || now.BaseAddress != account.BaseAddress || now.Settings != account.Settings
            || now.ProtectedSecret != account.ProtectedSecret)
        {
            return Standing.Reconnected;
        }
        return trigger == RunTriggers.Schedule && !now.ScheduledReconciliation ? Standing.TurnedOff : Standing.Current;
    }

    private sealed class CurrentAccountRow
    {
        public string Connector { get; set; } = "";
        public string? BaseAddress { get; set; }
        public string Settings { get; set; } = "{}";
        public string? ProtectedSecret { get; set; }
        public bool ScheduledReconciliation { get; set; }
    }

    private static async Task RecordFailureAsync(UnitOfWork uow, VendorAccountRow account, Guid runId, string failure)
    {
        await uow.ExecuteAsync(
            "UPDATE reconciliation_runs SET state = 'failed', failure_reason = @failure, finished_at = @now WHERE id = @runId",
            new { runId, failure, now = uow.Now });
        await uow.AuditAsync("reconciliation_run", runId, "failed", new { accountId = account.Id, reason = failure }, account.TenantId);
    }

    /// <summary>What the vendor said, complete: the member list and, when the connector can read it, the purchased quantity.</summary>
    public sealed record VendorReadingSet(string ConnectorName, VendorMemberList Members, VendorQuantity? Quantity);

    internal async Task<(VendorReadingSet? Reading, string? Failure)> ReadVendorAsync(VendorAccountRow row, Guid tenantId, CancellationToken ct)
    {
        try
        {
            var connector = connectors.Named(row.Connector);
            if (connector is null)
            {
                return (null, $"No connector '{row.Connector}' is installed.");
            }
            var account = new VendorAccount(tenantId, Guid.Empty, row.VendorCode, row.DisplayName, row.DisplayName, row.DisplayName, credentials.ToConnection(row));
            VendorMemberList members;
            switch (await connector.ListMembersAsync(account, ct))
            {
                case VendorReading<VendorMemberList>.Read read:
                    members = read.Value;
                    break;
                case VendorReading<VendorMemberList>.Unavailable unavailable:
                    return (null, unavailable.Reason);
                default:
                    return (null, "The connector gave no reading.");
            }
            if (members.Members.Any(m => string.IsNullOrWhiteSpace(m.Email) || !m.Email.Contains('@', StringComparison.Ordinal)))
            {
                return (null, "The vendor's member list holds a member without a valid e-mail address: the answer is malformed, nothing was compared.");
            }
            var quantity = await connector.ReadPurchasedQuantityAsync(account, ct) switch
            {
                VendorReading<VendorQuantity>.Read read => read.Value,
                _ => null,
            };
            return (new VendorReadingSet(connector.Name, members, quantity), null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Connectors report vendor failures as VendorConnectorException; anything else escaping a reading is an answer
            // they could not make sense of (malformed JSON, unexpected shape). Either way the run fails and changes nothing.
            return (null, ex is VendorConnectorException ? ex.Message : $"The vendor's answer could not be read: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task<long> ApplyAsync(UnitOfWork uow, VendorAccountRow account, Guid runId, VendorReadingSet reading, long lap)
    {
        var tenantId = account.TenantId;
        var accountId = account.Id;
        var today = ParisCalendar.DateOf(uow.Now);
        var defaults = options.Value.Reconciliation;

        var subscriptions = await LoadSubscriptionsAsync(uow, tenantId, accountId);
        var subscriptionIds = subscriptions.Select(s => s.Id).ToArray();
        IReadOnlyList<RunSeatRow> seats = [];
        IReadOnlyList<string> pendingRemovals = [];
        IReadOnlyList<RunOtherToolRow> otherTools = [];
        if (subscriptionIds.Length > 0)
        {
            seats = await uow.QueryAsync<RunSeatRow>(
                """
                SELECT st.id AS SeatId, st.subscription_id AS SubscriptionId, st.person_id AS PersonId, p.email AS Email, p.display_name AS DisplayName,
                       st.status AS Status, st.assigned_on AS AssignedOn, st.vendor_member_id AS VendorMemberId,
                       (SELECT MAX(h.occurred_at) FROM seat_history h WHERE h.seat_id = st.id AND h.to_status = 'invited') AS InvitedAt
                FROM seats st JOIN people p ON p.person_id = st.person_id
                WHERE st.tenant_id = @tenantId AND st.subscription_id IN @subscriptionIds AND st.status <> 'released'
                """, new { tenantId, subscriptionIds });
            pendingRemovals = await uow.QueryAsync<string>(
                """
                SELECT DISTINCT p.email FROM transfer_steps ts JOIN transfers t ON t.id = ts.transfer_id JOIN people p ON p.person_id = t.person_id
                WHERE ts.tenant_id = @tenantId AND ts.subscription_id IN @subscriptionIds AND ts.kind IN ('hand_over_data', 'revoke_access')
                  AND ts.status IN ('pending', 'waiting', 'needs_attention')
                """, new { tenantId, subscriptionIds });
            otherTools = await uow.QueryAsync<RunOtherToolRow>(
                """
                SELECT st.person_id AS PersonId, st.subscription_id AS SubscriptionId, cp.vendor_code AS VendorCode, cp.product_name AS ProductName,
                       (SELECT MAX(u.last_active_on) FROM seat_usage_days u WHERE u.seat_id = st.id) AS LastActiveOn
                FROM seats st JOIN subscriptions s ON s.id = st.subscription_id JOIN catalogue_plans cp ON cp.code = s.plan_code
                WHERE st.tenant_id = @tenantId AND st.status <> 'released' AND st.subscription_id NOT IN @subscriptionIds
                  AND st.person_id IN (SELECT person_id FROM seats WHERE tenant_id = @tenantId AND subscription_id IN @subscriptionIds AND status <> 'released')
                """, new { tenantId, subscriptionIds });
        }
        var policy = await LoadPolicyAsync(uow, tenantId, defaults);
        lap = ReconciliationMetrics.Lap("load", lap);

        var recorded = ConnectorKinds.ReadsPurchasedQuantity(account.Connector)
            ? null
            : new RecordedQuantityInput(await LatestRecordedQuantityAsync(uow, tenantId, accountId), defaults.PurchasedQuantityUnverifiedAfterDays);
        var input = new ReconciliationInput(accountId, account.VendorCode, account.DisplayName, reading.Quantity, reading.Members,
            subscriptions,
            seats.Select(s => new PlanSeat(s.SeatId, s.SubscriptionId, s.PersonId, s.Email, s.DisplayName, s.Status, s.AssignedOn,
                s.InvitedAt is { } at ? ParisCalendar.DateOf(at) : null, s.VendorMemberId)).ToList(),
            pendingRemovals,
            otherTools.Select(o => new OtherToolUse(o.PersonId, o.SubscriptionId, o.VendorCode, o.ProductName, o.LastActiveOn)).ToList(),
            policy, today, recorded);
        var plan = ReconciliationPlanner.Plan(input);
        lap = ReconciliationMetrics.Lap("plan", lap);

        var settingFindings = await PlanSettingsAsync(uow, account, subscriptionIds.Length > 0 ? subscriptionIds[0] : null, today);
        var evaluated = plan.EvaluatedKinds.Concat(FindingKinds.FromSettings).ToList();
        var counts = await FindingStore.ApplyAsync(uow, tenantId, accountId, account.VendorCode, account.DisplayName, runId,
            [.. plan.Findings, .. settingFindings], evaluated);
        lap = ReconciliationMetrics.Lap("findings", lap);

        var activated = 0;
        var kicks = new List<Guid>();
        foreach (var activation in plan.Activations)
        {
            var seat = await SeatLedger.FindAsync(uow, tenantId, activation.SeatId);
            var why = $"the vendor lists {activation.MemberEmail} as an active member (reconciliation run {runId})";
            if (seat?.Status == "requested")
            {
                // Already a member before our invite went out: the seat passes through invited, as every activation does.
                if (!await SeatLedger.TransitionAsync(uow, seat, SeatStatus.Requested, SeatStatus.Invited, why))
                {
                    continue;
                }
                seat = await SeatLedger.FindAsync(uow, tenantId, activation.SeatId);
            }
            if (seat is not null && await SeatLedger.TransitionAsync(uow, seat, SeatStatus.Invited, SeatStatus.Active, why))
            {
                activated++;
                kicks.AddRange(await SeatWorkflows.WaitingOnSeatAsync(uow, seat.Id));
            }
        }
        uow.OnCommitted(() => kicker.Kick(kicks));
        lap = ReconciliationMetrics.Lap("activations", lap);

        await WriteUsageAsync(uow, tenantId, accountId, today, plan.Usage);
        lap = ReconciliationMetrics.Lap("usage", lap);

        if (reading.ConnectorName != "csv")
        {
            // The CSV connector reads vendor_members itself; for API connectors this keeps the latest reading for staff.
            await MemberSnapshot.ReplaceAsync(uow, tenantId, accountId, reading.Members.Members, reading.ConnectorName);
        }
        lap = ReconciliationMetrics.Lap("members", lap);

        await uow.ExecuteAsync(
            """
            UPDATE reconciliation_runs SET state = 'succeeded', finished_at = @now, members_read = @members, seats_compared = @seats,
                findings_opened = @opened, findings_updated = @updated, findings_closed = @closed, seats_activated = @activated, usage_rows = @usage
            WHERE id = @runId
            """,
            new
            {
                runId, now = uow.Now, members = reading.Members.Members.Count, seats = seats.Count, opened = counts.Opened, updated = counts.Updated,
                closed = counts.Closed, activated, usage = plan.Usage.Count,
            });
        await uow.AuditAsync("reconciliation_run", runId, "succeeded",
            new { accountId, members = reading.Members.Members.Count, counts.Opened, counts.Updated, counts.Closed, activated, notes = reading.Members.Notes },
            tenantId);
        return ReconciliationMetrics.Lap("finish", lap);
    }

    /// <summary>
    /// Today's usage snapshot of this account: rows an earlier run of the same day already wrote with the same values stay,
    /// the others are replaced (hourly runs mostly confirm what the first run of the day wrote). Deletes go through the
    /// (tenant_id, day) index.
    /// </summary>
    private static async Task WriteUsageAsync(UnitOfWork uow, Guid tenantId, Guid accountId, DateOnly today, IReadOnlyList<UsageSnapshot> usage)
    {
        var stored = (await uow.QueryAsync<StoredUsageRow>(
            """
            SELECT seat_id AS SeatId, subscription_id AS SubscriptionId, person_id AS PersonId, last_active_on AS LastActiveOn, active AS Active,
                   activity_reported AS ActivityReported
            FROM seat_usage_days WHERE tenant_id = @tenantId AND day = @today AND vendor_account_id = @accountId
            """, new { tenantId, today, accountId })).ToDictionary(r => r.SeatId);
        var planned = usage.ToDictionary(u => u.SeatId);
        var stale = stored.Values.Where(r => !planned.TryGetValue(r.SeatId, out var u) || !r.Same(u)).Select(r => r.SeatId).ToList();
        foreach (var chunk in stale.Chunk(500))
        {
            await uow.ExecuteAsync("DELETE FROM seat_usage_days WHERE tenant_id = @tenantId AND day = @today AND seat_id IN @ids",
                new { tenantId, today, ids = chunk });
        }
        var fresh = usage.Where(u => !stored.TryGetValue(u.SeatId, out var r) || !r.Same(u)).ToList();
        if (fresh.Count == 0)
        {
            return;
        }
        if (uow.Dialect == SqlDialect.Sqlite)
        {
            var rows = new JsonRows();
            foreach (var u in fresh)
            {
                rows.Row().Add(u.SeatId).Add(u.SubscriptionId).Add(u.PersonId).Add(u.LastActiveOn).Add(u.Active).Add(u.ActivityReported);
            }
            await uow.ExecuteAsync(
                """
                INSERT INTO seat_usage_days (seat_id, day, tenant_id, subscription_id, person_id, vendor_account_id, last_active_on, active,
                    activity_reported, recorded_at)
                SELECT value ->> 0, @today, @tenantId, value ->> 1, value ->> 2, @accountId, value ->> 3, value ->> 4, value ->> 5, @now
                FROM json_each(@rows)
                """, new { rows = rows.ToJson(), today, tenantId, accountId, now = uow.Now });
            return;
        }
        // SQL Server: one command executed per row (Dapper reuses it).
        await uow.ExecuteAsync(
            """
            INSERT INTO seat_usage_days (seat_id, day, tenant_id, subscription_id, person_id, vendor_account_id, last_active_on, active,
                activity_reported, recorded_at)
            VALUES (@SeatId, @today, @tenantId, @SubscriptionId, @PersonId, @accountId, @LastActiveOn, @active, @reported, @now)
            """,
            fresh.Select(u => new
            {
                u.SeatId, today, tenantId, u.SubscriptionId, u.PersonId, accountId, u.LastActiveOn, active = u.Active ? 1 : 0,
                reported = u.ActivityReported ? 1 : 0, now = uow.Now,
            }).ToList());
    }

    private sealed class StoredUsageRow
    {
        public Guid SeatId { get; set; }
        public Guid SubscriptionId { get; set; }
        public Guid PersonId { get; set; }
        public DateOnly? LastActiveOn { get; set; }
        public bool Active { get; set; }
        public bool ActivityReported { get; set; }

        public bool Same(UsageSnapshot u) => SubscriptionId == u.SubscriptionId && PersonId == u.PersonId && LastActiveOn == u.LastActiveOn
                                             && Active == u.Active && ActivityReported == u.ActivityReported;
    }

    /// <summary>The subscriptions connected to the account, oldest first, with the price a seat is worth per month.</summary>
    internal static async Task<IReadOnlyList<PlanSubscription>> LoadSubscriptionsAsync(UnitOfWork uow, Guid tenantId, Guid accountId)
    {
        var rows = await uow.QueryAsync<RunSubscriptionRow>(
            """
            SELECT s.id AS Id, p.product_name AS ProductName, s.committed_quantity AS CommittedQuantity,
                   s.sale_price_per_seat_eur AS SalePricePerSeatEur, p.list_price AS ListPrice, p.price_currency AS PriceCurrency,
                   p.price_unit AS PriceUnit
            FROM subscriptions s JOIN catalogue_plans p ON p.code = s.plan_code
            WHERE s.tenant_id = @tenantId AND s.connected_account_id = @accountId
            ORDER BY s.created_at, s.id
            """, new { tenantId, accountId });
        return rows.Select(s => new PlanSubscription(s.Id, s.ProductName, s.CommittedQuantity,
            SeatPrice.Of(s.SalePricePerSeatEur, s.ListPrice, s.PriceCurrency, s.PriceUnit))).ToList();
    }

    /// <summary>The purchased quantity staff recorded last (latest observation date, then latest recording), or null.</summary>
    internal static async Task<RecordedQuantity?> LatestRecordedQuantityAsync(UnitOfWork uow, Guid tenantId, Guid accountId)
    {
        var rows = await uow.QueryAsync<RecordedQuantityRow>(
            """
            SELECT quantity AS Quantity, observed_on AS ObservedOn, source AS Source FROM purchased_quantity_observations
            WHERE tenant_id = @tenantId AND vendor_account_id = @accountId ORDER BY observed_on DESC, recorded_at DESC
            """, new { tenantId, accountId });
        return rows.Count == 0 ? null : new RecordedQuantity(rows[0].Quantity, rows[0].ObservedOn, rows[0].Source);
    }

    private sealed class RecordedQuantityRow
    {
        public int Quantity { get; set; }
        public DateOnly ObservedOn { get; set; }
        public string Source { get; set; } = "";
    }

    internal static async Task<TenantPolicy> LoadPolicyAsync(UnitOfWork uow, Guid tenantId, ReconciliationOptions defaults)
    {
        var row = await uow.QuerySingleOrDefaultAsync<PolicyRow>(
            """
            SELECT email_domains AS EmailDomains, inactive_after_days AS InactiveAfterDays, stale_invite_after_days AS StaleInviteAfterDays
            FROM tenant_reconciliation_policies WHERE tenant_id = @tenantId
            """, new { tenantId });
        return row is null
            ? new TenantPolicy([], defaults.InactiveAfterDays, defaults.StaleInviteAfterDays)
            : new TenantPolicy(row.EmailDomains.Split(' ', StringSplitOptions.RemoveEmptyEntries), row.InactiveAfterDays, row.StaleInviteAfterDays);
    }

    internal static async Task<IReadOnlyList<PlannedFinding>> PlanSettingsAsync(UnitOfWork uow, VendorAccountRow account, Guid? subscriptionId, DateOnly today)
    {
        var baselines = await uow.QueryAsync<BaselineRow>(
            "SELECT setting_key AS SettingKey, label AS Label, expected_value AS ExpectedValue FROM setting_baselines WHERE vendor_code = @VendorCode",
            new { account.VendorCode });
        var observations = await uow.QueryAsync<ObservationRow>(
            """
            SELECT setting_key AS SettingKey, observed_value AS ObservedValue, observed_on AS ObservedOn
            FROM setting_observations WHERE vendor_account_id = @Id ORDER BY observed_on DESC, recorded_at DESC
            """, new { account.Id });
        return SettingsWatch.Plan(account.Id, account.DisplayName, subscriptionId,
            baselines.Select(b => new SettingBaseline(b.SettingKey, b.Label, b.ExpectedValue)).ToList(),
            observations.Select(o => new SettingObservation(o.SettingKey, o.ObservedValue, o.ObservedOn)).ToList(), today);
    }
}
