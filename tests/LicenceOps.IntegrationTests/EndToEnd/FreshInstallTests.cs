using System.Net;
using System.Text.RegularExpressions;
using LicenceOps.IntegrationTests.Billing;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using UglyToad.PdfPig;

namespace LicenceOps.IntegrationTests.EndToEnd;

/// <summary>
/// A fresh clone started with default settings and no rate ever downloaded (this machine has no route to the ECB):
/// the demo has an invoicing past with PDFs, priced with the ECB rates shipped in the product. The same PDFs prove
/// every mandatory mention listed in docs/billing-rounding.md.
/// </summary>
public sealed partial class FreshInstallTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;
    private BillingWorld world = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        factory = new LicenceOpsFactory();
        world = new BillingWorld(factory);
        staff = await factory.StaffClientAsync();
        // The demo history waits for the demo tenants' events, then writes three months: 3 + 3 invoices and a credit note.
        await Eventually.UntilAsync(async () => await world.CountAsync("SELECT COUNT(*) FROM invoices WHERE number IS NOT NULL") >= 7
            && await world.CountAsync("SELECT COUNT(*) FROM invoice_reminders") >= 2, TimeSpan.FromSeconds(180));
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    [Test]
    public async Task The_demo_has_a_paid_an_overdue_and_an_open_month_and_a_credit_note_whose_pdfs_download()
    {
        var list = await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{DemoData.AcmeTenantId}/invoices"));
        var items = list.GetProperty("items");
        var byPeriod = items.EnumerateArray().Where(i => i.GetProperty("kind").GetString() == "invoice")
            .ToDictionary(i => i.GetProperty("period").GetString()!, i => i.GetProperty("status").GetString());

        // The clock reads 23 November 2026: August is paid, September overdue (due 31 October), October awaits payment.
        Assert.That(byPeriod, Is.EqualTo(new Dictionary<string, string?> { ["2026-08"] = "paid", ["2026-09"] = "overdue", ["2026-10"] = "issued" }));
        Assert.That(items.EnumerateArray().Count(i => i.GetProperty("kind").GetString() == "credit-note"), Is.EqualTo(1));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoice_reminders"), Is.EqualTo(4), "7 and 15 days overdue, for each demo tenant");

        foreach (var invoice in items.EnumerateArray())
        {
            var response = await staff.GetAsync($"/api/tenants/{DemoData.AcmeTenantId}/invoices/{invoice.GetProperty("id").GetGuid()}/pdf");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/pdf"));
            using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
            Assert.That(pdf.NumberOfPages, Is.GreaterThanOrEqualTo(1));
        }
    }

    /// <summary>Issue 12: the invoicing past reaches Seats (InvoiceIssued lines), so the usage report has euros, and the renewals are planned.</summary>
    [Test]
    public async Task The_demo_shows_a_usage_report_with_invoiced_costs_and_upcoming_renewals()
    {
        var seats = factory.Service<LicenceOps.Platform.Data.ModuleDatabase<LicenceOps.Seats.SeatsModule>>();
        await Eventually.UntilAsync(async () => await seats.QuerySingleOrDefaultAsync<long>(
            "SELECT COUNT(*) FROM invoiced_lines WHERE tenant_id = @tenant AND kind = 'credit-note'", new { tenant = DemoData.AcmeTenantId }) > 0,
            because: "Seats records what Billing invoiced, the credit note included");

        var report = await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{DemoData.AcmeTenantId}/reports/usage?from=2026-08&to=2026-11"));
        var months = report.GetProperty("months").EnumerateArray().ToList();
        Assert.That(months.Select(m => m.GetProperty("month").GetString()), Is.EqualTo(new[] { "2026-08", "2026-09", "2026-10", "2026-11" }));
        foreach (var month in months.Take(3))
        {
            Assert.That(month.GetProperty("totals").GetProperty("costEur").GetDecimal(), Is.GreaterThan(0m), month.GetProperty("month").GetString());
            Assert.That(month.GetProperty("totals").GetProperty("purchased").GetInt32(), Is.EqualTo(35), "20 ChatGPT + 5 Claude + 10 Copilot");
        }

        var renewals = await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{DemoData.AcmeTenantId}/renewals"));
        Assert.That(renewals.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("stage").GetString()), Is.EqualTo(new[] { "due_90", "due_90", "due_90" }),
            "the three Acme subscriptions renew on 1 January 2027");
        var pdf = await staff.GetAsync($"/api/tenants/{DemoData.AcmeTenantId}/reports/usage?format=pdf");
        Assert.That(pdf.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/pdf"));
    }

    [Test]
    public async Task Without_any_downloaded_rate_the_shipped_ecb_rate_prices_annual_copilot_by_the_month()
    {
        var october = await BillingWorld.InvoiceOfAsync(staff, DemoData.NordwindTenantId, "2026-10");

        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM exchange_rates"), Is.Zero, "nothing was ever downloaded or uploaded");
        var rate = october.GetProperty("exchangeRates")[0];
        Assert.That((rate.GetProperty("currency").GetString(), rate.GetProperty("unitsPerEuro").GetDecimal(), rate.GetProperty("rateDate").GetString()),
            Is.EqualTo(("USD", 1.1155m, "2024-09-26")));
        // 15 Copilot seats at 30 USD per user per month: 30 / 1.1155 × 1.15 = 30.9278 € a seat, 463.92 € for October.
        var copilot = october.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("productGroup").GetString() == "Microsoft");
        Assert.That((copilot.GetProperty("quantity").GetDecimal(), copilot.GetProperty("unitPriceExclVat").GetDecimal(), copilot.GetProperty("netAmount").GetDecimal()),
            Is.EqualTo((15m, 30.9278m, 463.92m)));
    }

    private static IEnumerable<TestCaseData> Mentions()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "billing-rounding.md"));
        var table = doc[doc.IndexOf("<!-- mentions:start -->", StringComparison.Ordinal)..doc.IndexOf("<!-- mentions:end -->", StringComparison.Ordinal)];
        foreach (Match row in MentionRow().Matches(table))
        {
            var (mention, printed, applies) = (row.Groups["mention"].Value.Trim(), row.Groups["printed"].Value, row.Groups["applies"].Value.Trim());
            if (applies is "all" or "invoice" or "credit-note" or "reverse-charge")
            {
                yield return new TestCaseData(printed, applies).SetName($"Prints {applies}: {mention}");
            }
        }
    }

    [TestCaseSource(nameof(Mentions))]
    public async Task Every_mandatory_mention_of_the_docs_is_on_the_pdf(string printed, string applies)
    {
        var documents = applies switch
        {
            "reverse-charge" => await PdfTextsAsync(DemoData.NordwindTenantId, "invoice"),
            "credit-note" => await PdfTextsAsync(DemoData.AcmeTenantId, "credit-note"),
            "invoice" => await PdfTextsAsync(DemoData.AcmeTenantId, "invoice"),
            _ => [.. await PdfTextsAsync(DemoData.AcmeTenantId, "invoice"), .. await PdfTextsAsync(DemoData.AcmeTenantId, "credit-note")],
        };

        Assert.That(documents, Is.Not.Empty);
        Assert.That(documents, Is.All.Contains(InvoiceRunTests.Squash(printed)));
    }

    private async Task<List<string>> PdfTextsAsync(Guid tenantId, string kind)
    {
        var list = await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{tenantId}/invoices"));
        var texts = new List<string>();
        foreach (var invoice in list.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("kind").GetString() == kind))
        {
            var bytes = await staff.GetByteArrayAsync($"/api/tenants/{tenantId}/invoices/{invoice.GetProperty("id").GetGuid()}/pdf");
            using var pdf = PdfDocument.Open(bytes);
            texts.Add(InvoiceRunTests.Squash(string.Join("\n", pdf.GetPages().Select(p => p.Text))));
        }

        return texts;
    }

    [GeneratedRegex(@"^\| (?<mention>[^|]+) \| `(?<printed>[^`]+)` \| (?<applies>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex MentionRow();
}
