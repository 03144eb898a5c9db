using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// ADR 0065: concurrent single-account runs (the per-account jobs) share one writer per process. Each case holds the write lock
/// while the runs read their vendor, so all of them are waiting when it is released: the writer must then apply them in one
/// transaction, each account in its own savepoint and audited under its own caller's actor, keep two accounts of one tenant
/// out of one group, let one account's failed apply fail that run alone, apply each run again alone when a transaction fails as
/// a whole, and let a cancelled caller take its run back.
/// </summary>
public sealed partial class ReconciliationConfirmationTests
{
    private ReconciliationGroupCommit GroupCommit => factory.Services.GetRequiredService<ReconciliationGroupCommit>();

    /// <summary>A scheduled run of the estate's account on its own flow, as a Hangfire job runs it, under the job's actor.</summary>
    private Task<ReconciliationRunResult?> JobRunAsync(Estate estate, string job, CancellationToken ct = default) => Task.Run(async () =>
    {
        using var actor = ActorScope.Begin(Actor.System(job));
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ReconciliationRunner>().RunAsync(estate.Tenant, estate.Account, RunTriggers.Schedule, ct);
    }, CancellationToken.None);

    /// <summary>
    /// Holds Seats' write lock (a write transaction left open) until the answer is disposed, so the runs started meanwhile all
    /// wait for the shared writer; returns the writer's transactions so far.
    /// </summary>
    private async Task<(IAsyncDisposable Hold, long Transactions)> HoldWritesAsync()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var write = SeatsKit.Db(factory).WriteAsync(async _ =>
        {
            held.SetResult();
            await release.Task;
        });
        await held.Task;
        return (new Release(release, write), GroupCommit.Transactions);
    }

    private sealed class Release(TaskCompletionSource release, Task write) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            release.TrySetResult();
            await write;
        }
    }

    private async Task WaitingAsync(int runs) =>
        await Eventually.UntilAsync(() => Task.FromResult(GroupCommit.Waiting == runs), because: $"{runs} runs waiting for the shared writer");

    /// <summary>One job per estate, started while writes are held so all wait for the shared writer; their results and its transactions.</summary>
    private async Task<(ReconciliationRunResult?[] Results, long Transactions)> RunTogetherAsync(IReadOnlyList<Estate> estates)
    {
        var (hold, before) = await HoldWritesAsync();
        Task<ReconciliationRunResult?>[] runs;
        await using (hold)
        {
            runs = estates.Select((e, i) => JobRunAsync(e, $"job-{i}")).ToArray();
            await WaitingAsync(estates.Count);
        }
        var results = await Task.WhenAll(runs);
        return (results, GroupCommit.Transactions - before);
    }

    /// <summary>
    /// <see cref="RunTogetherAsync"/> with the <paramref name="nth"/> statement containing <paramref name="fragment"/> failing
    /// ("disk on fire"); the seam is cleared even when the runs throw, so a failing case does not fail the fixture's next ones.
    /// </summary>
    private async Task<(ReconciliationRunResult?[] Results, long Transactions)> RunTogetherFailingAsync(IReadOnlyList<Estate> estates, string fragment, int nth)
    {
        var db = SeatsKit.Db(factory);
        var seen = 0;
        db.BeforeStatement = (_, sql) => sql.Contains(fragment, StringComparison.Ordinal) && Interlocked.Increment(ref seen) == nth
            ? throw new InvalidOperationException("disk on fire")
            : Task.CompletedTask;
        try
        {
            return await RunTogetherAsync(estates);
        }
        finally
        {
            db.BeforeStatement = null;
        }
    }

    [Test]
    public async Task Concurrent_runs_of_several_tenants_commit_in_one_transaction_each_audited_under_its_own_caller()
    {
        var a = await SettledEstateAsync();
        var b = await SettledEstateAsync();
        var c = await SettledEstateAsync();
        var a2 = await SecondAccountAsync(a);
        // A member nobody recorded appears in the workspace the three Claude accounts read: each of their runs opens a finding and is audited.
        claude.Users["yan@client.test"] = ("Yan Client", Today);
        var db = SeatsKit.Db(factory);
        var runRows = new List<UnitOfWork>();
        db.BeforeStatement = (uow, sql) =>
        {
            if (sql.Contains("INSERT INTO reconciliation_runs", StringComparison.Ordinal))
            {
                lock (runRows)
                {
                    runRows.Add(uow);
                }
            }
            return Task.CompletedTask;
        };

        var (hold, before) = await HoldWritesAsync();
        var groupsBefore = GroupCommit.Groups;
        Task<ReconciliationRunResult?>[] runs;
        await using (hold)
        {
            runs = [JobRunAsync(a, "job-a"), JobRunAsync(b, "job-b"), JobRunAsync(c, "job-c"), JobRunAsync(a2, "job-a2")];
            await WaitingAsync(4);
        }
        var results = await Task.WhenAll(runs);
        db.BeforeStatement = null;

        Assert.That(results.Select(r => r?.State), Is.All.EqualTo(RunStates.Succeeded), string.Join("\n", results.Select(r => r?.FailureReason)));
        Assert.That(GroupCommit.Transactions - before, Is.EqualTo(1), "the four waiting runs were applied in one write transaction");
        Assert.That(GroupCommit.Groups - groupsBefore, Is.EqualTo(2), "the two accounts of one tenant went in two groups");
        Assert.That(runRows, Has.Count.EqualTo(4));
        Assert.That(runRows.Distinct().Count(), Is.EqualTo(1), "the four run rows written in one unit of work");
        foreach (var (estate, job, result) in new[] { (a, "job-a", results[0]), (b, "job-b", results[1]), (c, "job-c", results[2]) })
        {
            Assert.That(result!.FindingsOpened, Is.GreaterThan(0), "the new member's finding opened");
            Assert.That(await SeatsKit.CountAsync(factory,
                "SELECT COUNT(*) FROM audit_log WHERE entity_id = @run AND tenant_id = @tenant AND actor_id = @actor",
                new { run = result.RunId, tenant = estate.Tenant, actor = $"system:{job}" }), Is.EqualTo(1), $"{job}'s run audited under {job}");
        }
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM reconciliation_runs WHERE id IN @ids",
            new { ids = results.Select(r => r!.RunId).ToArray() }), Is.EqualTo(4), "every acknowledged run is recorded");
    }

    /// <summary>Three settled estates of three tenants; then a member nobody recorded appears at the vendor, so each run compares.</summary>
    private async Task<Estate[]> EstatesWithANewMemberAsync()
    {
        var estates = new[] { await SettledEstateAsync(), await SettledEstateAsync(), await SettledEstateAsync() };
        claude.Users["yan@client.test"] = ("Yan Client", Today);
        return estates;
    }

    [Test]
    public async Task An_account_whose_apply_fails_in_a_shared_write_is_recorded_failed_and_the_others_commit()
    {
        var estates = await EstatesWithANewMemberAsync();
        // The second run row inserted fails: it is written inside that account's savepoint, after its findings.
        var (results, transactions) = await RunTogetherFailingAsync(estates, "INSERT INTO reconciliation_runs", nth: 2);

        Assert.That(transactions, Is.EqualTo(1), "one write transaction");
        var failed = results.Single(r => r!.State == RunStates.Failed)!;
        Assert.That(failed.FailureReason, Does.Contain("could not be applied").And.Contain("disk on fire"));
        Assert.That(results.Count(r => r!.State == RunStates.Succeeded && r.FindingsOpened > 0), Is.EqualTo(2), "the other two applied and committed");
        var failedTenant = estates.Single(e => e.Account == failed.VendorAccountId).Tenant;
        foreach (var estate in estates)
        {
            Assert.That(await SeatsKit.CountAsync(factory,
                "SELECT COUNT(*) FROM findings WHERE tenant_id = @tenant AND member_email = 'yan@client.test' AND status = 'open'", new { tenant = estate.Tenant }),
                estate.Tenant == failedTenant ? Is.Zero : Is.EqualTo(1), "the failed account's findings rolled back to its savepoint, the others' kept");
        }
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM reconciliation_runs WHERE id IN @ids",
            new { ids = results.Select(r => r!.RunId).ToArray() }), Is.EqualTo(3), "each run recorded once, the failed one as failed");
    }

    [Test]
    public async Task A_shared_write_that_fails_as_a_whole_applies_each_run_again_alone()
    {
        var estates = new[] { await SettledEstateAsync(), await SettledEstateAsync(), await SettledEstateAsync() };
        foreach (var estate in estates)
        {
            // Each estate's last comparison made from the reading as it now stands: the scheduled runs below are all confirmed.
            await ReconcileAsync(estate);
        }
        // A confirmed run writes outside any savepoint (its run row and the account's read time): the first such write fails the
        // whole transaction, and nothing of the three runs in it is committed.
        var (results, transactions) = await RunTogetherFailingAsync(estates, "SET members_read_at", nth: 1);

        Assert.That(results.Select(r => r?.Outcome), Is.All.EqualTo(ReconciliationFingerprint.Confirmed), "none failed: one transaction's failure fails no run");
        Assert.That(transactions, Is.EqualTo(3), "the failed transaction committed nothing; each run was applied again alone");
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM reconciliation_runs WHERE id IN @ids",
            new { ids = results.Select(r => r!.RunId).ToArray() }), Is.EqualTo(3), "each run recorded once");
    }

    [Test]
    public async Task A_caller_cancelled_while_its_reading_waits_takes_it_back_and_the_others_commit()
    {
        var estates = await EstatesWithANewMemberAsync();
        var runsOf = (Guid account) => SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM reconciliation_runs WHERE vendor_account_id = @account", new { account });
        var recordedBefore = await runsOf(estates[1].Account);
        using var cancel = new CancellationTokenSource();

        var (hold, before) = await HoldWritesAsync();
        Task<ReconciliationRunResult?>[] runs;
        await using (hold)
        {
            runs = [JobRunAsync(estates[0], "job-0"), JobRunAsync(estates[1], "job-1", cancel.Token), JobRunAsync(estates[2], "job-2")];
            await WaitingAsync(3);
            await cancel.CancelAsync();
            await WaitingAsync(2);
        }

        Assert.That(async () => await runs[1], Throws.InstanceOf<OperationCanceledException>());
        var others = await Task.WhenAll(runs[0], runs[2]);
        Assert.That(others.Select(r => r?.State), Is.All.EqualTo(RunStates.Succeeded));
        Assert.That(GroupCommit.Transactions - before, Is.EqualTo(1), "the two others in one write transaction");
        Assert.That(await runsOf(estates[1].Account), Is.EqualTo(recordedBefore), "nothing of the cancelled run recorded");
        Assert.That(GroupCommit.Waiting, Is.Zero);
    }
}
