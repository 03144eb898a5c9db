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
    RememberedInputs remembered, ReconciliationGroupCommit groupCommit, IOptions<SeatsOptions> options, TimeProvider time,
    ILogger<ReconciliationRunner> logger)
{
    public const string RunSelectSql = """
        SELECT id AS RunId, vendor_account_id AS VendorAccountId, state AS State, failure_reason AS FailureReason, started_at AS StartedAt,
               finished_at AS FinishedAt, members_read AS MembersRead, seats_compared AS SeatsCompared, findings_opened AS FindingsOpened,
               findings_updated AS FindingsUpdated, findings_closed AS FindingsClosed, seats_activated AS SeatsActivated, usage_rows AS UsageRows,
               outcome AS Outcome
        FROM reconciliation_runs
        """;

    /// <summary>Accounts applied in one write transaction at most: bounds how long the batch holds SQLite's write lock.</summary>
    public const int MaxAccountsPerWrite = 64;

    /// <summary>A batch stops taking readings once its transaction has been open this long (other writers wait meanwhile).</summary>
    internal static readonly TimeSpan MaxWriteHold = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A batch's writer opens its next write transaction at once when this many readings wait or the vendors have all been read;
    /// with fewer waiting it first lets them gather for <see cref="GatherWait"/>, cut short only when the last reading is passed
    /// on (ADR 0073).
    /// </summary>
    internal const int GatherAccounts = MaxAccountsPerWrite / 2;

    /// <summary>How long a batch's writer lets readings gather before it opens a write transaction for fewer than <see cref="GatherAccounts"/>.</summary>
    internal static readonly TimeSpan GatherWait = TimeSpan.FromMilliseconds(20);

    /// <summary>The state of a run whose account was deleted while the vendor was read: nothing of it was recorded.</summary>
    public const string Abandoned = "abandoned";

    /// <summary>Null when the tenant has no such vendor account, including when it was deleted while this run read the vendor.</summary>
    public async Task<ReconciliationRunResult?> RunAsync(Guid tenantId, Guid accountId, string trigger, CancellationToken ct) =>
        // The account and its last comparison in one read. The comparison is only a hint for reading ahead: a change committed
        // after it makes the writer read the inputs in its transaction (a stale read-ahead) or compare anyway (no
        // confirmation), never use stale inputs.
        await ReconciliationFingerprint.LoadWithAccountAsync(db, tenantId, accountId, ct) is { } found ? await RunLoadedAsync(found, trigger, ct) : null;

    /// <summary>
    /// A scheduled run of one account as its recurring job makes it (ADR 0085): the account, whatever its tenant, read by the run's
    /// first statement as <see cref="RunAsync"/> reads it, and run only when <paramref name="hasJob"/> says it still has a job.
    /// Null when the account is gone (before or while its vendor was read) or has no job: nothing of it was recorded, and its job
    /// should go (ADR 0027).
    /// </summary>
    internal async Task<ReconciliationRunResult?> RunScheduledAsync(Guid accountId, Func<VendorAccountRow, bool> hasJob, CancellationToken ct) =>
        await ReconciliationFingerprint.LoadWithAccountAsync(db, null, accountId, ct) is { } found && hasJob(found.Account)
            ? await RunLoadedAsync(found, RunTriggers.Schedule, ct)
            : null;

    private async Task<ReconciliationRunResult?> RunLoadedAsync(
        (VendorAccountRow Account, ReconciliationFingerprint.Stored? Last, ReconciliationFingerprint.Versions Now) found, string trigger, CancellationToken ct)
    {
        var (row, last, now) = found;
        var accountId = row.Id;
        // One account (the per-account jobs): reading its inputs ahead costs a snapshot of its own, which pays only when the run
        // compares. It will when the last comparison's versions moved, its time rules flipped (ADR 0048) or the reading differs.
        var holding = last?.StillHolds(ParisCalendar.DateOf(time.GetUtcNow())) == true ? new Dictionary<Guid, ReconciliationFingerprint.Stored> { [accountId] = last } : [];
        // The versions read with the account: inputs remembered at them are taken without that snapshot (ADR 0071).
        var versionsAhead = new Dictionary<Guid, long> { [row.TenantId] = now.OfTenant, [ReconciliationFingerprint.AllTenants] = now.OfAllTenants };
        // One account's stages in turn on this flow (ADR 0104): read the vendor, read its inputs ahead, then hand the reading to the
        // process's shared writer, applied with the other single-account runs waiting then (ADR 0065). The batch's pipeline (reader
        // and preloader tasks, channels between them) overlaps many accounts' stages; for one account it only passed its reading
        // from thread to thread, each hand-off a thread-pool item, and a core spinning for it while idle.
        var reading = await ReadOneAsync(0, row, RowIds.New(), trigger, ct);
        var preloaded = await PreloadOrNoneAsync(LikelyConfirmed(reading, holding) ? [] : [reading], versionsAhead, ct);
        // Audited under this caller's actor, whichever flow the shared writer applies it on.
        var run = await groupCommit.ApplyAsync(reading with { Preloaded = preloaded.GetValueOrDefault(reading.RunId), Actor = db.CurrentActor() },
            ApplyGroupAsync, ct);
        if (run.State == Abandoned)
        {
            return null;
        }
        // Counted once committed, as a batch counts its runs.
        ReconciliationMetrics.CountRun(run.Outcome ?? run.State);
        return run;
    }

    /// <summary>
    /// Whether <paramref name="r"/>'s reading matches its account's last comparison that still held before the vendor was read
    /// (<paramref name="holding"/>): its run is most likely confirmed, and its inputs are not read ahead (ADR 0038).
    /// </summary>
    private bool LikelyConfirmed(Reading r, IReadOnlyDictionary<Guid, ReconciliationFingerprint.Stored> holding) =>
        r.ReadingHash is { } hash && holding.TryGetValue(r.Account.Id, out var last)
                                  && last.Fingerprint == ReconciliationFingerprint.Of(hash, Facts(r.Account), options.Value.Reconciliation);

    /// <summary>One account's vendor read outside any transaction, and its reading hashed here, on the reading side (ADR 0036).</summary>
    private async Task<Reading> ReadOneAsync(int index, VendorAccountRow account, Guid runId, string trigger, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var startedAt = time.GetUtcNow();
        var (reading, failure) = await ReadVendorAsync(account, account.TenantId, ct);
        started = ReconciliationMetrics.Lap("read_vendor", started);
        // Hashed here, on the reading threads, so the writer only compares (ADR 0036).
        var hash = reading is null ? null : ReconciliationFingerprint.OfReading(reading);
        ReconciliationMetrics.Lap("hash_reading", started);
        return new Reading(index, account, runId, trigger, startedAt, reading, failure, hash, null);
    }

    /// <summary>
    /// <see cref="PreloadAsync"/> of <paramref name="group"/>, or nothing when it fails: only a shortcut, the writer reads what it
    /// needs inside its transaction, as it does for any stale preload.
    /// </summary>
    private async Task<Dictionary<Guid, Preloaded>> PreloadOrNoneAsync(List<Reading> group, IReadOnlyDictionary<Guid, long>? versionsAhead, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        Dictionary<Guid, Preloaded> preloaded;
        try
        {
            preloaded = group.Count == 0 ? [] : await PreloadAsync(group, versionsAhead, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Reconciliation inputs could not be read ahead of the write; they are read in the write transaction");
            preloaded = [];
        }
        ReconciliationMetrics.Lap("preload", started);
        return preloaded;
    }

    /// <summary>
    /// Reconciles <paramref name="accounts"/> as a pipeline: the vendors are read <paramref name="parallelReads"/> at a time
    /// outside any transaction, and one writer applies the readings as they arrive, several accounts per write transaction,
    /// each in its own savepoint. The run row is written with its outcome in that same transaction (ADR 0031): a run has no
    /// separate "running" write, so a run costs one transaction, shared with the batch. An account's findings, activations,
    /// usage, snapshot, run row, audit and outbox rows commit together and all or nothing; an account whose apply fails rolls
    /// back to its savepoint and its run is recorded failed with the reason, the others commit. What Seats records for the
    /// accounts is read with one query per kind of input per group of accounts (<see cref="ReconciliationInputs"/>). Sharing
    /// the commit matters on SQLite: a commit writes every page the transaction touched (docs/performance.md, reconciliation
    /// benchmark). Results come back in the order of <paramref name="accounts"/>; an account deleted while its vendor was
    /// read gets nothing from its reading and its result is <see cref="Abandoned"/> (not stored).
    /// </summary>
    public Task<IReadOnlyList<ReconciliationRunResult>> RunManyAsync(
        IReadOnlyList<VendorAccountRow> accounts, string trigger, int parallelReads, CancellationToken ct) =>
        RunManyCoreAsync(accounts, trigger, parallelReads, ct);

    private async Task<IReadOnlyList<ReconciliationRunResult>> RunManyCoreAsync(
        IReadOnlyList<VendorAccountRow> accounts, string trigger, int parallelReads, CancellationToken ct)
    {
        // The last comparisons that still hold: a run whose reading matches one is most likely confirmed, and only the other
        // runs' inputs are read ahead (ADR 0038).
        var today = ParisCalendar.DateOf(time.GetUtcNow());
        // A hint only, as in RunAsync: plain reads, no snapshot.
        var holding = new Dictionary<Guid, ReconciliationFingerprint.Stored>();
        foreach (var chunk in accounts.Select(a => a.Id).Chunk(500))
        {
            foreach (var last in (await ReconciliationFingerprint.LoadAsync(db, chunk, ct)).Values)
            {
                if (last.StillHolds(today))
                {
                    holding[last.AccountId] = last;
                }
            }
        }
        return await RunCoreAsync(accounts, trigger, parallelReads, holding, ct);
    }

    /// <param name="holding">
    /// The last comparisons whose versions and time rules still held before the vendors were read: an account whose reading
    /// also matches is most likely confirmed, so its inputs are not read ahead (ADR 0038); every other account's are. A hint
    /// only: the writer decides again in its transaction and reads what it needs there.
    /// </param>
    private async Task<IReadOnlyList<ReconciliationRunResult>> RunCoreAsync(
        IReadOnlyList<VendorAccountRow> accounts, string trigger, int parallelReads, IReadOnlyDictionary<Guid, ReconciliationFingerprint.Stored> holding,
        CancellationToken ct)
    {
        var runIds = accounts.Select(_ => RowIds.New()).ToArray();
        var results = new ReconciliationRunResult?[accounts.Count];

        // Readings queue up while a batch is being written; the bound keeps memory flat when the vendors are faster than the writer.
        // Between the vendor readers and the writer, one preloader reads the inputs of the readings waiting, a group at a time
        // under one snapshot, and plans them outside the write lock (ADR 0038).
        var fetched = Channel.CreateBounded<Reading>(new BoundedChannelOptions(MaxAccountsPerWrite * 2) { SingleReader = true });
        var readings = Channel.CreateBounded<Reading>(new BoundedChannelOptions(MaxAccountsPerWrite * 2) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var preloader = Task.Run(async () =>
        {
            try
            {
                while (await fetched.Reader.WaitToReadAsync(stop.Token))
                {
                    var group = new List<Reading>();
                    while (group.Count < MaxAccountsPerWrite && fetched.Reader.TryRead(out var next))
                    {
                        group.Add(next);
                    }
                    var preloaded = await PreloadOrNoneAsync(group.Where(r => !LikelyConfirmed(r, holding)).ToList(), null, stop.Token);
                    foreach (var r in group)
                    {
                        await readings.Writer.WriteAsync(r with { Preloaded = preloaded.GetValueOrDefault(r.RunId) }, stop.Token);
                    }
                }
                await fetched.Reader.Completion;
                readings.Writer.Complete();
            }
            catch (Exception ex)
            {
                readings.Writer.Complete(ex);
            }
        }, CancellationToken.None);
        var reader = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, accounts.Count),
                    new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelReads), CancellationToken = stop.Token }, async (i, c) =>
                    {
                        await fetched.Writer.WriteAsync(await ReadOneAsync(i, accounts[i], runIds[i], trigger, c), c);
                    });
                fetched.Writer.Complete();
            }
            catch (Exception ex)
            {
                fetched.Writer.Complete(ex);
            }
        }, CancellationToken.None);

        try
        {
            // Two accounts of one tenant never share a group (their findings and other tools overlap): the second waits for the next.
            var held = new Queue<Reading>();
            while (held.Count > 0 || await readings.Reader.WaitToReadAsync(ct))
            {
                // Readings arrive one or two at a time while the vendors are read, and each write transaction pays its own
                // fixed part (the write turn, the standing read, the versions, the commit and the pages it writes): a writer
                // that opened one for every reading waiting committed about two accounts a transaction. So it lets readings
                // gather first, for a moment, unless a large group is already waiting or no more will come (ADR 0073).
                if (held.Count + readings.Reader.Count < GatherAccounts && !preloader.IsCompleted)
                {
                    await Task.WhenAny(Task.Delay(GatherWait, time, ct), preloader);
                }
                var lap = Stopwatch.GetTimestamp();
                var applied = await db.WriteAsync(async uow =>
                {
                    var t = ReconciliationMetrics.Lap("wait_write", lap);
                    var open = Stopwatch.GetTimestamp();
                    var taken = 0;
                    while (taken < MaxAccountsPerWrite && Stopwatch.GetElapsedTime(open) < MaxWriteHold)
                    {
                        var group = new List<Reading>();
                        var tenants = new HashSet<Guid>();
                        var skipped = new List<Reading>();
                        while (taken + group.Count < MaxAccountsPerWrite && (held.TryDequeue(out var next) || readings.Reader.TryRead(out next)))
                        {
                            (tenants.Add(next.Account.TenantId) ? group : skipped).Add(next);
                        }
                        skipped.ForEach(held.Enqueue);
                        if (group.Count == 0)
                        {
                            break;
                        }
                        taken += group.Count;
                        t = await ApplyGroupAsync(uow, group, results, t);
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
            await preloader;
        }
        // Counted once committed (a savepoint rolled back may have inserted a run row it then recorded again as failed).
        foreach (var run in results.Where(r => r!.State != Abandoned))
        {
            ReconciliationMetrics.CountRun(run!.Outcome ?? run.State);
        }
        return results.Select(r => r!).ToList();
    }

    internal sealed class StandingRow
    {
        public Guid Id { get; set; }
        public Guid TenantId { get; set; }
        public string Connector { get; set; } = "";
        public string? BaseAddress { get; set; }
        public string Settings { get; set; } = "{}";
        public string? ProtectedSecret { get; set; }
        public bool ScheduledReconciliation { get; set; }

        /// <summary>SQLite: the account's tenant's data version of scope <c>reconciliation</c> as the standing read saw it (ADR 0086).</summary>
        public long VersionOfTenant { get; set; }

        /// <summary>SQLite: the all-tenants data version as the standing read saw it (ADR 0086).</summary>
        public long VersionOfAllTenants { get; set; }
    }

    /// <summary>
    /// One account's reading on its way to the writer. <paramref name="Actor"/>: who a single-account run's audit entries name when
    /// its reading is applied by the shared writer, on a flow other than its caller's (ADR 0065); null in a batch, whose writer
    /// runs on its caller's flow.
    /// </summary>
    internal sealed record Reading(
        int Index, VendorAccountRow Account, Guid RunId, string Trigger, DateTimeOffset StartedAt, VendorReadingSet? Set, string? Failure,
        string? ReadingHash, Preloaded? Preloaded, Actor? Actor = null);

    /// <summary>
    /// An account's inputs and plan, read on the reading side under one snapshot (ADR 0038), with the data versions they are as
    /// new as: the tenant's and the all-tenants row of scope <c>reconciliation</c>, read before the inputs, and the evaluation day.
    /// </summary>
    internal sealed record Preloaded(DateOnly Today, long TenantVersion, long AllTenantsVersion, ReconciliationInputs.Batch Inputs, AccountPlan Plan);

    /// <summary>
    /// What a comparison concludes from an account's reading and inputs, before anything is written, and the last day it would
    /// conclude the same from the same inputs (ADR 0048).
    /// </summary>
    internal sealed record AccountPlan(ReconciliationPlan Plan, IReadOnlyList<PlannedFinding> SettingFindings, IReadOnlyList<string> Evaluated, DateOnly HoldsThrough);

    private sealed class VersionRow
    {
        public Guid TenantId { get; set; }
        public long Version { get; set; }
    }

    private const string VersionsSql = "SELECT tenant_id AS TenantId, version AS Version FROM data_versions WHERE scope = @scope AND tenant_id IN @ids";

    /// <summary>
    /// Reads the inputs of a group of readings and plans their comparisons outside the write lock, under one snapshot, with one
    /// query per kind of input (as <see cref="ReconciliationInputs"/> inside the write). Left out: failed readings, runs that will
    /// most likely be confirmed (the caller leaves them out: their reading matches the last comparison read before the vendor was,
    /// which still held then) and a second account of a tenant already in the group (its inputs depend on the first one's writes).
    /// The last comparisons are not read again here: one stored after that hint (another run of the same account meanwhile) at
    /// worst makes this read-ahead useless, since the writer decides in its transaction. The versions are read first in the
    /// same snapshot, so the inputs are at least as new as them; the writer compares them with the versions in its own
    /// transaction and reads the inputs again there when either moved. Keyed by run.
    /// </summary>
    private async Task<Dictionary<Guid, Preloaded>> PreloadAsync(List<Reading> group, IReadOnlyDictionary<Guid, long>? versionsAhead, CancellationToken ct)
    {
        var read = group.Where(r => r.Set is not null).ToList();
        if (read.Count == 0)
        {
            return [];
        }
        var defaults = options.Value.Reconciliation;
        var tenants = new HashSet<Guid>();
        var toLoad = read.Where(r => tenants.Add(r.Account.TenantId)).ToList();
        if (versionsAhead is not null && toLoad.All(r => versionsAhead.ContainsKey(r.Account.TenantId))
            && FromMemoryAhead(toLoad, versionsAhead, defaults) is { } planned)
        {
            return planned;
        }
        return await db.ReadSnapshotAsync(async snapshot =>
        {
            var today = ParisCalendar.DateOf(snapshot.Now);
            var ids = toLoad.Select(r => r.Account.TenantId).Append(ReconciliationFingerprint.AllTenants).ToArray();
            var versions = (await snapshot.QueryRowsAsync(VersionsSql, new { scope = ReconciliationFingerprint.Scope, ids },
                    static r => new VersionRow { TenantId = r.Guid(0), Version = r.Int64(1) }))
                .ToDictionary(v => v.TenantId, v => v.Version);
            var allTenants = versions.GetValueOrDefault(ReconciliationFingerprint.AllTenants);
            // Accounts whose last comparison's inputs are remembered at these very versions are not read (ADR 0052).
            var fromMemory = Remembered(toLoad, versions, allTenants, today);
            var toRead = toLoad.Where(r => !fromMemory.ContainsKey(r.RunId)).Select(r => r.Account).ToList();
            var inputs = toRead.Count == 0 ? null : await ReconciliationInputs.LoadAsync(snapshot, toRead, today, defaults);
            return toLoad.ToDictionary(r => r.RunId, r =>
            {
                var batch = fromMemory.GetValueOrDefault(r.RunId) ?? inputs!;
                return new Preloaded(today, versions.GetValueOrDefault(r.Account.TenantId), allTenants, batch, PlanAccount(r.Account, r.Set!, batch, today, defaults));
            });
        }, ct);
    }

    /// <summary>
    /// The read-ahead of readings whose inputs are all remembered at <paramref name="versionsAhead"/>, the versions read before
    /// their vendors were (a single-account run reads them with its account), planned without a snapshot (ADR 0071): inputs
    /// remembered at a version are exactly what the rows held at it, whenever that version was read, and the writer uses a
    /// read-ahead only when the versions in its transaction are still these (a change committed since sends it back to memory
    /// or the rows, as for any read-ahead). Null when any of them is not remembered at these versions: the caller reads them
    /// under a snapshot instead. Nothing is counted as remembered then; the snapshot's read counts it.
    /// </summary>
    private Dictionary<Guid, Preloaded>? FromMemoryAhead(List<Reading> toLoad, IReadOnlyDictionary<Guid, long> versionsAhead, ReconciliationOptions defaults)
    {
        var today = ParisCalendar.DateOf(time.GetUtcNow());
        var allTenants = versionsAhead.GetValueOrDefault(ReconciliationFingerprint.AllTenants);
        var found = new Dictionary<Guid, Preloaded>(toLoad.Count);
        foreach (var r in toLoad)
        {
            var tenantVersion = versionsAhead[r.Account.TenantId];
            if (remembered.Find(r.Account.Id, r.Account.TenantId, tenantVersion, allTenants, today) is not { } e)
            {
                return null;
            }
            var batch = AsBatch(r.Account, e);
            found[r.RunId] = new Preloaded(today, tenantVersion, allTenants, batch, PlanAccount(r.Account, r.Set!, batch, today, defaults));
        }
        ReconciliationMetrics.CountRemembered(found.Count);
        return found;
    }

    /// <summary>
    /// The readings whose account's inputs are remembered at exactly <paramref name="versions"/> (its tenant's) and
    /// <paramref name="allTenants"/>, each as a batch of its own, keyed by run; counted as used from memory.
    /// </summary>
    private Dictionary<Guid, ReconciliationInputs.Batch> Remembered(
        IEnumerable<Reading> readings, IReadOnlyDictionary<Guid, long> versions, long allTenants, DateOnly today)
    {
        var found = new Dictionary<Guid, ReconciliationInputs.Batch>();
        foreach (var r in readings)
        {
            if (remembered.Find(r.Account.Id, r.Account.TenantId, versions.GetValueOrDefault(r.Account.TenantId), allTenants, today) is { } e)
            {
                found[r.RunId] = AsBatch(r.Account, e);
            }
        }
        ReconciliationMetrics.CountRemembered(found.Count);
        return found;
    }

    /// <summary>An account's remembered inputs as a batch of its own.</summary>
    private static ReconciliationInputs.Batch AsBatch(VendorAccountRow account, RememberedInputs.Entry e) =>
        new(new Dictionary<Guid, AccountInputs> { [account.Id] = e.Inputs }, new Dictionary<Guid, TenantPolicy> { [e.TenantId] = e.Policy },
            new Dictionary<string, IReadOnlyList<BaselineRow>> { [account.VendorCode] = e.Baselines });

    private static ReconciliationFingerprint.AccountFacts Facts(VendorAccountRow a) =>
        new(a.Connector, a.BaseAddress, a.Settings, a.ProtectedSecret, a.VendorCode, a.DisplayName);

    /// <summary>
    /// One group of readings (distinct tenants) in the open write transaction: the accounts are read again (one deleted
    /// since is abandoned: it gets no run row, findings or anything else), their inputs are loaded in one query per kind,
    /// then each account is applied in its own savepoint.
    /// </summary>
    private async Task<long> ApplyGroupAsync(UnitOfWork uow, List<Reading> group, ReconciliationRunResult?[] results, long lap)
    {
        // Read again inside the write transaction that applies the readings: on SQLite it excludes every other writer, and on
        // SQL Server the rows are held until commit (the delete holds its row too), so a delete or an edit committed first is
        // seen here, and one committed after finds what this run wrote and deals with it by its own rules.
        // With each account's last comparison (null when none) and the data versions it is checked against, in the same statement:
        // a write transaction pays this read once per group, and a single-account run's group is often of one (ADR 0065).
        var ids = group.Select(r => r.Account.Id).ToArray();
        var param = new { ids, scope = ReconciliationFingerprint.Scope, all = ReconciliationFingerprint.AllTenants };
        // SQLite: stepped and read by position (every write transaction begins with this read; docs/performance.md, feat/i11wf).
        // SQL Server: the same text through Dapper's multi-map, as before.
        var rows = uow.Dialect == SqlDialect.Sqlite
            ? await uow.QueryRowsAsync(StandingSqlite, param, static row => ReadStanding(row))
            : await uow.QueryAsync<StandingRow, ReconciliationFingerprint.Stored?, (StandingRow Account, ReconciliationFingerprint.Stored? Last)>(
                StandingSqlServer, (account, last) => (account, last), splitOn: "AccountId", param);
        var standing = rows.ToDictionary(r => r.Account.Id, r => r.Account);
        var live = new List<Reading>();
        foreach (var r in group)
        {
            switch (Classify(r, standing.GetValueOrDefault(r.Account.Id)))
            {
                case Standing.Current:
                    live.Add(r);
                    break;
                case Standing.Deleted:
                    // The delete committed first and took the account's run history with it: writing findings, usage, members,
                    // activations, events or audit now would resurrect what staff just removed. Nothing is written.
                    logger.LogInformation("Reconciliation run {RunId} abandoned: vendor account {AccountId} was deleted while its vendor was read", r.RunId, r.Account.Id);
                    results[r.Index] = new ReconciliationRunResult(r.RunId, r.Account.Id, Abandoned,
                        "The vendor account was deleted while its vendor was being read: nothing of this run was recorded.", r.StartedAt, null, 0, 0, 0, 0, 0, 0, 0, null);
                    break;
                case Standing.Reconnected:
                    results[r.Index] = await RecordFailureAsync(uow, r,
                        "The vendor account's connection (connector, address, settings or credential) changed while its vendor was read: the reading may " +
                        "be of another account, so nothing was compared. The next run reads it again.");
                    break;
                case Standing.TurnedOff:
                    results[r.Index] = await RecordFailureAsync(uow, r,
                        "Scheduled reconciliation was turned off for this account while its vendor was read: nothing was compared.");
                    break;
            }
        }
        var today = ParisCalendar.DateOf(uow.Now);
        var defaults = options.Value.Reconciliation;

        // A reading identical to the last compared one, over stored inputs whose data version has not moved since, on a day
        // before any of its time rules flips: the comparison would conclude exactly what it did then, so the run is confirmed
        // without reading Seats' rows (ADR 0036, 0048). Failed readings go on to be recorded as failures.
        // Read with the accounts, before the failures above were recorded: a run row and its audit entry move no data version.
        var stored = rows.Where(r => r.Last is not null).ToDictionary(r => r.Account.Id, r => r.Last!);
        var fingerprints = new Dictionary<Guid, string>();
        var toCompare = new List<Reading>();
        foreach (var r in live)
        {
            if (r.Set is null)
            {
                toCompare.Add(r);
                continue;
            }
            // The account as the comparison would use it: its connection equals the row just read again (Classify), and a vendor
            // name changed since it was read makes the next run's fingerprint differ.
            var fingerprint = ReconciliationFingerprint.Of(r.ReadingHash!, Facts(r.Account), defaults);
            if (stored.TryGetValue(r.Account.Id, out var last) && last.Confirms(r.Account.TenantId, fingerprint, today))
            {
                results[r.Index] = await ConfirmAsync(uow, r, last);
                continue;
            }
            fingerprints[r.RunId] = fingerprint;
            toCompare.Add(r);
        }
        lap = ReconciliationMetrics.Lap("confirm", lap);

        var toLoad = toCompare.Where(r => r.Set is not null).ToList();
        var tenantIds = toLoad.Select(r => r.Account.TenantId).ToArray();
        await ReconciliationFingerprint.HoldAsync(uow, tenantIds);
        // Inputs read on the reading side are used when nothing of the scope changed for the tenant since they were read (same
        // versions, same day): they are then exactly what a read here would return (ADR 0038). Otherwise, e.g. after another
        // account of the same tenant was applied, a write by an endpoint or a consumer, or midnight, they are read again here.
        // The all-tenants version comes with them, before the inputs: a run writes no table shared by all tenants, so a change of
        // one committed meanwhile (SQL Server) leaves the stored version older than the database and the next run compares again.
        // On SQLite the standing read brought them (ADR 0086): nothing of this group written since moves a version (one account per
        // tenant; failures and confirmations write no table of the scope), and no other writer can meanwhile.
        var versions = tenantIds.Length == 0
            ? new Dictionary<Guid, long>()
            : uow.Dialect == SqlDialect.Sqlite
                ? StandingVersions(rows.Select(r => r.Account), tenantIds)
                : (await uow.QueryAsync<VersionRow>(VersionsSql,
                    new { scope = ReconciliationFingerprint.Scope, ids = tenantIds.Append(ReconciliationFingerprint.AllTenants).ToArray() }))
                .ToDictionary(v => v.TenantId, v => v.Version);
        var allTenants = versions.GetValueOrDefault(ReconciliationFingerprint.AllTenants);
        var current = toLoad.Where(r => r.Preloaded is { } p && p.Today == today && p.AllTenantsVersion == allTenants
                                        && p.TenantVersion == versions.GetValueOrDefault(r.Account.TenantId))
            .Select(r => r.RunId).ToHashSet();
        ReconciliationMetrics.CountPreloads(current.Count, toLoad.Count(r => r.Preloaded is not null && !current.Contains(r.RunId)));
        // Not read ahead, or read ahead before a change: inputs remembered at these versions serve as well (ADR 0052); the rest
        // is read here.
        var fromMemory = Remembered(toLoad.Where(r => !current.Contains(r.RunId)), versions, allTenants, today);
        var stale = toLoad.Where(r => !current.Contains(r.RunId) && !fromMemory.ContainsKey(r.RunId)).Select(r => r.Account).ToList();
        var inputs = stale.Count == 0 ? null
            : await ReconciliationInputs.LoadAsync(uow, stale, today, defaults);
        lap = ReconciliationMetrics.Lap("load", lap);
        foreach (var r in toCompare)
        {
            var pending = fingerprints.TryGetValue(r.RunId, out var f) ? new PendingFingerprint(f, allTenants) : null;
            var preloaded = current.Contains(r.RunId) ? r.Preloaded : null;
            (results[r.Index], lap) = await ApplyOneAsync(uow, r, preloaded?.Inputs ?? fromMemory.GetValueOrDefault(r.RunId) ?? inputs, preloaded?.Plan, today,
                pending, lap);
        }
        return lap;
    }

    /// <summary>The versions of <paramref name="tenantIds"/> and the all-tenants one, as SQLite's standing read returned them (ADR 0086).</summary>
    private static Dictionary<Guid, long> StandingVersions(IEnumerable<StandingRow> standing, Guid[] tenantIds)
    {
        var versions = new Dictionary<Guid, long>(tenantIds.Length + 1);
        foreach (var a in standing)
        {
            versions[a.TenantId] = a.VersionOfTenant;
            versions[ReconciliationFingerprint.AllTenants] = a.VersionOfAllTenants;
        }
        return versions;
    }

    /// <summary>The fingerprint a comparison stores when it succeeds, with the all-tenants version read before its inputs.</summary>
    private sealed record PendingFingerprint(string Fingerprint, long AllTenantsVersion);

    /// <summary>One account of a batch: a failed reading is recorded as such; a reading is applied in its own savepoint.</summary>
    private async Task<(ReconciliationRunResult, long)> ApplyOneAsync(
        UnitOfWork uow, Reading r, ReconciliationInputs.Batch? inputs, AccountPlan? planned, DateOnly today, PendingFingerprint? fingerprint, long lap)
    {
        if (r.Set is null || inputs is null)
        {
            logger.LogWarning("Reconciliation of vendor account {AccountId} ({Connector}) failed: {Reason}", r.Account.Id, r.Account.Connector, r.Failure);
            return (await RecordFailureAsync(uow, r, r.Failure ?? "The connector gave no reading."), lap);
        }
        const string savepoint = "reconciliation_account";
        await uow.SaveAsync(savepoint);
        ReconciliationRunResult result;
        try
        {
            (result, lap) = await ApplyAsync(uow, r, inputs, planned, today, fingerprint, lap);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only this account's changes go; the run says why. If even the rollback fails the whole batch fails and retries nothing.
            await uow.RollbackToAsync(savepoint);
            logger.LogError(ex, "Reconciliation of vendor account {AccountId} could not be applied", r.Account.Id);
            result = await RecordFailureAsync(uow, r, $"The reading could not be applied: {ex.GetType().Name}: {ex.Message}");
        }
        if (uow.Dialect == SqlDialect.Sqlite)
        {
            // SQL Server has no savepoint release: its savepoints simply end with the transaction.
            await uow.ReleaseAsync(savepoint);
        }
        return (result, lap);
    }

    /// <summary>A reading applied by the shared writer is audited under its caller's actor (ADR 0065); a batch's under its own.</summary>
    private static IDisposable? ActingFor(UnitOfWork uow, Reading r) => r.Actor is { } actor ? uow.ActingFor(actor) : null;

    private enum Standing { Current, Deleted, Reconnected, TurnedOff }

    /// <summary>
    /// A group's accounts as they stand in the write transaction (held until commit on SQL Server), each with its last comparison
    /// and the current data versions (<see cref="ReconciliationFingerprint.StoredColumns"/>, null columns when none).
    /// </summary>
    internal static string StandingSql(SqlDialect dialect) => dialect == SqlDialect.Sqlite ? StandingSqlite : StandingSqlServer;

    private static readonly string StandingSqlServer = $"""
        SELECT a.id AS Id, a.tenant_id AS TenantId, a.connector AS Connector, a.base_address AS BaseAddress, a.settings AS Settings,
               a.protected_secret AS ProtectedSecret, a.scheduled_reconciliation AS ScheduledReconciliation, {ReconciliationFingerprint.StoredColumns}
        FROM vendor_accounts a{SqlDialect.SqlServer.HoldRow()} LEFT JOIN reconciliation_fingerprints f ON f.vendor_account_id = a.id
        WHERE a.id IN @ids
        """;

    /// <summary>
    /// SQLite: with each account's tenant's data version and the all-tenants one, which the writer then reads nowhere else (ADR 0086):
    /// the write transaction excludes every other writer, and nothing the group writes before its comparisons moves them.
    /// </summary>
    private static readonly string StandingSqlite = $"""
        SELECT a.id AS Id, a.tenant_id AS TenantId, a.connector AS Connector, a.base_address AS BaseAddress, a.settings AS Settings,
               a.protected_secret AS ProtectedSecret, a.scheduled_reconciliation AS ScheduledReconciliation,
               COALESCE((SELECT v.version FROM data_versions v WHERE v.scope = @scope AND v.tenant_id = a.tenant_id), 0) AS VersionOfTenant,
               COALESCE((SELECT v.version FROM data_versions v WHERE v.scope = @scope AND v.tenant_id = @all), 0) AS VersionOfAllTenants,
               {ReconciliationFingerprint.StoredColumns}
        FROM vendor_accounts a LEFT JOIN reconciliation_fingerprints f ON f.vendor_account_id = a.id
        WHERE a.id IN @ids
        """;

    /// <summary>A row of <see cref="StandingSqlite"/> by position: the account's columns, the versions, then its last comparison's.</summary>
    internal static (StandingRow Account, ReconciliationFingerprint.Stored? Last) ReadStanding(SqliteRow row) => (new StandingRow
    {
        Id = row.Guid(0),
        TenantId = row.Guid(1),
        Connector = row.String(2),
        BaseAddress = row.NullableString(3),
        Settings = row.String(4),
        ProtectedSecret = row.NullableString(5),
        ScheduledReconciliation = row.Flag(6),
        VersionOfTenant = row.Int64(7),
        VersionOfAllTenants = row.Int64(8),
    }, ReconciliationFingerprint.ReadStoredAt(row, 9));

    /// <summary>Whether the account still exists, still connects the way it did when it was read, and (for a scheduled run) is still scheduled.</summary>
    private static Standing Classify(Reading r, StandingRow? now)
    {
        if (now is null || now.TenantId != r.Account.TenantId)
        {
            return Standing.Deleted;
        }
        var read = r.Account;
        if (now.Connector != read.Connector || now.BaseAddress != read.BaseAddress || now.Settings != read.Settings || now.ProtectedSecret != read.ProtectedSecret)
        {
            return Standing.Reconnected;
        }
        return r.Trigger == RunTriggers.Schedule && !now.ScheduledReconciliation ? Standing.TurnedOff : Standing.Current;
    }

    private const string InsertRunSql = """
        INSERT INTO reconciliation_runs (id, tenant_id, vendor_account_id, trigger_kind, state, started_at, finished_at, failure_reason, members_read,
            seats_compared, findings_opened, findings_updated, findings_closed, seats_activated, usage_rows, outcome)
        VALUES (@RunId, @tenantId, @VendorAccountId, @trigger, @State, @StartedAt, @FinishedAt, @FailureReason, @MembersRead,
            @SeatsCompared, @FindingsOpened, @FindingsUpdated, @FindingsClosed, @SeatsActivated, @UsageRows, @Outcome)
        """;

    private static async Task<ReconciliationRunResult> InsertRunAsync(UnitOfWork uow, Reading r, ReconciliationRunResult run)
    {
        await uow.ExecuteBoundAsync(InsertRunSql, new
        {
            run.RunId, tenantId = r.Account.TenantId, run.VendorAccountId, trigger = r.Trigger, run.State, run.StartedAt, run.FinishedAt, run.FailureReason,
            run.MembersRead, run.SeatsCompared, run.FindingsOpened, run.FindingsUpdated, run.FindingsClosed, run.SeatsActivated, run.UsageRows, run.Outcome,
        });
        return run;
    }

    private static async Task<ReconciliationRunResult> RecordFailureAsync(UnitOfWork uow, Reading r, string failure)
    {
        using var acting = ActingFor(uow, r);
        var run = await InsertRunAsync(uow, r,
            new ReconciliationRunResult(r.RunId, r.Account.Id, RunStates.Failed, failure, r.StartedAt, uow.Now, 0, 0, 0, 0, 0, 0, 0, null));
        await uow.AuditAsync("reconciliation_run", r.RunId, "failed", new { accountId = r.Account.Id, reason = failure }, r.Account.TenantId);
        return run;
    }

    /// <summary>
    /// A run whose fingerprint matches the last compared run's: recorded as succeeded with outcome "confirmed" and the counts of
    /// that comparison (its live findings, seats and usage rows), without reading or writing any row of the scope. The member
    /// list was read in full, so the account's members_read_at moves, as a compared run moves it (not a scoped column).
    /// </summary>
    private static async Task<ReconciliationRunResult> ConfirmAsync(UnitOfWork uow, Reading r, ReconciliationFingerprint.Stored last)
    {
        using var acting = ActingFor(uow, r);
        var reading = r.Set!;
        var run = await InsertRunAsync(uow, r, new ReconciliationRunResult(r.RunId, r.Account.Id, RunStates.Succeeded, null, r.StartedAt, uow.Now,
            reading.Members.Members.Count, last.SeatsCompared, 0, last.FindingsLive, 0, 0, last.UsageRows, ReconciliationFingerprint.Confirmed));
        if (reading.ConnectorName != "csv")
        {
            await uow.ExecuteBoundAsync("UPDATE vendor_accounts SET members_read_at = @now WHERE id = @id", new { id = r.Account.Id, now = uow.Now });
        }
        if (Audited(r, changed: false))
        {
            await uow.AuditAsync("reconciliation_run", r.RunId, "confirmed",
                new { accountId = r.Account.Id, members = reading.Members.Members.Count, comparedRun = last.RunId, notes = reading.Members.Notes }, r.Account.TenantId);
        }
        return run;
    }

    /// <summary>
    /// Whether a succeeded run gets an audit entry (ADR 0063): a person asked for it (the entry names who), or it changed a finding
    /// or a seat. A scheduled run that changed neither is a machine reading again what it read before: its run row (state,
    /// outcome, counts) is its record, and the audit log keeps actions and changes instead of an entry per account per hour.
    /// Failed runs are always audited (<see cref="RecordFailureAsync"/>).
    /// </summary>
    private static bool Audited(Reading r, bool changed) => changed || r.Trigger != RunTriggers.Schedule;

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

    /// <summary>The pure part of a comparison: the planner's findings, activations and usage, and the settings watch's findings.</summary>
    private static AccountPlan PlanAccount(VendorAccountRow account, VendorReadingSet reading, ReconciliationInputs.Batch batch, DateOnly today, ReconciliationOptions defaults)
    {
        var stored = batch.Accounts[account.Id];
        var subscriptions = stored.Subscriptions;
        var recorded = ConnectorKinds.ReadsPurchasedQuantity(account.Connector)
            ? null
            : new RecordedQuantityInput(stored.Recorded, defaults.PurchasedQuantityUnverifiedAfterDays);
        var otherTools = new OtherToolUse[stored.OtherTools.Count];
        for (var i = 0; i < otherTools.Length; i++)
        {
            var o = stored.OtherTools[i];
            otherTools[i] = new OtherToolUse(o.PersonId, o.SubscriptionId, o.VendorCode, o.ProductName, o.LastActiveOn);
        }
        var input = new ReconciliationInput(account.Id, account.VendorCode, account.DisplayName, reading.Quantity, reading.Members,
            subscriptions, stored.Seats, stored.PendingRemovals, otherTools, batch.Policies[account.TenantId], today, recorded);
        var plan = ReconciliationPlanner.Plan(input);
        var settingsHorizon = new TimeHorizon(today);
        var settingFindings = SettingsWatch.Plan(account.Id, account.DisplayName, subscriptions.Count > 0 ? subscriptions[0].Id : null,
            (batch.Baselines.GetValueOrDefault(account.VendorCode) ?? []).Select(b => new SettingBaseline(b.SettingKey, b.Label, b.ExpectedValue)).ToList(),
            stored.Observations.Select(o => new SettingObservation(o.SettingKey, o.ObservedValue, o.ObservedOn)).ToList(), today, settingsHorizon);
        var holdsThrough = plan.HoldsThrough < settingsHorizon.HoldsThrough ? plan.HoldsThrough : settingsHorizon.HoldsThrough;
        return new AccountPlan(plan, settingFindings, plan.EvaluatedKinds.Concat(FindingKinds.FromSettings).ToList(), holdsThrough);
    }

    private async Task<(ReconciliationRunResult, long)> ApplyAsync(
        UnitOfWork uow, Reading r, ReconciliationInputs.Batch batch, AccountPlan? planned, DateOnly today, PendingFingerprint? fingerprint, long lap)
    {
        using var acting = ActingFor(uow, r);
        var account = r.Account;
        var reading = r.Set!;
        var runId = r.RunId;
        var tenantId = account.TenantId;
        var accountId = account.Id;
        var stored = batch.Accounts[accountId];
        var seats = stored.Seats;

        var (plan, settingFindings, evaluated, holdsThrough) = planned ?? PlanAccount(account, reading, batch, today, options.Value.Reconciliation);
        lap = ReconciliationMetrics.Lap("plan", lap);
        // An API connector's member list is read from the vendor on every run and stored nowhere as rows (ADR 0049): what it
        // concluded is in the findings, the usage rows and this run's counts. Only when the whole list was last read moves, in the
        // same update of the account that records this comparison (FindingSightings). (The CSV connector's reading is its imported
        // export, which keeps its own read time.)
        var membersRead = reading.ConnectorName != ConnectorKinds.Csv;
        var (counts, findingsAfter, openings, findingsChanged) = await FindingStore.ApplyAsync(uow, tenantId, accountId, account.VendorCode, account.DisplayName, runId,
            [.. plan.Findings, .. settingFindings], evaluated, stored.Findings, membersRead);
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

        var usageWritten = await WriteUsageAsync(uow, tenantId, accountId, today, plan.Usage, stored.Usage);
        uow.OnCommitted(() => ReconciliationMetrics.CountUsageRows(usageWritten.Sum(s => s.Changed)));
        lap = ReconciliationMetrics.Lap("usage", lap);

        var run = await InsertRunAsync(uow, r, new ReconciliationRunResult(runId, accountId, RunStates.Succeeded, null, r.StartedAt, uow.Now,
            reading.Members.Members.Count, seats.Count, counts.Opened, counts.Updated, counts.Closed, activated, plan.Usage.Count,
            ReconciliationFingerprint.Compared));
        // The run's entry audits the findings it opened, one element each (ADR 0057): the finding's id, kind, subject and effect.
        // A scheduled comparison that changed no finding and no seat is recorded by its run row alone (ADR 0063).
        if (Audited(r, findingsChanged || activated > 0))
        {
            await uow.AuditAsync("reconciliation_run", runId, "succeeded",
                new
                {
                    accountId, members = reading.Members.Members.Count, counts.Opened, counts.Updated, counts.Closed, activated, notes = reading.Members.Notes,
                    openedFindings = openings,
                },
                tenantId);
        }
        if (fingerprint is not null && activated == 0)
        {
            // Last, so the versions stored include every write of this run. A run that activated seats changed its own inputs
            // (the next comparison sees them active and may conclude more): it stores nothing and the next run compares again.
            var tenantVersion = await ReconciliationFingerprint.SaveAsync(uow, tenantId, accountId, fingerprint.Fingerprint, fingerprint.AllTenantsVersion,
                runId, reading.Members.Members.Count, seats.Count, counts.Opened + counts.Updated, plan.Usage.Count, holdsThrough);
            // The inputs as this run's writes left them, at the version those writes left (ADR 0052): kept once they are committed.
            // Not after any activation attempt: one that moved a seat to invited and no further changed a seat all the same.
            if (plan.Activations.Count == 0 && findingsAfter is not null && AfterWrites(stored, usageWritten, findingsAfter) is { } after)
            {
                var entry = new RememberedInputs.Entry(tenantId, tenantVersion, fingerprint.AllTenantsVersion, today, after, batch.Policies[tenantId],
                    batch.Baselines.GetValueOrDefault(account.VendorCode) ?? []);
                uow.OnCommitted(() => remembered.Remember(accountId, entry));
            }
        }
        return (run, ReconciliationMetrics.Lap("finish", lap));
    }

    private const string InsertSheetSql = """
        INSERT INTO seat_usage_sheets (tenant_id, subscription_id, day, vendor_account_id, seats, recorded_at)
        VALUES (@tenantId, @subscriptionId, @today, @accountId, @seats, @now)
        """;

    private const string InsertSheetSqlite = """
        INSERT INTO seat_usage_sheets (tenant_id, subscription_id, day, vendor_account_id, seats, recorded_at)
        VALUES (@tenantId, @subscriptionId, @today, @accountId, CAST(@seats AS TEXT), @now)
        """;

    private const string UpsertSheetSqlite = InsertSheetSqlite + """
         ON CONFLICT (tenant_id, subscription_id, day) DO UPDATE SET vendor_account_id = excluded.vendor_account_id, seats = excluded.seats,
            recorded_at = excluded.recorded_at
        """;

    /// <summary>A sheet a comparison wrote: the sheet as the next comparison holds it, and how many of its entries the run changed.</summary>
    private sealed record WrittenSheet(StoredSheet Sheet, int Changed);

    /// <summary>
    /// The account's usage as observed today, one sheet per subscription (ADR 0056), stored as changes (ADR 0044): a subscription
    /// gets a sheet only when what the run observed of one of its seats (last activity, active, activity reported, subscription,
    /// person, account) differs from that seat's entry in the subscription's latest sheet. The new sheet holds the observed seats,
    /// each with the day its values were first seen, and carries over the entries of the held seats the run did not observe;
    /// released seats are left out. When the latest sheet is already today's (an earlier run of the day), it is replaced.
    /// Returns the sheets written, each as the next comparison holds it (ADR 0090).
    /// </summary>
    private static async Task<IReadOnlyList<WrittenSheet>> WriteUsageAsync(
        UnitOfWork uow, Guid tenantId, Guid accountId, DateOnly today, IReadOnlyList<UsageSnapshot> usage, IReadOnlyList<StoredSheet> stored)
    {
        // The observed seats that differ from their latest entry (by index), and the subscriptions in the order their first seat
        // was observed. A seat's entry is in its own subscription's sheet (a seat never moves to another one), looked up there.
        // A comparison whose every seat reads as stored (every pass that compares without new activity) writes no sheet: it stops
        // here, having built nothing.
        var observedOrder = new List<Guid>();
        List<int>? fresh = null;
        Guid? subscription = null;
        StoredSheet? sheet = null;
        for (var i = 0; i < usage.Count; i++)
        {
            var u = usage[i];
            if (subscription != u.SubscriptionId)
            {
                subscription = u.SubscriptionId;
                sheet = StoredSheet.Of(stored, u.SubscriptionId);
                if (!observedOrder.Contains(u.SubscriptionId))
                {
                    observedOrder.Add(u.SubscriptionId);
                }
            }
            if (sheet is null || !sheet.Holds(u, accountId))
            {
                (fresh ??= []).Add(i);
            }
        }
        var written = new List<WrittenSheet>();
        if (fresh is null)
        {
            return written;
        }
        foreach (var subscriptionId in observedOrder)
        {
            var changed = 0;
            foreach (var i in fresh)
            {
                changed += usage[i].SubscriptionId == subscriptionId ? 1 : 0;
            }
            if (changed == 0)
            {
                continue;
            }
            var latest = StoredSheet.Of(stored, subscriptionId);
            // A copy of the latest sheet's entries (the sheet is remembered and never changed), then the run's changes over it.
            var entries = latest is null ? new Dictionary<Guid, SheetEntry>(changed) : new Dictionary<Guid, SheetEntry>(latest.Entries);
            // The latest sheet is replaced when it is today's: an earlier run of the day wrote it. With no held seat's entry read, a
            // sheet of today may still exist holding only released seats: replaced as well.
            var replacesToday = latest is null || latest.Day == today;
            foreach (var i in fresh)
            {
                var u = usage[i];
                if (u.SubscriptionId != subscriptionId)
                {
                    continue;
                }
                // The seat's activity before today's values: a value replaced the same day was never the seat's state for a
                // whole day and does not count, as a replaced row did not.
                DateOnly? earlier = entries.TryGetValue(u.SeatId, out var before)
                    ? before.Since == today ? before.EarlierActivity : before.LatestActivity
                    : null;
                entries[u.SeatId] = new SheetEntry(u.SeatId, u.PersonId, u.LastActiveOn, u.Active, u.ActivityReported, today, earlier);
            }
            if (uow.Dialect == SqlDialect.Sqlite)
            {
                // The sheet's text bound as its UTF-8 bytes where they were written, stored as TEXT (UsageSheets.WriteUtf8). A sheet that may replace
                // today's is upserted, one statement where a delete and an insert were two: every sheet of a first run is written
                // this way (a sheet of today may exist, holding only released seats, though none was read).
                await uow.ExecuteRowsAsync(replacesToday ? UpsertSheetSqlite : InsertSheetSqlite, UsageSheets.WriteUtf8(entries.Values),
                    new { tenantId, subscriptionId, today, accountId, now = uow.Now }, "@seats");
            }
            else
            {
                if (replacesToday)
                {
                    // SQL Server's upsert, MERGE, needs HOLDLOCK to be safe: the delete and the insert stay two statements there.
                    await uow.ExecuteAsync("DELETE FROM seat_usage_sheets WHERE tenant_id = @tenantId AND subscription_id = @subscriptionId AND day = @today",
                        new { tenantId, subscriptionId, today });
                }
                await uow.ExecuteAsync(InsertSheetSql,
                    new { tenantId, subscriptionId, today, accountId, seats = UsageSheets.Write(entries.Values), now = uow.Now });
            }
            // The written dictionary itself is the sheet the next comparison holds (ADR 0090): nothing changes it from here on.
            written.Add(new WrittenSheet(new StoredSheet(subscriptionId, today, accountId, entries), changed));
        }
        return written;
    }

    /// <summary>
    /// An account's inputs as a comparison's writes left them: the same seats, removals, other tools, quantity and observations
    /// (kept only after a comparison that planned no activation), each sheet written today in place of its subscription's earlier
    /// one (the written sheet as it is: no entry copied, ADR 0090), and the findings as the merge left them. Null when a written
    /// entry's seat is not among the inputs' seats.
    /// </summary>
    private static AccountInputs? AfterWrites(
        AccountInputs before, IReadOnlyList<WrittenSheet> written, IReadOnlyList<ExistingFindingRow> findings)
    {
        var after = new AccountInputs { Recorded = before.Recorded };
        after.Subscriptions.AddRange(before.Subscriptions);
        after.Seats.AddRange(before.Seats);
        after.PendingRemovals.AddRange(before.PendingRemovals);
        after.OtherTools.AddRange(before.OtherTools);
        after.Observations.AddRange(before.Observations);
        after.Findings.AddRange(findings);
        if (written.Count == 0)
        {
            // No sheet written: the sheets are the ones given.
            after.Usage.AddRange(before.Usage);
            return after;
        }
        // Sized for the account's seats (every entry is a held seat's): a first run has no usage yet.
        var held = new HashSet<Guid>(before.Seats.Count);
        foreach (var seat in before.Seats)
        {
            held.Add(seat.SeatId);
        }
        foreach (var w in written)
        {
            foreach (var seatId in w.Sheet.Entries.Keys)
            {
                if (!held.Contains(seatId))
                {
                    return null;
                }
            }
        }
        foreach (var sheet in before.Usage)
        {
            if (!written.Any(w => w.Sheet.SubscriptionId == sheet.SubscriptionId))
            {
                after.Usage.Add(sheet);
            }
        }
        foreach (var w in written)
        {
            after.Usage.Add(w.Sheet);
        }
        return after;
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
        return rows.Select(ToPlan).ToList();
    }

    internal static PlanSubscription ToPlan(RunSubscriptionRow s) =>
        new(s.Id, s.ProductName, s.CommittedQuantity, SeatPrice.Of(s.SalePricePerSeatEur, s.ListPrice, s.PriceCurrency, s.PriceUnit));

    internal static TenantPolicy ToPolicy(PolicyRow row) =>
        new(row.EmailDomains.Split(' ', StringSplitOptions.RemoveEmptyEntries), row.InactiveAfterDays, row.StaleInviteAfterDays);

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
            : ToPolicy(row);
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
