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
        // Purchased on each month's last day: 20 ChatGPT + 10 Copilot + Claude's max(2 committed, seats held): Sophie, Hugo
        // and Chloé on 31 August; Hugo's seat ended on 15 September.
        var purchased = new[] { 33, 32, 32 };
        foreach (var (month, index) in months.Take(3).Select((m, i) => (m, i)))
        {
            Assert.That(month.GetProperty("totals").GetProperty("costEur").GetDecimal(), Is.GreaterThan(0m), month.GetProperty("month").GetString());
            Assert.That(month.GetProperty("totals").GetProperty("purchased").GetInt32(), Is.EqualTo(purchased[index]), month.GetProperty("month").GetString());
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
            Is.EqualTo(("USD", 1.1252m, "2025-05-09")));
        // 15 Copilot seats at 30 USD per user per month: 30 / 1.1252 × 1.15 = 30.6612 € a seat, 459.92 € for October.
        var copilot = october.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("productGroup").GetString() == "Microsoft");
        Assert.That((copilot.GetProperty("quantity").GetDecimal(), copilot.GetProperty("unitPriceExclVat").GetDecimal(), copilot.GetProperty("netAmount").GetDecimal()),
            Is.EqualTo((15m, 30.6612m, 459.92m)));
    }

    /// <summary>
    /// Issue 8: the demo months are billed from the backdated demo seats (seat-days), not from committed quantities:
    /// every day of every Claude line of August and September is billed at the larger of Acme's commitment (2) and the
    /// seats the seat list shows held that day, and each line's amount is that quantity pro rata of its days.
    /// </summary>
    [Test]
    public async Task The_demo_months_are_billed_from_the_seats_shown_with_their_past_dates()
    {
        var seats = await BillingWorld.JsonAsync(await staff.GetAsync(
            $"/api/tenants/{DemoData.AcmeTenantId}/seats?subscriptionId={ClaudePremium}&limit=100"));
        var held = seats.GetProperty("items").EnumerateArray()
            .Select(s => (From: DateOnly.Parse(s.GetProperty("assignedOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                To: s.GetProperty("releasedOn").ValueKind == System.Text.Json.JsonValueKind.Null
                    ? DateOnly.MaxValue
                    : DateOnly.Parse(s.GetProperty("releasedOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.That(held.Count(s => s.From < new DateOnly(2026, 11, 1)), Is.EqualTo(3), "Sophie since January, Hugo February to mid-September, Chloé since mid-August");
        int SeatsOn(DateOnly day) => held.Count(s => s.From <= day && day <= s.To);

        foreach (var (period, days) in new[] { ("2026-08", 31), ("2026-09", 30) })
        {
            var invoice = await BillingWorld.InvoiceOfAsync(staff, DemoData.AcmeTenantId, period);
            var claude = invoice.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("productGroup").GetString() == "Anthropic").ToList();
            Assert.That(claude, Has.Count.EqualTo(2), $"{period}: the month splits where a seat came or went");
            Assert.That(claude.Select(l => l.GetProperty("quantity").GetDecimal()).Distinct().Count(), Is.EqualTo(2), period);
            var billedDays = 0;
            foreach (var line in claude)
            {
                var start = DateOnly.Parse(line.GetProperty("periodStart").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                var end = DateOnly.Parse(line.GetProperty("periodEnd").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                var quantity = line.GetProperty("quantity").GetDecimal();
                for (var day = start; day <= end; day = day.AddDays(1))
                {
                    Assert.That(quantity, Is.EqualTo(Math.Max(2, SeatsOn(day))), $"{period} {day}");
                }

                var lineDays = end.DayNumber - start.DayNumber + 1;
                billedDays += lineDays;
                Assert.That(line.GetProperty("netAmount").GetDecimal(),
                    Is.EqualTo(Math.Round(quantity * line.GetProperty("unitPriceExclVat").GetDecimal() * lineDays / days, 2, MidpointRounding.AwayFromZero)));
            }

            Assert.That(billedDays, Is.EqualTo(days), $"{period}: every day billed once");
        }
    }

    private static readonly Guid ClaudePremium = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F5A02");

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
