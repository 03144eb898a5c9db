using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace LicenceOps.BrowserTests;

/// <summary>
/// One host and one Chromium for the whole run (starting either is the slow part), and the demo data the pages
/// need: the two demo companies, and an issued invoice for last month (rates loaded, run, issued through the API).
/// </summary>
[SetUpFixture]
public sealed class PortalWorld
{
    public const string StaffAdmin = "admin@licenceops.local";
    public const string AcmeAdmin = "admin@acme-conseil.fr";
    public const string AcmeViewer = "viewer@acme-conseil.fr";
    public const string NordwindAdmin = "admin@nordwind-logistik.de";

    public static PortalHost Host { get; private set; } = null!;

    public static IBrowser Browser { get; private set; } = null!;

    public static Guid Acme { get; private set; }

    public static Guid Nordwind { get; private set; }

    public static Guid NordwindInvoice { get; private set; }

    public static string Artifacts { get; private set; } = "";

    private static IPlaywright? playwright;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Artifacts = Path.Combine(RepositoryRoot(), "artifacts", "browser");
        Directory.CreateDirectory(Artifacts);

        const string chromium = "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            Assert.Fail($"{chromium} is missing: scripts/test.sh installs Debian's chromium package (apt-get install chromium).");
        }

        Host = await PortalHost.StartAsync();
        await SeedInvoicesAsync();

        // Playwright's assertions wait 5 s by default, its actions the 30 s each context sets: a page that renders in a
        // second on an idle machine can take longer than 5 s on a saturated 2-core CI machine, so both wait 30 s.
        Assertions.SetDefaultExpectTimeout(30_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        if (Host is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(Artifacts, "host.log"), Host.Output);
            await Host.DisposeAsync();
        }
    }

    /// <summary>Last month invoiced and issued for every demo company: the rates the run needs are loaded first.</summary>
    private static async Task SeedInvoicesAsync()
    {
        using var staff = Host.Client(await Host.TokenAsync(StaffAdmin));
        var tenants = await staff.GetFromJsonAsync<JsonElement>("api/tenants?limit=200");
        Guid IdOf(string name) => Items(tenants).First(t => t.GetProperty("legalName").GetString()!.StartsWith(name, StringComparison.Ordinal)).GetProperty("id").GetGuid();
        Acme = IdOf("Acme");
        Nordwind = IdOf("Nordwind");

        // The product's calendar is Paris's: from 23:00 or 22:00 UTC on a month's last day, "last month" is already the
        // one that just ended there.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).DateTime);
        var first = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var csv = new StringBuilder("Date,USD\n");
        for (var day = first; day.Month == first.Month; day = day.AddDays(1))
        {
            csv.Append(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(",1.0850\n");
        }

        (await staff.PostAsync("api/billing/exchange-rates/history", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        var period = first.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var run = await staff.PostAsJsonAsync("api/billing/runs", new { period, issue = true });
        Assert.That(run.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Accepted), await run.Content.ReadAsStringAsync());
        // The run works in the background: follow it to the end.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var state = (await staff.GetFromJsonAsync<JsonElement>(run.Headers.Location!)).GetProperty("state").GetString();
            if (state == "completed")
            {
                break;
            }
            Assert.That(state != "failed" && DateTime.UtcNow < deadline, Is.True, $"the invoice run ended {state}");
            await Task.Delay(200);
        }

        var issued = await IssuedInvoicesAsync(staff, Acme);
        Assert.That(issued, Is.Not.Empty, "the demo company needs an issued invoice for the PDF test");
        NordwindInvoice = (await IssuedInvoicesAsync(staff, Nordwind)).First();
    }

    /// <summary>
    /// Confirms the tenant's open invitation tasks (staff sent the invites by hand, as the CSV connector asks), then
    /// reconciles every vendor account of <paramref name="tenant"/> now (as the hourly job would) until a finding of
    /// <paramref name="kind"/> is open: the demo's people reach Seats by the bus after start, and a seat is activated
    /// from the member list before its activity is judged.
    /// </summary>
    public static async Task ReconcileUntilOpenAsync(Guid tenant, string kind)
    {
        using var staff = Host.Client(await Host.TokenAsync(StaffAdmin));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            foreach (var task in Items(await staff.GetFromJsonAsync<JsonElement>($"api/tenants/{tenant}/manual-tasks?status=open&limit=100"))
                         .Where(t => t.GetProperty("action").GetString() == "invite"))
            {
                (await staff.PostAsync($"api/tenants/{tenant}/manual-tasks/{task.GetProperty("id").GetGuid()}/confirm", null)).EnsureSuccessStatusCode();
            }

            foreach (var account in Items(await staff.GetFromJsonAsync<JsonElement>($"api/tenants/{tenant}/vendor-accounts?limit=50")))
            {
                var run = await staff.PostAsync($"api/tenants/{tenant}/vendor-accounts/{account.GetProperty("id").GetGuid()}/reconcile", null);
                Assert.That(run.IsSuccessStatusCode, Is.True, await run.Content.ReadAsStringAsync());
            }

            var open = await staff.GetFromJsonAsync<JsonElement>($"api/tenants/{tenant}/findings?kind={kind}&status=open");
            if (Items(open).Any())
            {
                return;
            }

            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"no open {kind} finding for {tenant} after reconciling");
            await Task.Delay(1000);
        }
    }

    private static async Task<IReadOnlyList<Guid>> IssuedInvoicesAsync(HttpClient staff, Guid tenant)
    {
        var invoices = await staff.GetFromJsonAsync<JsonElement>($"api/tenants/{tenant}/invoices?limit=200");
        return Items(invoices)
            .Where(i => i.GetProperty("number").ValueKind == JsonValueKind.String)
            .Select(i => i.GetProperty("id").GetGuid())
            .ToList();
    }

    /// <summary>The rows of a list answer: a keyset page's <c>items</c>, or a bare array.</summary>
    private static IEnumerable<JsonElement> Items(JsonElement list) =>
        (list.ValueKind == JsonValueKind.Object ? list.GetProperty("items") : list).EnumerateArray();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LicenceOps.sln")))
            {
                return dir.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}
