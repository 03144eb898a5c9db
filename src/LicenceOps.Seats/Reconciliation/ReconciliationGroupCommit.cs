using System.Diagnostics;
using LicenceOps.Platform.Data;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Seats.Reconciliation;

/// <summary>
/// One writer per process for the single-account runs (<see cref="ReconciliationRunner.RunAsync"/>, the hourly per-account jobs
/// that Hangfire starts many at once): the runs read their vendor and their inputs on their own, then hand their reading here,
/// and whatever readings are waiting are applied in one write transaction, each account in its own savepoint, exactly as
/// <see cref="ReconciliationRunner.RunManyAsync"/>'s writer applies a batch (ADR 0065). On SQLite a commit writes every page the
/// transaction touched (the run row's table and indexes, the account row, the outbox) and the runs would otherwise queue for
/// the write lock one after the other anyway; sharing the commit writes those pages once per group.
/// <para>
/// A caller gets its result only once the transaction that holds its run committed. Two accounts of one tenant are never in one
/// group (the second goes in the next group, of the same transaction or the next). An account whose apply fails rolls back to its
/// savepoint and is recorded failed, as in a batch; a transaction that fails as a whole (its commit, a shared read) is not
/// allowed to fail other callers' runs: each of its runs is applied again alone, and only a run that fails alone reports the
/// error to its caller. A caller cancelled while its reading waits takes it back (nothing recorded); once the writer has taken
/// it, the caller stops waiting and the run commits with the others. The writer never waits on a caller's token.
/// </para>
/// </summary>
public sealed class ReconciliationGroupCommit(ModuleDatabase<SeatsModule> db, ILogger<ReconciliationGroupCommit> logger)
{
    /// <summary>Applies a group of readings (distinct tenants) in the open transaction; the results go by each reading's index.</summary>
    internal delegate Task<long> ApplyGroup(UnitOfWork uow, List<ReconciliationRunner.Reading> group, ReconciliationRunResult?[] results, long lap);

    private sealed class Pending(ReconciliationRunner.Reading reading, ApplyGroup apply)
    {
        public ReconciliationRunner.Reading Reading { get; } = reading;

        public ApplyGroup Apply { get; } = apply;

        public TaskCompletionSource<ReconciliationRunResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Applied in a transaction that failed as a whole: goes again in a transaction of its own.</summary>
        public bool Alone { get; set; }
    }

    private readonly Lock gate = new();
    private readonly LinkedList<Pending> waiting = new();
    private bool writing;
    private long transactions;
    private long groups;

    /// <summary>Readings waiting for the writer right now (tests and diagnostics).</summary>
    public int Waiting
    {
        get
        {
            lock (gate)
            {
                return waiting.Count;
            }
        }
    }

    /// <summary>Write transactions the writer has committed since the process started (tests and the bench).</summary>
    public long Transactions => Interlocked.Read(ref transactions);

    /// <summary>Groups (accounts of distinct tenants) applied so far, committed or not (tests).</summary>
    public long Groups => Interlocked.Read(ref groups);

    /// <summary>
    /// Queues <paramref name="reading"/> for the writer and waits until the transaction holding its run committed. Throws the
    /// error of a run that failed even alone; <see cref="OperationCanceledException"/> when <paramref name="ct"/> is cancelled
    /// (before the writer took the reading, nothing of it is recorded).
    /// </summary>
    internal async Task<ReconciliationRunResult> ApplyAsync(ReconciliationRunner.Reading reading, ApplyGroup apply, CancellationToken ct)
    {
        var pending = new Pending(reading, apply);
        LinkedListNode<Pending> node;
        bool start;
        lock (gate)
        {
            node = waiting.AddLast(pending);
            start = !writing;
            writing = true;
        }
        if (start)
        {
            // Not on the caller's flow: the writer outlives any one caller, and must carry neither its actor (each account's
            // audit names its own, ADR 0065) nor its hold on the write gate.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(WriteAsync, CancellationToken.None);
            }
        }
        try
        {
            return await pending.Result.Task.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            lock (gate)
            {
                // Still waiting: taken back, the writer never sees it. Already taken: it commits (or not) with its transaction.
                if (node.List is not null)
                {
                    waiting.Remove(node);
                }
            }
            throw;
        }
    }

    private async Task WriteAsync()
    {
        while (true)
        {
            List<Pending> taken = [];
            var acknowledged = new List<(Pending Pending, ReconciliationRunResult Result)>();
            var committed = false;
            try
            {
                var lap = Stopwatch.GetTimestamp();
                var applied = await db.WriteAsync(async uow =>
                {
                    // First of the transaction's committed callbacks: a later one that throws must not make a committed group look failed.
                    uow.OnCommitted(() => committed = true);
                    var t = ReconciliationMetrics.Lap("wait_write", lap);
                    var open = Stopwatch.GetTimestamp();
                    while (taken.Count < ReconciliationRunner.MaxAccountsPerWrite && Stopwatch.GetElapsedTime(open) < ReconciliationRunner.MaxWriteHold)
                    {
                        var group = TakeGroup(taken.Count);
                        if (group.Count == 0)
                        {
                            break;
                        }
                        taken.AddRange(group);
                        Interlocked.Increment(ref groups);
                        var results = new ReconciliationRunResult?[group.Count];
                        // Any caller's runner applies the group alike: its apply uses only the process's singletons (options,
                        // remembered inputs, transfer kicker, logger) and this unit of work, so it serves after its caller's scope ended.
                        t = await group[0].Apply(uow, group.Select((p, i) => p.Reading with { Index = i }).ToList(), results, t);
                        acknowledged.AddRange(group.Select((p, i) => (p, results[i]!)));
                        if (group[0].Alone)
                        {
                            break;
                        }
                    }
                    return t;
                }, CancellationToken.None);
                Interlocked.Increment(ref transactions);
                ReconciliationMetrics.Lap("commit", applied);
            }
            catch (Exception ex) when (!committed)
            {
                Failed(taken, ex);
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref transactions);
                logger.LogError(ex, "A step after a shared reconciliation write committed failed; its runs are recorded");
            }
            // Acknowledged only now: the transaction holding these runs has committed.
            if (committed)
            {
                foreach (var (pending, result) in acknowledged)
                {
                    pending.Result.TrySetResult(result);
                }
            }
            lock (gate)
            {
                if (waiting.Count == 0)
                {
                    writing = false;
                    return;
                }
            }
        }
    }

    /// <summary>
    /// The next group, in arrival order: at most one account per tenant, within the transaction's bound. A reading to be applied
    /// alone (its group failed as a whole) goes alone, and only at the start of a transaction.
    /// </summary>
    private List<Pending> TakeGroup(int inTransaction)
    {
        var group = new List<Pending>();
        var tenants = new HashSet<Guid>();
        lock (gate)
        {
            for (var node = waiting.First; node is not null && inTransaction + group.Count < ReconciliationRunner.MaxAccountsPerWrite;)
            {
                var next = node.Next;
                var p = node.Value;
                if (p.Alone ? inTransaction == 0 && group.Count == 0 : !group.Exists(g => g.Alone) && tenants.Add(p.Reading.Account.TenantId))
                {
                    group.Add(p);
                    waiting.Remove(node);
                    if (p.Alone)
                    {
                        break;
                    }
                }
                node = next;
            }
        }
        return group;
    }

    /// <summary>
    /// A transaction failed as a whole and nothing of it was committed: with several runs in it, each goes again alone, first in
    /// line (one run's failure must not fail another's); a run that failed alone reports the error to its caller.
    /// </summary>
    private void Failed(List<Pending> taken, Exception ex)
    {
        if (taken.Count == 0)
        {
            // No transaction to apply anything in (the write lock or a connection could not be had): every run waiting would meet
            // the same, as each would alone; they fail with it rather than wait on a writer that loops.
            lock (gate)
            {
                taken.AddRange(waiting);
                waiting.Clear();
            }
            taken.ForEach(p => p.Result.TrySetException(ex));
            return;
        }
        if (taken.Count == 1)
        {
            taken[0].Result.TrySetException(ex);
            return;
        }
        logger.LogWarning(ex, "A shared reconciliation write of {Accounts} accounts failed; each is applied again in a transaction of its own", taken.Count);
        lock (gate)
        {
            for (var i = taken.Count - 1; i >= 0; i--)
            {
                taken[i].Alone = true;
                waiting.AddFirst(taken[i]);
            }
        }
    }
}
