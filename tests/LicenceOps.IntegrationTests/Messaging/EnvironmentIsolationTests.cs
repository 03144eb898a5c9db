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
/// Two environments ("staging" and "production" prefixes) on one broker and one virtual host: each consumes only
/// what its own environment published: queues and message-type exchanges both carry the prefix.
/// </summary>
[TestFixture]
[Category(TestRabbitMq.Category)]
public sealed class EnvironmentIsolationTests
{
    private static readonly TimeSpan BusTimeout = TimeSpan.FromSeconds(60);
    private readonly List<RunningHost> hosts = [];
    private readonly List<string> directories = [];
    private readonly List<string> queues = [];

    [TearDown]
    public async Task StopHosts()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
        foreach (var directory in directories)
        {
            LicenceOpsFactory.DeleteQuietly(directory);
        }
        await using var connection = await new ConnectionFactory { Uri = TestRabbitMq.Address }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in queues)
        {
            await channel.QueueDeleteAsync(queue);
        }
    }

    [Test]
    public async Task Two_prefixes_on_one_broker_never_see_each_others_messages()
    {
        var staging = "st" + Guid.NewGuid().ToString("N")[..10];
        var production = "pr" + Guid.NewGuid().ToString("N")[..10];
        var stagingRecorder = await StartAsync([new JoinedRecorderModule()], staging, demoSeed: false);
        var productionRecorder = await StartAsync([new JoinedRecorderModule()], production, demoSeed: false);
        var stagingTenants = new TenantsPublisher(await StartAsync([new IdentityModule(), new TenantsModule()], staging, demoSeed: true));

        var joined = await stagingTenants.JoinPeopleAsync(5);
        var expected = await stagingTenants.JoinedInOutboxAsync();
        await Eventually.UntilAsync(async () => (await Recorded(stagingRecorder)).Count >= expected, BusTimeout,
            "the staging consumer gets staging's messages");
        await Task.Delay(1000); // a leak into production would arrive by now

        Assert.That(await Recorded(stagingRecorder), Is.SupersetOf(joined));
        Assert.That(await Recorded(productionRecorder), Is.Empty, "production consumed nothing staging published");
    }

    private async Task<RunningHost> StartAsync(IReadOnlyList<IModule> modules, string prefix, bool demoSeed)
    {
        var directory = LicenceOpsFactory.NewDataDirectory();
        directories.Add(directory);
        queues.Add(new KebabCaseEndpointNameFormatter(prefix, false).Consumer<JoinedRecorderConsumer>());
        var settings = new Dictionary<string, string?>(TestRabbitMq.BusSettings(prefix)) { ["Demo:Seed"] = demoSeed.ToString() };
        var host = await RunningHost.StartAsync(modules, directory, settings);
        hosts.Add(host);
        return host;
    }

    private static Task<IReadOnlyList<Guid>> Recorded(RunningHost host) =>
        JoinedRecorderModule.RecordedAsync(host.Services.GetRequiredService<ModuleDatabase<JoinedRecorderModule>>());
}
