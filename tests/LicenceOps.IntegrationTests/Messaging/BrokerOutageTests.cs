using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using Microsoft.Data.Sqlite;

namespace LicenceOps.IntegrationTests.Messaging;

/// <summary>
/// The broker really goes down and comes back. The test runs its own RabbitMQ node (scripts/rabbitmq.sh start, then
/// pause/resume, which keep the node's queues), so stopping it disturbs no other test. A publishing host (Tenants) and
/// a consuming host (Seats), both real child processes: /health/ready goes 503 on both while the broker is down, back
/// to 200 after it returns (MassTransit reconnects with a lag of about 25 s, hence a polling deadline, not a sleep),
/// and a person added while the broker was down reaches Seats afterwards.
/// </summary>
[TestFixture]
[NonParallelizable]
[Category(TestRabbitMq.Category)]
public sealed class BrokerOutageTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(150);
    private readonly List<ChildProcessHost> hosts = [];
    private string? brokerDirectory;
    private string dataDirectory = null!;

    [SetUp]
    public void NewData() => dataDirectory = LicenceOpsFactory.NewDataDirectory();

    [TearDown]
    public async Task StopAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
        hosts.Clear();
        if (brokerDirectory is not null)
        {
            await BrokerAsync("stop", brokerDirectory);
            brokerDirectory = null;
        }
        LicenceOpsFactory.DeleteQuietly(dataDirectory);
    }

    [Test]
    public async Task Readiness_follows_the_broker_down_and_up_and_a_message_sent_meanwhile_arrives()
    {
        // The shared private broker must exist (scripts/test.sh): this test is part of the RabbitMQ suite.
        _ = TestRabbitMq.Address;
        var started = await BrokerAsync("start");
        var assignments = started.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1].Trim('\''));
        brokerDirectory = assignments["LICENCEOPS_RABBITMQ_DIR"];
        var address = new Uri(assignments["LICENCEOPS_TEST_RABBITMQ"]);
        var bus = new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:EndpointPrefix"] = "outage" + Guid.NewGuid().ToString("N")[..8],
            ["Bus:RabbitMq:Host"] = address.Host,
            ["Bus:RabbitMq:Port"] = address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Bus:RabbitMq:VirtualHost"] = "/",
            ["Bus:RabbitMq:Username"] = "guest",
            ["Bus:RabbitMq:Password"] = "guest",
            ["Auth:SigningKey"] = "outage-test-signing-key-" + Guid.NewGuid().ToString("N"),
        };
        // Seats first: its durable queues must exist before Tenants publishes.
        var seats = await StartAsync(new Dictionary<string, string?>(bus) { ["Modules"] = "Seats" });
        var tenants = await StartAsync(new Dictionary<string, string?>(bus) { ["Modules"] = "Identity,Tenants" });
        using var staff = await tenants.StaffClientAsync();
        await ReadyAsync([tenants, seats], HttpStatusCode.OK, "both hosts ready on a live broker");

        await BrokerAsync("pause", brokerDirectory);
        var down = Stopwatch.StartNew();
        await ReadyAsync([tenants, seats], HttpStatusCode.ServiceUnavailable, "both hosts report the lost broker");
        TestContext.Out.WriteLine($"503 on both {down.Elapsed.TotalSeconds:0.0} s after the broker stopped");

        // Acknowledged while the broker is down: kept in Tenants' outbox.
        var tenant = await staff.GetFromJsonAsync<LicenceOps.Tenants.Features.Tenants.TenantView>($"/api/tenants/{DemoData.AcmeTenantId}",
            Tenants.TenantsTestKit.Json);
        var person = await Tenants.TenantsTestKit.JoinAsync(staff, tenant!, "outage" + Guid.NewGuid().ToString("N")[..8], new DateOnly(2026, 12, 1));

        await BrokerAsync("resume", brokerDirectory);
        var up = Stopwatch.StartNew();
        await ReadyAsync([tenants, seats], HttpStatusCode.OK, "both hosts ready again once reconnected");
        TestContext.Out.WriteLine($"200 on both {up.Elapsed.TotalSeconds:0.0} s after the broker returned");

        await Eventually.UntilAsync(async () => await SeatsKnowsAsync(person.Id), Deadline, "the person added during the outage reaches Seats");
    }

    private async Task<ChildProcessHost> StartAsync(Dictionary<string, string?> settings)
    {
        var host = await ChildProcessHost.StartAsync(dataDirectory, settings);
        hosts.Add(host);
        return host;
    }

    private static async Task ReadyAsync(IEnumerable<ChildProcessHost> hosts, HttpStatusCode expected, string because)
    {
        foreach (var host in hosts)
        {
            using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            await Eventually.UntilAsync(async () =>
            {
                try
                {
                    return (await client.GetAsync("/health/ready")).StatusCode == expected;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, Deadline, $"{because} ({host.BaseAddress} → {(int)expected})");
        }
    }

    private async Task<bool> SeatsKnowsAsync(Guid personId)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "seats.db")};Pooling=False;Default Timeout=30");
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM people WHERE person_id = @id",
            new { id = personId.ToString("D").ToUpperInvariant() }) == 1;
    }

    /// <summary>scripts/rabbitmq.sh with the given command; returns its stdout (the assignments, for start).</summary>
    private static async Task<string> BrokerAsync(string command, string? directory = null)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "rabbitmq.sh"));
        start.ArgumentList.Add(command);
        if (directory is not null)
        {
            start.ArgumentList.Add(directory);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"rabbitmq.sh {command} failed:\n{await stderr}");
        return await stdout;
    }
}
