using System.Net.Http.Json;
using Dapper;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Platform.Probe;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Identity;
using LicenceOps.Platform.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>Business write + outbox commit together; every published message is consumed once, duplicates change nothing.</summary>
public sealed class OutboxAndInboxTests
{
    private string dataDirectory = null!;
    private RunningHost host = null!;

    private ModuleDatabase<ProbeModule> Database => host.Services.GetRequiredService<ModuleDatabase<ProbeModule>>();

    [SetUp]
    public async Task Start()
    {
        dataDirectory = LicenceOpsFactory.NewDataDirectory();
        host = await RunningHost.StartAsync([new IdentityModule(), new ProbeModule()], dataDirectory);
    }

    [TearDown]
    public async Task Stop()
    {
        await host.DisposeAsync();
        LicenceOpsFactory.DeleteQuietly(dataDirectory);
    }

    [Test]
    public async Task Messages_written_through_the_outbox_are_published_and_consumed_exactly_once()
    {
        using var client = host.CreateClient();
        var published = await (await client.PostAsync("/api/probe/joined?count=5", null)).Content.ReadFromJsonAsync<List<Guid>>();

        await Eventually.UntilAsync(async () => (await ProbeModule.ConsumedAsync(Database)).Count >= 5);
        await Task.Delay(300);
        Assert.That(await ProbeModule.ConsumedAsync(Database), Is.EquivalentTo(published!));
        // Embedded mode: a row is marked dispatched once its consumer committed the inbox row, on the dispatcher's next pass.
        await Eventually.UntilAsync(
            async () => await Database.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM outbox_messages WHERE dispatched_at IS NULL") == 0,
            because: "every outbox row is marked dispatched once consumed");
    }

    [Test]
    public async Task A_redelivered_message_with_the_same_id_changes_nothing()
    {
        var bus = host.Services.GetRequiredService<IBus>();
        var messageId = Guid.NewGuid();
        var message = new PersonJoined(Guid.NewGuid(), Guid.NewGuid(), "dup@probe.test", "Dup", null, new DateOnly(2026, 11, 23), DateTimeOffset.UtcNow);

        await bus.Publish(message, context => context.MessageId = messageId);
        await bus.Publish(message, context => context.MessageId = messageId);
        await bus.Publish(message with { }, context => context.MessageId = Guid.NewGuid());

        await Eventually.UntilAsync(async () => (await ProbeModule.ConsumedAsync(Database)).Count >= 2);
        await Task.Delay(300);
        Assert.That(await ProbeModule.ConsumedAsync(Database), Has.Count.EqualTo(2), "two distinct message ids, one duplicate dropped");
    }

    [Test]
    public async Task Rows_of_commits_streaming_in_are_published_and_marked_by_a_few_dispatcher_passes()
    {
        // PersonLeft has no consumer in this host: a published row is marked dispatched by the pass that published it, so each
        // pass of the dispatcher is one write transaction of its own, counted with the writers' in Commits.
        var before = Database.Commits;
        const int writes = 30;
        var streamed = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < writes; i++)
        {
            await Database.WriteAsync(unit =>
                unit.PublishAsync(new PersonLeft(Guid.NewGuid(), Guid.NewGuid(), $"left{i}@probe.test", new DateOnly(2026, 11, 23), unit.Now)));
            // Commits a few milliseconds apart, as a stream of per-account runs makes them: each wakes the dispatcher.
            await Task.Delay(10);
        }
        var streaming = streamed.Elapsed;
        await Eventually.UntilAsync(
            async () => await Database.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM outbox_messages WHERE dispatched_at IS NULL") == 0,
            because: "every row is published and marked");

        // Woken by the first commit the dispatcher publishes at once; the commits after it wake it again within its pace, so their
        // rows wait for the next pass (ADR 0082): about one pass per pace while they stream in (one per commit without it).
        var passes = Database.Commits - before - writes;
        var paced = (long)(streaming / OutboxDispatcher.Pace) + 3;
        Assert.That(passes, Is.InRange(1, Math.Min(paced, writes / 2)),
            $"{writes} commits of one message each over {streaming.TotalMilliseconds:0} ms were marked by {passes} dispatcher transactions");
        Assert.That(await Database.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM outbox_messages WHERE published_at IS NOT NULL"), Is.EqualTo(writes));
    }

    [Test]
    public async Task A_rolled_back_write_publishes_nothing()
    {
        Assert.ThrowsAsync<InvalidOperationException>(() => Database.WriteAsync(async unit =>
        {
            await unit.PublishAsync(new PersonLeft(Guid.NewGuid(), Guid.NewGuid(), "x@probe.test", new DateOnly(2026, 11, 23), unit.Now));
            throw new InvalidOperationException("business rule failed after publishing");
        }));

        await using var connection = await Database.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_messages"), Is.Zero);
    }
}
