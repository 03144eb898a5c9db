using System.Net;
using System.Text;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Seats.Vendors;
using LicenceOps.Platform.Data;
using LicenceOps.Seats;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Concurrency;

/// <summary>
/// The in-process write gate of an embedded SQLite module database (<see cref="WriteGate"/>): a chunked take-over job
/// yields to a write that arrived during one of its chunks, writers are served in arrival order, a write nested in the
/// same flow does not wait for itself, a wait is bounded, and SQL Server gets no gate.
/// </summary>
public sealed class WriteGateTests
{
    [Test]
    public async Task A_seats_write_submitted_during_a_take_over_chunk_commits_before_the_jobs_next_chunk()
    {
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Seats:TakeOverChunkRows"] = "2" });
        using var staff = await factory.StaffClientAsync();
        var tenantId = Guid.NewGuid();
        await factory.EnsureIdentityKnowsTenantAsync(tenantId);
        var (sub, _) = await TakeOverJobKit.ConnectedPerplexityAsync(factory, staff, tenantId, quantity: 20);
        var db = factory.Services.GetRequiredService<ModuleDatabase<SeatsModule>>();

        // The job's first chunk is held inside its transaction (it holds the turn and SQLite's write lock) until the other
        // write is in line: no timing decides the order.
        var inChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var armed = 1;
        db.BeforeStatement = async (_, sql) =>
        {
            if (sql.Contains("UPDATE take_over_job_rows SET status = 'done'", StringComparison.Ordinal) && Interlocked.Exchange(ref armed, 0) == 1)
            {
                inChunk.TrySetResult();
                await release.Task;
            }
        };
        try
        {
            var csv = "email,status,last active\n" + string.Concat(Enumerable.Range(1, 10).Select(i => $"nobody{i}@elsewhere.test,active,2026-11-20\n"));
            var started = await staff.PostAsync($"/api/tenants/{tenantId}/subscriptions/{sub}/take-over?apply=true", new StringContent(csv, Encoding.UTF8, "text/csv"));
            Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await started.Content.ReadAsStringAsync());
            var jobId = Guid.Parse(started.Headers.Location!.OriginalString.Split('?')[0].Split('/')[^1]);
            await inChunk.Task.WaitAsync(TimeSpan.FromSeconds(60));

            long rowsDoneSeenByTheOtherWrite = -1;
            var other = db.WriteAsync(async uow =>
            {
                rowsDoneSeenByTheOtherWrite = await uow.ExecuteScalarAsync<long>("SELECT rows_done FROM take_over_jobs WHERE id = @jobId", new { jobId });
                await uow.AuditAsync("write_gate_test", jobId, "written_between_chunks", null, tenantId);
            });
            // WriteAsync queues for its turn before it first yields: the write is in line now.
            Assert.That(db.WriteGate!.Waiting, Is.GreaterThanOrEqualTo(1));
            release.SetResult();
            await other.WaitAsync(TimeSpan.FromSeconds(60));

            var job = await TakeOverJobKit.FinishedAsync(staff, started.Headers.Location!, TimeSpan.FromMinutes(2));
            Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("succeeded"), job.ToString());
            Assert.That(job.GetProperty("rowsDone").GetInt32(), Is.EqualTo(10), "five chunks of two");
            Assert.That(rowsDoneSeenByTheOtherWrite, Is.EqualTo(2), "the other write committed right after the first chunk, before the second");
        }
        finally
        {
            db.BeforeStatement = null;
            release.TrySetResult();
        }
    }

    [Test]
    public async Task The_gate_says_it_is_held_from_a_writers_turn_until_the_last_queued_turn_is_handed_back()
    {
        // What an invoice run's workers read to render rather than queue (ADR 0088).
        var gate = new WriteGate();
        Assert.That(gate.Held, Is.False);
        var first = await gate.EnterAsync(CancellationToken.None);
        Assert.That(gate.Held, Is.True);
        var second = gate.EnterAsync(CancellationToken.None).AsTask();
        first.Dispose();
        using (await second)
        {
            Assert.That(gate.Held, Is.True, "handed straight to the writer in line");
        }
        Assert.That(gate.Held, Is.False);
    }

    [Test]
    public async Task Writers_take_turns_in_arrival_order_and_a_nested_write_in_the_same_flow_does_not_wait_for_itself()
    {
        var gate = new WriteGate();
        var order = new List<int>();
        var first = gate.OwnedByThisFlow(await gate.EnterAsync(CancellationToken.None));

        // Same flow, still holding: re-entry is immediate (it would otherwise wait for itself until the timeout).
        var nested = gate.EnterAsync(CancellationToken.None);
        Assert.That(nested.IsCompleted, Is.True, "a nested write of the same flow is not queued behind itself");
        (await nested).Dispose();

        // Other flows queue in arrival order: five writers of another flow get in line one after the other.
        var entered = await OtherFlow(() => Enumerable.Range(0, 5).Select(_ => gate.EnterAsync(CancellationToken.None).AsTask()).ToList());
        var waiters = entered.Select((task, n) => task.ContinueWith(t =>
        {
            lock (order)
            {
                order.Add(n);
            }
            t.Result.Dispose();
        }, TaskScheduler.Default)).ToList();
        Assert.That(gate.Waiting, Is.EqualTo(5));
        first.Dispose();
        await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(order, Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
        Assert.That(gate.Waiting, Is.Zero);

        // Released: a later write of this flow waits its turn again instead of riding on the finished one.
        var holder = gate.OwnedByThisFlow(await gate.EnterAsync(CancellationToken.None));
        var another = await OtherFlow(() => gate.EnterAsync(CancellationToken.None).AsTask());
        Assert.That(another.IsCompleted, Is.False, "another flow waits while the turn is held");
        holder.Dispose();
        (await another.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }

    /// <summary>Runs <paramref name="start"/> in a flow that does not inherit this one's turn (its ExecutionContext is not captured).</summary>
    private static Task<T> OtherFlow<T>(Func<T> start)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(start);
        }
    }

    [Test]
    public async Task A_cancelled_wait_leaves_the_line_and_only_sqlite_databases_have_a_gate()
    {
        var gate = new WriteGate();
        var held = await gate.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        Task<IDisposable> waiting;
        using (ExecutionContext.SuppressFlow())
        {
            waiting = gate.EnterAsync(cancel.Token).AsTask();
        }
        Assert.That(gate.Waiting, Is.EqualTo(1));
        await cancel.CancelAsync();
        Assert.That(async () => await waiting, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(gate.Waiting, Is.Zero);
        held.Dispose();
        (await gate.EnterAsync(CancellationToken.None)).Dispose();
        Assert.That(WriteGate.MaxWait, Is.EqualTo(TimeSpan.FromSeconds(30)), "bounded like SQLite's busy_timeout");

        var http = new Microsoft.AspNetCore.Http.HttpContextAccessor();
        Assert.That(new ModuleDatabase("x", SqlDialect.SqlServer, "Server=none", TimeProvider.System, http).WriteGate, Is.Null, "SQL Server locks rows");
        Assert.That(new ModuleDatabase("x", SqlDialect.Sqlite, "Data Source=:memory:", TimeProvider.System, http).WriteGate, Is.Not.Null);
    }
}
