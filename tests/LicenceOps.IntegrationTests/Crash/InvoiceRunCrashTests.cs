using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Tenants;
using Microsoft.Data.Sqlite;

namespace LicenceOps.IntegrationTests.Crash;

/// <summary>
/// Invoice runs are background jobs that outlive their caller and their process. Against the real host run as a child
/// process (real sockets, real kill -9): a caller that hangs up right after sending its request still gets its run
/// done; a host killed in the middle of a run is restarted over the same data and the run finishes by itself, every
/// tenant invoiced once and the numbers gapless.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class InvoiceRunCrashTests
{
    private const int Tenants = 200;
    private static readonly Dictionary<string, string?> Settings = new()
    {
        // Only the test's tenants: no demo companies, no demo invoicing history competing for the months.
        ["Demo:Seed"] = "false",
        // A dead executor's lease lapses after 5 s instead of 30: the restarted host resumes the run soon.
        ["Billing:RunLeaseSeconds"] = "5",
        // Batches of at most four tenants: the run commits its progress in fifty steps or more, so the kill below lands mid-run
        // however fast the machine renders (with a worker per core, 200 tenants in batches of 32 could finish before a poll).
        ["Billing:RunBatchTenants"] = "4",
    };

    private readonly List<ChildProcessHost> hosts = [];
    private string dataDirectory = null!;
    private ChildProcessHost host = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        dataDirectory = LicenceOpsFactory.NewDataDirectory();
        host = await StartAsync();
        using var staff = await host.StaffClientAsync();
        // Four writers at a time: seeding is not what is tested, and the machine is shared.
        using var gate = new SemaphoreSlim(4);
        await Task.WhenAll(Enumerable.Range(0, Tenants).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                await TenantWithSubscriptionAsync(staff, i);
            }
            finally
            {
                gate.Release();
            }
        }));
        await Eventually.UntilAsync(
            async () => await ScalarAsync("SELECT COUNT(DISTINCT tenant_id) FROM subscription_terms") == Tenants
                        && await ScalarAsync("SELECT COUNT(*) FROM billing_tenants") == Tenants,
            TimeSpan.FromMinutes(3), "Billing learns every tenant and subscription from the events");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        foreach (var started in hosts)
        {
            await started.DisposeAsync();
        }
        LicenceOpsFactory.DeleteQuietly(dataDirectory);
    }

    [Test]
    public async Task A_caller_that_hangs_up_right_after_asking_still_gets_the_whole_run()
    {
        using var staff = await host.StaffClientAsync();
        var token = staff.DefaultRequestHeaders.Authorization!.Parameter!;

        // The request is written on a raw socket, which is reset (RST, as a client timeout or a closed laptop does) as
        // soon as the status line says the run is accepted, long before the run is done. (A caller that leaves before
        // the host has even read its request has asked for nothing: no run, which is right.)
        var body = """{"period":"2026-09","issue":true}""";
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
            var request = $"POST /api/billing/runs HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nAuthorization: Bearer {token}\r\n" +
                          $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
            var stream = socket.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
            var statusLine = new byte[12];
            await stream.ReadExactlyAsync(statusLine);
            Assert.That(Encoding.ASCII.GetString(statusLine), Is.EqualTo("HTTP/1.1 202"));
            socket.LingerState = new LingerOption(true, 0);
        }
        // Read from the file, not through the busy host's API, which could answer after the run ended.
        Assert.That(await TenantsDoneAsync("2026-09"), Is.LessThan(Tenants), "the caller left before the run was done");

        Guid? runId = null;
        await Eventually.UntilAsync(async () =>
        {
            var runs = await staff.GetFromJsonAsync<JsonElement>("/api/billing/runs?limit=50");
            runId = runs.GetProperty("items").EnumerateArray().Where(r => r.GetProperty("period").GetString() == "2026-09")
                .Select(r => (Guid?)r.GetProperty("id").GetGuid()).FirstOrDefault();
            return runId is not null;
        }, TimeSpan.FromSeconds(30), "the accepted run is listed");
        var run = await Billing.BillingWorld.FinishedRunAsync(staff, new Uri($"/api/billing/runs/{runId}", UriKind.Relative), TimeSpan.FromMinutes(5));

        Assert.That(run.GetProperty("state").GetString(), Is.EqualTo("completed"), run.ToString());
        Assert.That((run.GetProperty("tenantsDone").GetInt32(), run.GetProperty("drafted").GetInt32(), run.GetProperty("issued").GetInt32()),
            Is.EqualTo((Tenants, Tenants, Tenants)));
        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM invoices WHERE period = '2026-09' AND status = 'issued'"), Is.EqualTo(Tenants));
    }

    [Test]
    public async Task A_host_killed_mid_run_finishes_it_after_the_restart_with_gapless_numbers()
    {
        var numbersBefore = await ScalarAsync("SELECT COUNT(*) FROM invoices WHERE number IS NOT NULL AND kind = 'invoice'");
        using (var staff = await host.StaffClientAsync())
        {
            var started = await staff.PostAsJsonAsync("/api/billing/runs", new { period = "2026-10", issue = true });
            Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await started.Content.ReadAsStringAsync());

            // Kill once some tenants are done, well before all of them are. Progress is read from the file itself, not through the
            // host's API: the run's workers hold every core, and a request to the busy host could answer after the run ended.
            var done = 0L;
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (done < 10 && DateTime.UtcNow < deadline)
            {
                done = await TenantsDoneAsync("2026-10");
                await Task.Delay(5);
            }
            host.Kill();
            TestContext.Out.WriteLine($"killed with {done} of {Tenants} tenants done");
        }

        var doneAtKill = await TenantsDoneAsync("2026-10");
        Assert.That(doneAtKill, Is.GreaterThan(0).And.LessThan(Tenants), "the kill must interrupt the run, or this test proves nothing");

        host = await StartAsync();
        using var after = await host.StaffClientAsync();
        var runId = await ScalarTextAsync("SELECT id FROM invoice_runs WHERE period = '2026-10'");
        var run = await Billing.BillingWorld.FinishedRunAsync(after, new Uri($"/api/billing/runs/{runId}", UriKind.Relative), TimeSpan.FromMinutes(5));

        Assert.That(run.GetProperty("state").GetString(), Is.EqualTo("completed"), run.ToString());
        Assert.That((run.GetProperty("tenantsTotal").GetInt32(), run.GetProperty("tenantsDone").GetInt32(), run.GetProperty("drafted").GetInt32(),
            run.GetProperty("issued").GetInt32(), run.GetProperty("failures").GetArrayLength()), Is.EqualTo((Tenants, Tenants, Tenants, Tenants, 0)),
            "counted exactly across the crash");
        Assert.That(await ScalarAsync("SELECT attempts FROM invoice_runs WHERE period = '2026-10'"), Is.EqualTo(2), "resumed, not restarted by hand");

        // Every tenant invoiced once; the series continues exactly where the previous run left it: no gap, no repeat.
        Assert.That(await ScalarAsync("SELECT COUNT(DISTINCT tenant_id) FROM invoices WHERE period = '2026-10' AND kind = 'invoice' AND status = 'issued'"),
            Is.EqualTo(Tenants));
        var numbers = await QueryAsync<string>("SELECT number FROM invoices WHERE number IS NOT NULL AND kind = 'invoice'");
        var sequences = numbers.Select(n => long.Parse(n[^6..], CultureInfo.InvariantCulture)).Order().ToList();
        Assert.That(sequences, Is.EqualTo(Enumerable.Range(1, (int)numbersBefore + Tenants).Select(i => (long)i)), "gapless and unique");
        Assert.That(await ScalarAsync("SELECT next_value FROM invoice_sequences WHERE series = 'F'"), Is.EqualTo(numbersBefore + Tenants + 1));
        await Eventually.UntilAsync(
            async () => await ScalarAsync("SELECT COUNT(*) FROM invoice_documents d JOIN invoices i ON i.id = d.invoice_id WHERE i.period = '2026-10'") == Tenants,
            TimeSpan.FromMinutes(2), "every issued invoice's PDF is stored, those interrupted by the kill included");

        // Each stored PDF's bytes are in the pack beside the database (ADR 0099) where its row says, whole across the kill: read from the
        // file itself, before any download could print a damaged one again from its rows.
        var packed = await QueryAsync<(string Id, string Sha256, long Length, long? Offset)>(
            "SELECT d.invoice_id, d.sha256, d.byte_length, d.pack_offset FROM invoice_documents d JOIN invoices i ON i.id = d.invoice_id WHERE i.period = '2026-10'");
        using (var pack = File.OpenHandle(Path.Combine(dataDirectory, "billing.pdfpack")))
        {
            foreach (var (id, sha256, length, offset) in packed)
            {
                Assert.That(offset, Is.Not.Null, $"{id} is stored in the pack");
                var bytes = new byte[length];
                Assert.That(RandomAccess.Read(pack, bytes, offset!.Value), Is.EqualTo(length), id);
                Assert.That(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), Is.EqualTo(sha256), id);
            }
        }

        // Each stored PDF downloads whole after the kill: the bytes hash to the row's hash (also the ETag) and have its length.
        var stored = await QueryAsync<(string Id, string TenantId, string Sha256, long Length)>(
            "SELECT i.id, i.tenant_id, d.sha256, d.byte_length FROM invoice_documents d JOIN invoices i ON i.id = d.invoice_id WHERE i.period = '2026-10'");
        Assert.That(stored, Has.Count.EqualTo(Tenants));
        foreach (var (id, tenantId, sha256, length) in stored)
        {
            var response = await after.GetAsync($"/api/tenants/{tenantId}/invoices/{id}/pdf");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            Assert.That(response.Headers.ETag?.Tag, Is.EqualTo($"\"{sha256}\""));
            var pdf = await response.Content.ReadAsByteArrayAsync();
            Assert.That((pdf.LongLength, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf))), Is.EqualTo((length, sha256)), id);
        }
    }

    private async Task<ChildProcessHost> StartAsync()
    {
        var started = await ChildProcessHost.StartAsync(dataDirectory, Settings);
        hosts.Add(started);
        return started;
    }

    private static async Task TenantWithSubscriptionAsync(HttpClient staff, int i)
    {
        var tenant = await staff.PostAsJsonAsync("/api/tenants",
            TenantsTestKit.FrenchTenant(TenantsTestKit.NewDomain(), $"Run {i:D3} SARL"));
        Assert.That(tenant.StatusCode, Is.EqualTo(HttpStatusCode.Created), await tenant.Content.ReadAsStringAsync());
        var tenantId = JsonDocument.Parse(await tenant.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        // Seats learns of the new tenant by the bus (TenantProfileChanged) and answers 404 until then.
        HttpResponseMessage subscription;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            subscription = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions", new
            {
                planCode = "claude-team-standard-monthly",
                vendorAccountId = $"org-{Guid.NewGuid():N}",
                committedQuantity = 3,
                termStart = "2026-01-01",
                renewalDate = "2027-01-01",
                salePricePerSeatEur = 30m,
                autoIncreasePolicy = "require_staff_approval",
            });
            if (subscription.StatusCode != HttpStatusCode.NotFound || DateTime.UtcNow > deadline)
            {
                break;
            }
            await Task.Delay(200);
        }

        Assert.That(subscription.StatusCode, Is.EqualTo(HttpStatusCode.Created), await subscription.Content.ReadAsStringAsync());
    }

    private async Task<long> ScalarAsync(string sql) => (await QueryAsync<long>(sql))[0];

    /// <summary>The tenants the period's run has finished (drafted, issued or failed), as committed to the host's file.</summary>
    private Task<long> TenantsDoneAsync(string period) => ScalarAsync(
        $"SELECT COUNT(*) FROM invoice_run_tenants t JOIN invoice_runs r ON r.id = t.run_id WHERE r.period = '{period}' AND t.status <> 'pending'");

    private async Task<string> ScalarTextAsync(string sql) => (await QueryAsync<string>(sql))[0];

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql)
    {
        // The host's SQLite file read directly (WAL lets us read while it writes); no pooling, so nothing stays open.
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "billing.db")};Pooling=False;Default Timeout=30");
        await connection.OpenAsync();
        return (await connection.QueryAsync<T>(sql)).AsList();
    }
}
