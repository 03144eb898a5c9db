using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Seats.Vendors;
using LicenceOps.Platform;

namespace LicenceOps.IntegrationTests.Crash;

/// <summary>
/// kill -9 in the middle of an estate take-over: 1,000 members are taken over by a job the host works in small
/// chunks; the host (a real child process) is killed once some chunks are committed and well before the end, restarted
/// over the same data, and the job resumes by itself once its lease lapses: every member ends with exactly one seat,
/// one SeatAssigned event each, and the job's counters are exact across the crash.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TakeOverCrashTests
{
    private const int Members = 1000;
    private static readonly Guid TenantId = DemoData.AcmeTenantId;
    private static readonly Dictionary<string, string?> Settings = new()
    {
        // Many small transactions: the kill lands between chunks with most of the work still to do.
        ["Seats:TakeOverChunkRows"] = "5",
        // A dead executor's lease lapses after 3 s instead of 30: the restarted host resumes soon.
        ["Seats:TakeOverLeaseSeconds"] = "3",
    };

    private CrashData data = null!;

    [SetUp]
    public void NewData() => data = new CrashData();

    [TearDown]
    public async Task KillHostsAndDeleteData() => await data.DisposeAsync();

    [Test]
    public async Task A_host_killed_mid_take_over_resumes_it_after_the_restart_and_seats_every_member_once()
    {
        var host = await StartAsync();
        Uri location;
        using (var staff = await host.StaffClientAsync())
        {
            var emails = await PeopleAsync(staff);
            var subscription = await SubscriptionWithCsvAccountAsync(staff);
            var csv = new StringBuilder("email,status,joined\n");
            foreach (var email in emails)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{email},active,2026-03-01\n");
            }

            var accepted = await staff.PostAsync($"/api/tenants/{TenantId}/subscriptions/{subscription}/take-over?apply=true",
                new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await accepted.Content.ReadAsStringAsync());
            location = accepted.Headers.Location!;

            // Kill once some chunks are committed, well before all of them are.
            var done = 0;
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (done < 50 && DateTime.UtcNow < deadline)
            {
                done = (await staff.GetFromJsonAsync<JsonElement>(location)).GetProperty("rowsDone").GetInt32();
                await Task.Delay(20);
            }
            host.Kill();
            TestContext.Out.WriteLine($"killed with {done} (API) of {Members} members done");
        }

        var jobId = location.ToString()[^36..];
        var doneAtKill = await ScalarAsync("SELECT rows_done FROM take_over_jobs WHERE id = @id", new { id = jobId.ToUpperInvariant() });
        var seatsAtKill = await ScalarAsync("SELECT COUNT(*) FROM seats s JOIN take_over_job_rows r ON r.seat_id = s.id WHERE r.job_id = @id",
            new { id = jobId.ToUpperInvariant() });
        Assert.That(doneAtKill, Is.GreaterThan(0).And.LessThan(Members), "the kill must interrupt the take-over, or this test proves nothing");
        Assert.That(seatsAtKill, Is.EqualTo(doneAtKill), "what the job counted done is exactly what it seated: chunks commit whole");

        host = await StartAsync();
        using var after = await host.StaffClientAsync();
        var job = await TakeOverJobKit.FinishedAsync(after, location, TimeSpan.FromMinutes(5));

        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("succeeded"), job.ToString());
        Assert.That((job.GetProperty("rowsTotal").GetInt32(), job.GetProperty("rowsDone").GetInt32(), job.GetProperty("seatsCreated").GetInt32(),
            job.GetProperty("rowErrors").GetArrayLength(), job.GetProperty("attempts").GetInt32()), Is.EqualTo((Members, Members, Members, 0, 2)),
            "counted exactly across the crash, resumed once");

        var subscriptionId = job.GetProperty("subscriptionId").GetGuid().ToString("D").ToUpperInvariant();
        var perPerson = await QueryAsync<long>("SELECT COUNT(*) FROM seats WHERE subscription_id = @sub GROUP BY person_id", new { sub = subscriptionId });
        Assert.That(perPerson, Has.Count.EqualTo(Members), "every member has a seat");
        Assert.That(perPerson.Where(c => c != 1), Is.Empty, "nobody has two");
        Assert.That(await ScalarAsync("SELECT occupied_seats FROM subscriptions WHERE id = @sub", new { sub = subscriptionId }), Is.EqualTo(Members));
        Assert.That(await ScalarAsync(
                "SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE '%.SeatAssigned,%' AND body LIKE @sub", new { sub = $"%{subscriptionId.ToLowerInvariant()}%" }),
            Is.EqualTo(Members), "one SeatAssigned event per seat, none lost with the process and none repeated by the resume");
    }

    private Task<ChildProcessHost> StartAsync() => data.StartAsync(Settings);

    /// <summary>The members are people of the tenant, imported through Tenants and known to Seats by the bus.</summary>
    private async Task<IReadOnlyList<string>> PeopleAsync(HttpClient staff)
    {
        var department = "Take-over " + Guid.NewGuid().ToString("N")[..8];
        var created = await staff.PostAsJsonAsync($"/api/tenants/{TenantId}/departments", new { name = department });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var run = Guid.NewGuid().ToString("N")[..6];
        var emails = Enumerable.Range(0, Members).Select(i => $"estate{run}.{i}@{DemoData.AcmeDomain}").ToList();
        var csv = new StringBuilder("email,first_name,last_name,department,manager_email,start_date,external\n");
        foreach (var email in emails)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{email},Estate,Member,{department},,2026-01-05,false\n");
        }
        var imported = await staff.PostAsync($"/api/tenants/{TenantId}/people/import?mode=apply", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        Assert.That(imported.StatusCode, Is.EqualTo(HttpStatusCode.OK), await imported.Content.ReadAsStringAsync());
        await Eventually.UntilAsync(
            async () => await ScalarAsync("SELECT COUNT(*) FROM people WHERE email LIKE @pattern", new { pattern = $"estate{run}.%" }) == Members,
            TimeSpan.FromMinutes(5), "Seats learns every imported person from the events");
        return emails;
    }

    private static async Task<Guid> SubscriptionWithCsvAccountAsync(HttpClient staff)
    {
        var subscription = await staff.PostAsJsonAsync($"/api/tenants/{TenantId}/subscriptions", new
        {
            planCode = "perplexity-enterprise-pro",
            vendorAccountId = $"estate-{Guid.NewGuid():N}",
            committedQuantity = Members,
            termStart = "2026-01-01",
            renewalDate = "2027-01-01",
            salePricePerSeatEur = 38m,
            autoIncreasePolicy = "require_staff_approval",
        });
        Assert.That(subscription.StatusCode, Is.EqualTo(HttpStatusCode.Created), await subscription.Content.ReadAsStringAsync());
        var subscriptionId = JsonDocument.Parse(await subscription.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var account = await staff.PostAsJsonAsync($"/api/tenants/{TenantId}/vendor-accounts",
            new { vendorCode = "perplexity", connector = "csv", displayName = "Perplexity estate export" });
        Assert.That(account.StatusCode, Is.EqualTo(HttpStatusCode.Created), await account.Content.ReadAsStringAsync());
        var accountId = JsonDocument.Parse(await account.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var linked = await staff.PutAsJsonAsync($"/api/tenants/{TenantId}/subscriptions/{subscriptionId}/vendor-account", new { vendorAccountId = accountId });
        Assert.That(linked.StatusCode, Is.EqualTo(HttpStatusCode.OK), await linked.Content.ReadAsStringAsync());
        return subscriptionId;
    }

    private Task<long> ScalarAsync(string sql, object? parameters) => data.ScalarAsync("seats", sql, parameters);

    private Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters) => data.QueryAsync<T>("seats", sql, parameters);
}
