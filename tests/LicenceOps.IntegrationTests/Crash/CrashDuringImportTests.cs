using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using Microsoft.Data.Sqlite;

namespace LicenceOps.IntegrationTests.Crash;

/// <summary>
/// kill -9 in the middle of the people → seats chain: a 1,000-person CSV import is acknowledged, the host (or, on
/// RabbitMQ, the consuming host) is killed 0.7 s later, restarted over the same data, and every joiner still ends
/// with exactly one onboarding and their department template's seat.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CrashDuringImportTests
{
    private const int Joiners = 1000;
    private static readonly Guid TenantId = DemoData.AcmeTenantId;
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(8);
    private readonly List<ChildProcessHost> hosts = [];
    private string dataDirectory = null!;

    [SetUp]
    public void NewData() => dataDirectory = LicenceOpsFactory.NewDataDirectory();

    [TearDown]
    public async Task KillHostsAndDeleteData()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
        hosts.Clear();
        LicenceOpsFactory.DeleteQuietly(dataDirectory);
    }

    [Test]
    public async Task Embedded_host_killed_mid_import_loses_no_joiner()
    {
        var host = await StartAsync(new Dictionary<string, string?>());
        using var staff = await host.StaffClientAsync();
        var (department, subscription) = await ArrangeAsync(staff, staff);

        await ImportAsync(staff, department.Name);
        await Task.Delay(700);
        var seatedAtKill = await SeatedAsync(subscription);
        host.Kill();
        TestContext.Out.WriteLine($"killed with {seatedAtKill} of {Joiners} joiners seated");

        await StartAsync(new Dictionary<string, string?>());
        await AssertEveryJoinerOnboardedOnceAsync(department.Id, subscription, seatedAtKill);
    }

    [Test]
    [Category(TestRabbitMq.Category)]
    public async Task Rabbitmq_consumer_host_killed_mid_import_loses_no_joiner()
    {
        var bus = TestRabbitMq.BusSettings("crash" + Guid.NewGuid().ToString("N")[..10]);
        bus["Auth:SigningKey"] = "crash-test-signing-key-" + Guid.NewGuid().ToString("N");
        var publisherSettings = new Dictionary<string, string?>(bus) { ["Modules"] = "Identity,Tenants" };
        var consumerSettings = new Dictionary<string, string?>(bus) { ["Modules"] = "Seats" };
        // Seats first: its durable queues must exist before Tenants publishes.
        var seats = await StartAsync(consumerSettings);
        var tenants = await StartAsync(publisherSettings);
        using var staff = await tenants.StaffClientAsync();
        using var seatsStaff = await seats.StaffClientAsync(tenants.BaseAddress);
        var (department, subscription) = await ArrangeAsync(staff, seatsStaff);

        await ImportAsync(staff, department.Name);
        await Task.Delay(700);
        var seatedAtKill = await SeatedAsync(subscription);
        seats.Kill();
        TestContext.Out.WriteLine($"consumer killed with {seatedAtKill} of {Joiners} joiners seated");

        await StartAsync(consumerSettings);
        await AssertEveryJoinerOnboardedOnceAsync(department.Id, subscription, seatedAtKill);
    }

    private async Task<ChildProcessHost> StartAsync(Dictionary<string, string?> settings)
    {
        var host = await ChildProcessHost.StartAsync(dataDirectory, settings);
        hosts.Add(host);
        return host;
    }

    private sealed record Department(Guid Id, string Name);

    private static async Task<(Department Department, Guid Subscription)> ArrangeAsync(HttpClient tenants, HttpClient seats)
    {
        var name = "Crash " + Guid.NewGuid().ToString("N")[..8];
        var created = await tenants.PostAsJsonAsync($"/api/tenants/{TenantId}/departments", new { name });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var departmentId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        var subscription = await seats.PostAsJsonAsync($"/api/tenants/{TenantId}/subscriptions", new
        {
            planCode = "chatgpt-business-annual",
            vendorAccountId = $"ws-{Guid.NewGuid():N}",
            committedQuantity = Joiners,
            termStart = "2026-01-01",
            renewalDate = "2027-01-01",
            salePricePerSeatEur = 27.50m,
            autoIncreasePolicy = "require_staff_approval",
        });
        Assert.That(subscription.StatusCode, Is.EqualTo(HttpStatusCode.Created), await subscription.Content.ReadAsStringAsync());
        var subscriptionId = JsonDocument.Parse(await subscription.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        // Seats learns of the new department by the bus (DepartmentChanged): until then the template is refused as unknown.
        HttpResponseMessage template = null!;
        await Eventually.UntilAsync(async () =>
        {
            template = await seats.PostAsJsonAsync($"/api/tenants/{TenantId}/seat-templates", new { departmentId, subscriptionId });
            return template.StatusCode != HttpStatusCode.BadRequest;
        }, TimeSpan.FromSeconds(60), because: "Seats hears of the department");
        Assert.That(template.StatusCode, Is.EqualTo(HttpStatusCode.Created), await template.Content.ReadAsStringAsync());
        return (new Department(departmentId, name), subscriptionId);
    }

    private static async Task ImportAsync(HttpClient staff, string department)
    {
        var csv = new StringBuilder("email,first_name,last_name,department,manager_email,start_date,external\n");
        var run = Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < Joiners; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"crash{run}.{i}@{DemoData.AcmeDomain},Crash,Joiner {i},{department},,2026-01-05,false\n");
        }
        var response = await staff.PostAsync($"/api/tenants/{TenantId}/people/import?mode=apply", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    private async Task AssertEveryJoinerOnboardedOnceAsync(Guid departmentId, Guid subscription, long seatedAtKill)
    {
        Assert.That(seatedAtKill, Is.LessThan(Joiners), "the kill must interrupt the chain, or this test proves nothing");
        var joiners = await QueryAsync<string>("tenants", "SELECT id FROM people WHERE department_id = @department", new { department = Text(departmentId) });
        Assert.That(joiners, Has.Count.EqualTo(Joiners), "the acknowledged import committed every person");

        await Eventually.UntilAsync(async () => await SeatedAsync(subscription) >= Joiners, Settle, "every joiner gets the template's seat after the restart");
        await Task.Delay(2000); // a duplicate onboarding would show up right behind
        var onboardings = await QueryAsync<PerPerson>("seats",
            "SELECT person_id AS Person, COUNT(*) AS Count FROM transfers WHERE kind = 'onboarding' AND person_id IN @joiners GROUP BY person_id",
            new { joiners });
        Assert.That(onboardings, Has.Count.EqualTo(Joiners), "every joiner has an onboarding");
        Assert.That(onboardings.Where(o => o.Count != 1), Is.Empty, "no joiner has two");
        var seats = await QueryAsync<PerPerson>("seats",
            "SELECT person_id AS Person, COUNT(*) AS Count FROM seats WHERE subscription_id = @subscription GROUP BY person_id",
            new { subscription = Text(subscription) });
        Assert.That(seats.Select(s => s.Person), Is.EquivalentTo(joiners), "the seats went to the joiners");
        Assert.That(seats.Where(s => s.Count != 1), Is.Empty, "one seat each");
        await Eventually.UntilAsync(
            async () => (await QueryAsync<long>("tenants", "SELECT COUNT(*) FROM outbox_messages WHERE dispatched_at IS NULL", null))[0] == 0,
            TimeSpan.FromSeconds(60), "Tenants' outbox ends fully delivered");
    }

    private async Task<long> SeatedAsync(Guid subscription) =>
        File.Exists(Path.Combine(dataDirectory, "seats.db"))
            ? (await QueryAsync<long>("seats", "SELECT COUNT(DISTINCT person_id) FROM seats WHERE subscription_id = @subscription AND status <> 'released'",
                new { subscription = Text(subscription) }))[0]
            : 0;

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string module, string sql, object? parameters)
    {
        // Read the host's SQLite files directly (WAL lets us read while it writes); no pooling, so nothing stays open.
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, module + ".db")};Pooling=False;Default Timeout=30");
        await connection.OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    /// <summary>Guids are stored as upper-case text in SQLite.</summary>
    private static string Text(Guid id) => id.ToString("D").ToUpperInvariant();

    private sealed record PerPerson(string Person, long Count);
}
