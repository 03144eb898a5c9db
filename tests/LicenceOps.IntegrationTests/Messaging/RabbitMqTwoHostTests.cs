using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Messaging.Publisher;
using LicenceOps.IntegrationTests.Messaging.Recorder;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Modules;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace LicenceOps.IntegrationTests.Messaging;

/// <summary>
/// The distributed mode for real: two hosts, each with its own data directory, on the private RabbitMQ node.
/// Host A publishes PersonJoined through its outbox; host B's module consumes them. Every message is
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
        settings["Demo:Seed"] = "false";
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
        var recorder = await StartAsync(new JoinedRecorderModule(), recorderData);
        var publisher = await StartAsync(new JoinedPublisherModule(), NewDataDirectory());

        var published = new List<Guid>();
        for (var batch = 0; batch < 4; batch++)
        {
            published.AddRange(await JoinedPublisherModule.PublishJoinedAsync(PublisherDb(publisher), 5));
        }

        await Eventually.UntilAsync(
            async () => (await JoinedRecorderModule.RecordedAsync(RecorderDb(recorder))).Count >= published.Count,
            BusTimeout,
            "host B records every PersonJoined that host A published");
        await Task.Delay(500); // a duplicate would arrive right behind the originals
        Assert.That(await JoinedRecorderModule.RecordedAsync(RecorderDb(recorder)), Is.EquivalentTo(published));
        Assert.That(await JoinedPublisherModule.UndispatchedAsync(PublisherDb(publisher)), Is.Zero);
    }

    [Test]
    public async Task Messages_published_while_the_consumer_is_down_wait_in_its_durable_queue_and_are_consumed_once_after_restart()
    {
        var recorderData = NewDataDirectory();
        var recorder = await StartAsync(new JoinedRecorderModule(), recorderData);
        var publisher = await StartAsync(new JoinedPublisherModule(), NewDataDirectory());

        var beforeStop = await JoinedPublisherModule.PublishJoinedAsync(PublisherDb(publisher), 5);
        await Eventually.UntilAsync(
            async () => (await JoinedRecorderModule.RecordedAsync(RecorderDb(recorder))).Count >= beforeStop.Count,
            BusTimeout,
            "host B is consuming before it is stopped");

        await StopAsync(recorder);
        var whileDown = new List<Guid>();
        for (var batch = 0; batch < 3; batch++)
        {
            whileDown.AddRange(await JoinedPublisherModule.PublishJoinedAsync(PublisherDb(publisher), 5));
        }

        await Eventually.UntilAsync(
            async () => await JoinedPublisherModule.UndispatchedAsync(PublisherDb(publisher)) == 0,
            BusTimeout,
            "host A hands every outbox row to the broker while host B is down");
        Assert.That(await QueuedMessagesAsync(recorderQueue), Is.EqualTo(whileDown.Count), "the messages wait in host B's durable queue");

        var restarted = await StartAsync(new JoinedRecorderModule(), recorderData);
        var all = beforeStop.Concat(whileDown).ToList();
        await Eventually.UntilAsync(
            async () => (await JoinedRecorderModule.RecordedAsync(RecorderDb(restarted))).Count >= all.Count,
            BusTimeout,
            "the restarted host B consumes what was published while it was down");
        await Task.Delay(500);
        Assert.That(await JoinedRecorderModule.RecordedAsync(RecorderDb(restarted)), Is.EquivalentTo(all), "each PersonId exactly once");
        Assert.That(await QueuedMessagesAsync(recorderQueue), Is.Zero);
    }

    private string NewDataDirectory()
    {
        var directory = LicenceOpsFactory.NewDataDirectory();
        dataDirectories.Add(directory);
        return directory;
    }

    private async Task<RunningHost> StartAsync(IModule module, string dataDirectory)
    {
        var host = await RunningHost.StartAsync([module], dataDirectory, settings);
        hosts.Add(host);
        return host;
    }

    private async Task StopAsync(RunningHost host)
    {
        hosts.Remove(host);
        await host.DisposeAsync();
    }

    private static ModuleDatabase<JoinedPublisherModule> PublisherDb(RunningHost host) =>
        host.Services.GetRequiredService<ModuleDatabase<JoinedPublisherModule>>();

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
