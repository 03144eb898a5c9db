using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Messaging.Recorder;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Identity;
using LicenceOps.Platform.Modules;
using LicenceOps.Tenants;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace LicenceOps.IntegrationTests.Messaging;

/// <summary>
/// The distributed mode for real: two hosts, each with its own data directory, on the private RabbitMQ node.
/// Host A runs the Tenants module: people join through its API and it publishes PersonJoined through its
/// outbox; host B runs a recording consumer module. Every message is
/// handled exactly once, also when B is down while A publishes and comes back over the same database.
/// </summary>
[TestFixture]
[Category(TestRabbitMq.Category)]
public sealed class RabbitMqTwoHostTests
{
    private static readonly TimeSpan BusTimeout = TimeSpan.FromSeconds(60);

    private readonly List<string> dataDirectories = [];
    private readonly List<RunningHost> hosts = [];
    private Dictionary<string, string?> settings = null!;
    private string recorderQueue = null!;

    [SetUp]
    public void UniqueEndpoints()
    {
        // Queues are named per test, so a rerun against the same broker never sees another run's messages.
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        settings = TestRabbitMq.BusSettings(prefix);
        recorderQueue = new KebabCaseEndpointNameFormatter(prefix, false).Consumer<JoinedRecorderConsumer>();
    }

    [TearDown]
    public async Task StopHostsAndDeleteQueue()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        foreach (var directory in dataDirectories)
        {
            LicenceOpsFactory.DeleteQuietly(directory);
        }

        await using var connection = await new ConnectionFactory { Uri = TestRabbitMq.Address }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync(recorderQueue);
    }

    [Test]
    public async Task Each_person_joined_published_by_host_A_is_consumed_once_by_host_B()
    {
        var recorderData = NewDataDirectory();
        var recorder = await StartRecorderAsync(recorderData);
        var tenants = await StartTenantsAsync();

        var published = await tenants.JoinPeopleAsync(20);
        var expected = await tenants.JoinedInOutboxAsync();

        await Eventually.UntilAsync(
            async () => (await JoinedRecorderModule.RecordedAsync(RecorderDb(recorder))).Count >= expected,
            BusTimeout,
            "host B records every PersonJoined that host A published");
        await Task.Delay(500); // a duplicate would arrive right behind the originals
        var recorded = await JoinedRecorderModule.RecordedAsync(RecorderDb(recorder));
        Assert.That(recorded, Is.Unique, "no PersonJoined is consumed twice");
        Assert.That(recorded, Has.Count.EqualTo(expected), "the demo joiners and the 20 API joiners");
        Assert.That(recorded, Is.SupersetOf(published));
        Assert.That(await tenants.UndispatchedAsync(), Is.Zero);
    }

    [Test]
    public async Task Messages_published_while_the_consumer_is_down_wait_in_its_durable_queue_and_are_consumed_once_after_restart()
    {
        var recorderData = NewDataDirectory();
        var recorder = await StartRecorderAsync(recorderData);
        var tenants = await StartTenantsAsync();

        var beforeStop = await tenants.JoinPeopleAsync(5);
        var consumedBeforeStop = await tenants.JoinedInOutboxAsync();
        await Eventually.UntilAsync(
            async () => (await JoinedRecorderModule.RecordedAsync(RecorderDb(recorder))).Count >= consumedBeforeStop,
            BusTimeout,
            "host B is consuming before it is stopped");

        await StopAsync(recorder);
        var whileDown = new List<Guid>();
        for (var batch = 0; batch < 3; batch++)
        {
            whileDown.AddRange(await tenants.JoinPeopleAsync(5));
        }

        await Eventually.UntilAsync(
            async () => await tenants.UndispatchedAsync() == 0,
            BusTimeout,
            "host A hands every outbox row to the broker while host B is down");
        Assert.That(await QueuedMessagesAsync(recorderQueue), Is.EqualTo(whileDown.Count), "the messages wait in host B's durable queue");

        var restarted = await StartRecorderAsync(recorderData);
        var all = beforeStop.Concat(whileDown).ToList();
        var expected = consumedBeforeStop + whileDown.Count;
        await Eventually.UntilAsync(
            async () => (await JoinedRecorderModule.RecordedAsync(RecorderDb(restarted))).Count >= expected,
            BusTimeout,
            "the restarted host B consumes what was published while it was down");
        await Task.Delay(500);
        var recorded = await JoinedRecorderModule.RecordedAsync(RecorderDb(restarted));
        Assert.That(recorded, Is.Unique, "each PersonId exactly once");
        Assert.That(recorded, Has.Count.EqualTo(expected));
        Assert.That(recorded, Is.SupersetOf(all));
        Assert.That(await QueuedMessagesAsync(recorderQueue), Is.Zero);
    }

    private string NewDataDirectory()
    {
        var directory = LicenceOpsFactory.NewDataDirectory();
        dataDirectories.Add(directory);
        return directory;
    }

    private async Task<RunningHost> StartRecorderAsync(string dataDirectory) =>
        await StartAsync([new JoinedRecorderModule()], dataDirectory, demoSeed: false);

    /// <summary>Host A: Identity and Tenants with the demo tenants (their joiners are published too).</summary>
    private async Task<TenantsPublisher> StartTenantsAsync() =>
        new(await StartAsync([new IdentityModule(), new TenantsModule()], NewDataDirectory(), demoSeed: true));

    private async Task<RunningHost> StartAsync(IReadOnlyList<IModule> modules, string dataDirectory, bool demoSeed)
    {
        var host = await RunningHost.StartAsync(modules, dataDirectory, new Dictionary<string, string?>(settings) { ["Demo:Seed"] = demoSeed.ToString() });
        hosts.Add(host);
        return host;
    }

    private async Task StopAsync(RunningHost host)
    {
        hosts.Remove(host);
        await host.DisposeAsync();
    }

    private static ModuleDatabase<JoinedRecorderModule> RecorderDb(RunningHost host) =>
        host.Services.GetRequiredService<ModuleDatabase<JoinedRecorderModule>>();

    private static async Task<uint> QueuedMessagesAsync(string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = TestRabbitMq.Address }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var declared = await channel.QueueDeclarePassiveAsync(queue);
        return declared.MessageCount;
    }
}
