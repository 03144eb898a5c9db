using System.Net;
using System.Net.Http.Json;
using System.Text;
using LicenceOps.Billing.Jobs;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Billing;

/// <summary>ECB rates: daily ingestion over HTTP, idempotence, missing days, history files, and a USD invoice.</summary>
public sealed class ExchangeRateTests
{
    private FakeEcbServer ecb = null!;
    private LicenceOpsFactory factory = null!;
    private BillingWorld world = null!;
    private HttpClient staff = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        ecb = await FakeEcbServer.StartAsync();
        factory = new LicenceOpsFactory(BillingWorld.Settings(new Dictionary<string, string?>
        {
            ["Billing:EcbDailyRatesUrl"] = $"{ecb.BaseUrl}/stats/eurofxref/eurofxref-daily.xml",
        }));
        world = new BillingWorld(factory);
        staff = await factory.StaffClientAsync(Roles.StaffBilling);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        staff.Dispose();
        factory.Dispose();
        await ecb.DisposeAsync();
    }

    [Test, Order(1)]
    public async Task Daily_job_ingests_the_ecb_file_once_and_weekend_days_fall_back_to_friday()
    {
        var first = await factory.Service<EcbDailyRatesJob>().RunAsync(CancellationToken.None);
        var second = await factory.Service<EcbDailyRatesJob>().RunAsync(CancellationToken.None);

        Assert.That((first!.Read, first.Inserted), Is.EqualTo((31, 31)));
        Assert.That((second!.Read, second.Inserted), Is.EqualTo((31, 0)), "storing the same day again is a no-op");
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM exchange_rates WHERE rate_date = '2022-07-08'"), Is.EqualTo(31));

        var friday = await BillingWorld.JsonAsync(await staff.GetAsync("/api/billing/exchange-rates?currency=USD&date=2022-07-08"));
        Assert.That(friday.GetProperty("unitsPerEuro").GetDecimal(), Is.EqualTo(1.0163m));
        Assert.That(friday.GetProperty("isFallback").GetBoolean(), Is.False);

        // Saturday 9 and Sunday 10 July 2022: no ECB publication, Friday's rate is used and its date shown.
        var client = await factory.ClientUserAsync(Guid.NewGuid(), Roles.ClientViewer);
        var sunday = await BillingWorld.JsonAsync(await client.GetAsync("/api/billing/exchange-rates?currency=usd&date=2022-07-10"));
        Assert.That(sunday.GetProperty("rateDate").GetString(), Is.EqualTo("2022-07-08"));
        Assert.That(sunday.GetProperty("requestedDate").GetString(), Is.EqualTo("2022-07-10"));
        Assert.That(sunday.GetProperty("unitsPerEuro").GetDecimal(), Is.EqualTo(1.0163m));
        Assert.That(sunday.GetProperty("isFallback").GetBoolean(), Is.True);
    }

    [Test, Order(2)]
    public async Task An_ecb_outage_is_one_warning_not_a_failing_job_and_keeps_the_known_rates()
    {
        var before = await world.CountAsync("SELECT COUNT(*) FROM exchange_rates");
        ecb.Down = true;
        try
        {
            // No exception: Hangfire would retry it with stack traces; tomorrow's run (90-day file) fills the gap.
            Assert.That(await factory.Service<EcbDailyRatesJob>().RunAsync(CancellationToken.None), Is.Null);
            var response = await staff.PostAsync("/api/billing/exchange-rates/fetch", null);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
        }
        finally
        {
            ecb.Down = false;
        }

        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM exchange_rates"), Is.EqualTo(before));
        var stillThere = await BillingWorld.JsonAsync(await staff.GetAsync("/api/billing/exchange-rates?currency=USD&date=2022-07-11"));
        Assert.That(stillThere.GetProperty("rateDate").GetString(), Is.EqualTo("2022-07-08"));
    }

    [Test, Order(3)]
    public async Task An_outage_warning_says_how_old_the_newest_rate_is_and_how_to_upload_current_ones()
    {
        var logs = new List<string>();
        var job = new EcbDailyRatesJob(factory.Service<LicenceOps.Billing.Features.ExchangeRates.EcbDailyRatesFetcher>(),
            factory.Service<LicenceOps.Billing.Features.ExchangeRates.ExchangeRateStore>(), factory.Clock, new ListLogger(logs));
        ecb.Down = true;
        try
        {
            Assert.That(await job.RunAsync(CancellationToken.None), Is.Null);
        }
        finally
        {
            ecb.Down = false;
        }

        // The shipped history ends on 9 May 2025; this test host stored nothing newer (the fake ECB serves 26 September 2024).
        var warning = logs.Single();
        var age = LicenceOps.Platform.ParisCalendar.DateOf(factory.Clock.GetUtcNow()).DayNumber - new DateOnly(2025, 5, 9).DayNumber;
        Assert.That(warning, Does.Contain("2025-05-09").And.Contain($"({age} days old)").And.Contain("POST /api/billing/exchange-rates/history"));
    }

    private sealed class ListLogger(List<string> lines) : Microsoft.Extensions.Logging.ILogger<EcbDailyRatesJob>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) => lines.Add(formatter(state, exception));
    }

    [Test]
    public async Task A_rate_older_than_the_look_back_is_not_used()
    {
        var response = await staff.GetAsync("/api/billing/exchange-rates?currency=USD&date=2022-08-30");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task History_csv_and_xml_load_through_the_staff_upload()
    {
        var csv = await Upload(staff, File.ReadAllText(FakeEcbServer.SamplePath("ecb_eurofxref-hist_excerpt.csv")));
        var xml = await Upload(staff, File.ReadAllText(FakeEcbServer.SamplePath("ecb_eurofxref-hist-90d_excerpt.xml")));
        var daily = await Upload(staff, File.ReadAllText(FakeEcbServer.SamplePath("ecb_eurofxref_daily.csv")));

        Assert.That(csv.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(xml.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(daily.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await BillingWorld.JsonAsync(daily)).GetProperty("inserted").GetInt32(), Is.Zero, "26 Sept 2024 came with the history file already");
        var september25 = await BillingWorld.JsonAsync(await staff.GetAsync("/api/billing/exchange-rates?currency=GBP&date=2024-09-25"));
        Assert.That(september25.GetProperty("unitsPerEuro").GetDecimal(), Is.EqualTo(0.83653m));
        var march2017 = await BillingWorld.JsonAsync(await staff.GetAsync("/api/billing/exchange-rates?currency=USD&date=2017-03-05"));
        Assert.That((march2017.GetProperty("rateDate").GetString(), march2017.GetProperty("unitsPerEuro").GetDecimal()), Is.EqualTo(("2017-03-03", 1.0565m)));
    }

    [Test]
    public async Task Usd_plan_is_invoiced_at_the_ecb_rate_of_the_period_end_with_its_date()
    {
        await Upload(staff, File.ReadAllText(FakeEcbServer.SamplePath("ecb_eurofxref-hist_excerpt.csv")));
        var tenant = await world.TenantAsync("Dollar SAS", "FR", "FR12987654321", "987654321");
        // Claude Team at 25 USD excl. VAT, 4 committed, September 2024.
        await world.SubscriptionAsync(tenant, "Anthropic", "Claude Team", 4, 0, new DateOnly(2024, 1, 1), 25m, "USD", false, null);

        await BillingWorld.RunAsync(staff, "2024-09", issue: true);

        var invoice = await BillingWorld.InvoiceOfAsync(staff, tenant, "2024-09");
        // 30/09/2024 (Mon) and 27/09 have no rate in the file: Thursday 26/09, 1 EUR = 1.1155 USD, is used.
        // 25 / 1.1155 × 1.15 = 25.7732 € per seat; 4 seats = 103.09; VAT 20.618 → 20.62.
        var line = invoice.GetProperty("lines")[0];
        Assert.That(line.GetProperty("unitPriceExclVat").GetDecimal(), Is.EqualTo(25.7732m));
        Assert.That(InvoiceRunTests.Totals(invoice), Is.EqualTo((103.09m, 20.62m, 123.71m)));
        var rate = invoice.GetProperty("exchangeRates")[0];
        Assert.That((rate.GetProperty("currency").GetString(), rate.GetProperty("unitsPerEuro").GetDecimal(), rate.GetProperty("rateDate").GetString()),
            Is.EqualTo(("USD", 1.1155m, "2024-09-26")));

        var pdf = await staff.GetByteArrayAsync($"/api/tenants/{tenant}/invoices/{invoice.GetProperty("id").GetGuid()}/pdf");
        using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
        var text = InvoiceRunTests.Squash(string.Join("\n", document.GetPages().Select(p => p.Text)));
        Assert.That(text, Does.Contain("1,1155"));
        Assert.That(text, Does.Contain("26/09/2024"));
        Assert.That(text, Does.Contain("123,71"));
        await InvoiceRunTests.AssertStoredPdfIsWhatItsRowsPrintAsync(factory, invoice.GetProperty("id").GetGuid());
    }

    [Test]
    public async Task A_usd_plan_without_a_recent_rate_is_reported_and_not_invoiced()
    {
        // Rates of its own stored: the shipped history no longer stands in for a missing month.
        await Upload(staff, File.ReadAllText(FakeEcbServer.SamplePath("ecb_eurofxref-hist_excerpt.csv")));
        var tenant = await world.TenantAsync("Sans Taux SAS", "FR", null, "987654321");
        await world.SubscriptionAsync(tenant, "OpenAI", "ChatGPT Enterprise", 2, 0, new DateOnly(2025, 1, 1), 60m, "USD", false, null);

        // December 2025: after the shipped history (9 May 2025) and long after the stored sample (26 September 2024).
        var run = await BillingWorld.RunAsync(staff, "2025-12", issue: true);

        var failure = run.GetProperty("failures").EnumerateArray().Single(f => f.GetProperty("tenantId").GetGuid() == tenant);
        Assert.That(failure.GetProperty("reason").GetString(), Does.Contain("USD"));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoices WHERE period = '2025-12'"), Is.Zero);
    }

    [TestCase("/api/billing/exchange-rates?currency=US&date=2022-07-08", "currency")]
    [TestCase("/api/billing/exchange-rates?currency=USD&date=08/07/2022", "date")]
    [TestCase("/api/billing/exchange-rates?date=2022-07-08", "currency")]
    public async Task Bad_queries_are_400_with_the_field(string url, string field)
    {
        var response = await staff.GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"\"{field}\""));
    }

    [Test]
    public async Task Bad_uploads_are_400_and_load_nothing_and_clients_cannot_upload()
    {
        var before = await world.CountAsync("SELECT COUNT(*) FROM exchange_rates");

        var garbage = await Upload(staff, "Date,USD,\n2024-09-26,abc,\n");
        var empty = await Upload(staff, "");
        var client = await factory.ClientUserAsync(Guid.NewGuid(), Roles.ClientAdmin);
        var forbidden = await Upload(client, File.ReadAllText(FakeEcbServer.SamplePath("ecb_eurofxref-hist_excerpt.csv")));
        var anonymous = await factory.AnonymousClient().GetAsync("/api/billing/exchange-rates?currency=USD");

        Assert.That(garbage.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await garbage.Content.ReadAsStringAsync(), Does.Contain("abc"));
        Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM exchange_rates"), Is.EqualTo(before));
    }

    private static Task<HttpResponseMessage> Upload(HttpClient client, string content) =>
        client.PostAsync("/api/billing/exchange-rates/history", new StringContent(content, Encoding.UTF8, "text/csv"));
}
