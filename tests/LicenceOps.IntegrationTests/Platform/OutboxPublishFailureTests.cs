using System.Reflection;
using Dapper;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>
/// The outbox dispatcher when the transport refuses a message: the batch stops at that row, what it published before is
/// recorded, the row gets its back-off, and the rows after it go on at the next pass. Both records are one module write through
/// the write gate (ADR 0083), never an autocommit statement beside it.
/// </summary>
public sealed class OutboxPublishFailureTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private string directory = "";
    private ModuleDatabase db = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        directory = LicenceOpsFactory.NewDataDirectory();
        db = new ModuleDatabase("Outbox", SqlDialect.Sqlite, $"Data Source={Path.Combine(directory, "outbox.db")};Pooling=False", clock,
            new HttpContextAccessor());
        await new MigrationRunner(NullLogger<MigrationRunner>.Instance).ApplyAsync(db, [MigrationSource.PlatformSchema], CancellationToken.None);
    }

    [TearDown]
    public void DeleteDatabase()
    {
        db.Dispose();
        LicenceOpsFactory.DeleteQuietly(directory);
    }

    [Test]
    public async Task A_refused_publish_records_the_batch_before_it_and_its_back_off_and_the_rows_after_it_go_on_at_the_next_pass()
    {
        await PublishAsync("first@outbox.test", "second@outbox.test", "third@outbox.test");
        var bus = RefusingBus.Create(refuse: "second@outbox.test");

        Assert.That(await Dispatcher(bus).DispatchBatchAsync(CancellationToken.None), Is.Zero, "the batch stops at the refused row");

        var rows = await RowsAsync();
        Assert.That(rows[0], Is.EqualTo(("first@outbox.test", 0L, true, true, (string?)null, (DateTimeOffset?)null)), "published before the failure: recorded");
        Assert.That(rows[1], Is.EqualTo(("second@outbox.test", 1L, false, false, (string?)"broker said no", (DateTimeOffset?)clock.GetUtcNow().AddSeconds(1))),
            "refused: one attempt, its reason, retried after 2^0 s");
        Assert.That(rows[2], Is.EqualTo(("third@outbox.test", 0L, false, false, (string?)null, (DateTimeOffset?)null)), "after it: not tried");
        Assert.That(bus.Published(), Is.EqualTo(new[] { "first@outbox.test" }));

        // Until its back-off ends the refused row waits, and does not hold the module's other events back: consumers do not rely
        // on order (docs/messaging.md), and one row the transport keeps refusing must not stop every event after it.
        Assert.That(await Dispatcher(bus).DispatchBatchAsync(CancellationToken.None), Is.EqualTo(1));
        Assert.That(bus.Published(), Is.EqualTo(new[] { "first@outbox.test", "third@outbox.test" }));

        // After it, the transport takes it and its error is cleared.
        bus.Refuse = null;
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await Dispatcher(bus).DispatchBatchAsync(CancellationToken.None), Is.EqualTo(1));
        Assert.That(bus.Published(), Is.EqualTo(new[] { "first@outbox.test", "third@outbox.test", "second@outbox.test" }));
        rows = await RowsAsync();
        Assert.That(rows.Select(r => (r.Attempts, r.Published, r.Dispatched, r.Error)),
            Is.EqualTo(new[] { (0L, true, true, (string?)null), (1L, true, true, null), (0L, true, true, null) }));
    }

    [Test]
    public async Task A_refused_publish_records_its_back_off_at_the_write_gate_while_another_write_holds_it()
    {
        await PublishAsync("held@outbox.test");
        var bus = RefusingBus.Create(refuse: "held@outbox.test");

        // Another writer of the module holds the turn (and SQLite's write lock) until released.
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var other = db.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync("UPDATE outbox_messages SET attempts = attempts WHERE 0");
            holding.SetResult();
            await release.Task;
        });
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            var dispatching = Dispatcher(bus).DispatchBatchAsync(CancellationToken.None);
            // An autocommit UPDATE would wait inside SQLite's busy handler instead, never counted at the gate.
            await Eventually.UntilAsync(() => Task.FromResult(db.WriteGate!.Waiting >= 1), TimeSpan.FromSeconds(10));
            Assert.That(dispatching.IsCompleted, Is.False, "the back-off is not written while the other write holds the turn");

            release.SetResult();
            await other.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(await dispatching.WaitAsync(TimeSpan.FromSeconds(30)), Is.Zero);
        }
        finally
        {
            release.TrySetResult();
        }

        Assert.That((await RowsAsync()).Single().Attempts, Is.EqualTo(1));
    }

    private OutboxDispatcher Dispatcher(RefusingBus bus) => new(
        db,
        (IBus)(object)bus,
        new InboxConsumers(new Dictionary<Type, IReadOnlyList<InboxConsumer>>()),
        new OutboxOptions(TrackConsumerInboxes: false, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1), TimeSpan.FromDays(14)),
        clock,
        NullLogger<OutboxDispatcher>.Instance);

    private async Task PublishAsync(params string[] emails)
    {
        foreach (var email in emails)
        {
            await db.WriteAsync(unit => unit.PublishAsync(new PersonLeft(Guid.NewGuid(), Guid.NewGuid(), email, new DateOnly(2026, 12, 3), unit.Now)));
        }
    }

    private async Task<List<(string Email, long Attempts, bool Published, bool Dispatched, string? Error, DateTimeOffset? NextAttemptAt)>> RowsAsync()
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<(string Email, long Attempts, long Published, long Dispatched, string? Error, DateTimeOffset? NextAttemptAt)>(
            """
            SELECT json_extract(body, '$.email'), attempts, published_at IS NOT NULL, dispatched_at IS NOT NULL, last_error, next_attempt_at
            FROM outbox_messages ORDER BY seq
            """);
        return rows.Select(r => (r.Email, r.Attempts, r.Published == 1, r.Dispatched == 1, r.Error, r.NextAttemptAt)).ToList();
    }

    /// <summary>A bus whose publishes record the message, or throw for the person named by <see cref="Refuse"/>.</summary>
    public class RefusingBus : DispatchProxy
    {
        private readonly List<string> published = [];

        public string? Refuse { get; set; }

        public static RefusingBus Create(string refuse)
        {
            var bus = Create<IBus, RefusingBus>();
            var self = (RefusingBus)(object)bus;
            self.Refuse = refuse;
            return self;
        }

        public IReadOnlyList<string> Published()
        {
            lock (published)
            {
                return published.ToList();
            }
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name != nameof(IPublishEndpoint.Publish) || args is not [PersonLeft message, ..])
            {
                throw new NotSupportedException($"{targetMethod?.Name} is not used by the outbox dispatcher");
            }

            if (message.Email == Refuse)
            {
                return Task.FromException(new InvalidOperationException("broker said no"));
            }

            lock (published)
            {
                published.Add(message.Email);
            }

            return Task.CompletedTask;
        }
    }
}
