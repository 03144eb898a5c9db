using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;
using UglyToad.PdfPig;

namespace LicenceOps.IntegrationTests.Billing;

/// <summary>
/// Golden invoices for October 2026 (31 days), computed from seat events, issued over HTTP, read back as JSON,
/// PDF and CSV. Exact cents; the arithmetic is in the comments.
/// </summary>
public sealed class InvoiceRunTests
{
    private static readonly DateOnly September1 = new(2026, 9, 1);
    private LicenceOpsFactory factory = null!;
    private BillingWorld world = null!;
    private HttpClient staff = null!;
    private Guid french, german, swiss, midMonth;
    private JsonElement firstRun;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        factory = new LicenceOpsFactory(BillingWorld.Settings());
        world = new BillingWorld(factory);
        staff = await factory.StaffClientAsync(Roles.StaffBilling);

        french = await world.TenantAsync("Client SA", "FR", "FR12987654321", "987654321");
        german = await world.TenantAsync("Kunde GmbH", "DE", "DE123456789", null);
        swiss = await world.TenantAsync("Kunde AG", "CH", "CHE-123.456.788 MWST", null);
        midMonth = await world.TenantAsync("Mouvements SARL", "FR", "FR40552100554", "552100554");
        foreach (var tenant in new[] { french, german, swiss })
        {
            // 10 committed, 10 assigned, 27.50 € fixed: 275.00 € excl. VAT.
            await world.SubscriptionAsync(tenant, "OpenAI", "ChatGPT Team", 10, 10, September1, 25m, "USD", false, 27.50m);
        }

        var chatGpt = await world.SubscriptionAsync(midMonth, "OpenAI", "ChatGPT Team", 10, 10, September1, 25m, "USD", false, 27.50m);
        await world.AssignAsync(midMonth, chatGpt, Guid.NewGuid(), new DateOnly(2026, 10, 17));
        var claude = await world.SubscriptionAsync(midMonth, "Anthropic", "Claude Team", 0, 0, September1, 30m, "EUR", false, 30m);
        var leaving = Guid.NewGuid();
        await world.AssignAsync(midMonth, claude, Guid.NewGuid(), September1);
        await world.AssignAsync(midMonth, claude, Guid.NewGuid(), September1);
        await world.AssignAsync(midMonth, claude, leaving, September1);
        await world.ReleaseAsync(midMonth, claude, leaving, new DateOnly(2026, 10, 9));

        firstRun = await BillingWorld.RunAsync(staff, "2026-10", issue: true);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    [Test]
    public void The_run_drafts_and_issues_one_invoice_per_tenant()
    {
        Assert.That(firstRun.GetProperty("drafted").GetInt32(), Is.EqualTo(4));
        Assert.That(firstRun.GetProperty("issued").GetInt32(), Is.EqualTo(4));
        Assert.That(firstRun.GetProperty("failures").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task French_client_pays_20_percent_vat()
    {
        var invoice = await BillingWorld.InvoiceOfAsync(staff, french, "2026-10");

        Assert.That(Totals(invoice), Is.EqualTo((275.00m, 55.00m, 330.00m)));
        Assert.That(invoice.GetProperty("vatBreakdown")[0].GetProperty("category").GetString(), Is.EqualTo("S"));
        Assert.That(invoice.GetProperty("status").GetString(), Is.EqualTo("issued"));
        Assert.That(invoice.GetProperty("number").GetString(), Does.Match(@"^F-2026-\d{6}$"));
        Assert.That(invoice.GetProperty("dueDate").GetString(), Is.EqualTo("2026-12-23"), "issued 23/11, 30 days");
    }

    [Test]
    public async Task German_client_with_vat_number_is_reverse_charged()
    {
        var invoice = await BillingWorld.InvoiceOfAsync(staff, german, "2026-10");

        Assert.That(Totals(invoice), Is.EqualTo((275.00m, 0.00m, 275.00m)));
        var vat = invoice.GetProperty("vatBreakdown")[0];
        Assert.That(vat.GetProperty("category").GetString(), Is.EqualTo("AE"));
        Assert.That(vat.GetProperty("exemptionReason").GetString(), Does.StartWith("Autoliquidation"));
    }

    [Test]
    public async Task Swiss_client_pays_no_french_vat_with_the_reason()
    {
        var invoice = await BillingWorld.InvoiceOfAsync(staff, swiss, "2026-10");

        Assert.That(Totals(invoice), Is.EqualTo((275.00m, 0.00m, 275.00m)));
        Assert.That(invoice.GetProperty("vatBreakdown")[0].GetProperty("exemptionReason").GetString(), Is.EqualTo("Autoliquidation - prestation hors champ de la TVA française, art. 259-1 du CGI"));
    }

    [Test]
    public async Task Seats_added_on_the_17th_and_released_on_the_9th_are_billed_by_the_day()
    {
        var invoice = await BillingWorld.InvoiceOfAsync(staff, midMonth, "2026-10");

        var lines = invoice.GetProperty("lines").EnumerateArray()
            .Select(l => (l.GetProperty("periodStart").GetString(), l.GetProperty("quantity").GetDecimal(), l.GetProperty("netAmount").GetDecimal()))
            .ToList();
        Assert.That(lines, Is.EqualTo(new[]
        {
            ("2026-10-01", 3m, 26.13m),   // Claude: 3 × 30 × 9/31 = 26.129
            ("2026-10-10", 2m, 42.58m),   // 2 × 30 × 22/31 = 42.581
            ("2026-10-01", 10m, 141.94m), // ChatGPT: 10 × 27.50 × 16/31 = 141.935
            ("2026-10-17", 11m, 146.37m), // 11 × 27.50 × 15/31 = 146.371
        }));
        Assert.That(Totals(invoice), Is.EqualTo((357.02m, 71.40m, 428.42m)), "VAT on the sum: 357.02 × 20 % = 71.404");
    }

    [Test]
    public async Task Issued_numbers_are_consecutive()
    {
        var numbers = new List<string>();
        foreach (var tenant in new[] { french, german, swiss, midMonth })
        {
            numbers.Add((await BillingWorld.InvoiceOfAsync(staff, tenant, "2026-10")).GetProperty("number").GetString()!);
        }

        Assert.That(numbers.Order(), Is.EqualTo(new[] { "F-2026-000001", "F-2026-000002", "F-2026-000003", "F-2026-000004" }));
    }

    [Test]
    public async Task Each_stored_pdf_is_what_the_stored_rows_print()
    {
        foreach (var tenant in new[] { french, german, swiss, midMonth })
        {
            var invoice = await BillingWorld.InvoiceOfAsync(staff, tenant, "2026-10");
            await AssertStoredPdfIsWhatItsRowsPrintAsync(factory, invoice.GetProperty("id").GetGuid());
        }
    }

    /// <summary>
    /// An invoice run prints each invoice from the rows its issuing transaction held, without reading them back (ADR 0064):
    /// the PDF it stored must be, byte for byte, what the stored rows render when read back now.
    /// </summary>
    internal static async Task AssertStoredPdfIsWhatItsRowsPrintAsync(LicenceOpsFactory factory, Guid invoiceId)
    {
        var db = factory.Service<LicenceOps.Platform.Data.ModuleDatabase<LicenceOps.Billing.BillingModule>>();
        var store = factory.Service<LicenceOps.Billing.Features.Invoices.InvoiceStore>();
        var row = await db.QuerySingleOrDefaultAsync<LicenceOps.Billing.Features.Invoices.InvoiceRow>(
            $"SELECT {LicenceOps.Billing.Features.Invoices.InvoiceRow.Columns} FROM invoices WHERE id = @invoiceId", new { invoiceId });
        Assert.That(row?.Number, Is.Not.Null, "issued");
        var printed = factory.Service<LicenceOps.Billing.Documents.IDocumentRenderer>().RenderInvoicePdf(
            LicenceOps.Billing.Features.Invoices.InvoiceDocumentMapper.Map(row!, await store.LinesAsync(invoiceId, CancellationToken.None),
                await store.RatesAsync(invoiceId, CancellationToken.None), await store.CreditedReferenceAsync(row!, CancellationToken.None)));
        var (sha, length) = await db.QuerySingleOrDefaultAsync<(string, long)>(
            "SELECT sha256, byte_length FROM invoice_documents WHERE invoice_id = @invoiceId", new { invoiceId });
        // Read where it is kept (the pack beside an embedded database, ADR 0099), with its hash checked.
        var stored = (await factory.Service<LicenceOps.Billing.Features.Invoices.InvoiceDocuments>().FindAsync(invoiceId, CancellationToken.None))!.Content;
        Assert.That(stored, Is.EqualTo(printed), $"the stored PDF of {row!.Number} is what its stored rows print");
        // The run renders into a pooled buffer longer than the PDF and stores it from there (feat/i16gc): its hash and length are
        // the stored bytes', not the buffer's.
        Assert.That(sha, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(printed))), $"the hash of {row.Number}");
        Assert.That(length, Is.EqualTo(printed.Length), $"the length of {row.Number}");
    }

    [Test]
    public async Task Re_running_the_month_changes_nothing()
    {
        var before = await world.InvoiceStateAsync();

        var again = await BillingWorld.RunAsync(staff, "2026-10", issue: true);

        Assert.That(again.GetProperty("drafted").GetInt32(), Is.Zero);
        Assert.That(again.GetProperty("issued").GetInt32(), Is.Zero);
        Assert.That(again.GetProperty("alreadyInvoiced").GetInt32(), Is.EqualTo(4));
        Assert.That(await world.InvoiceStateAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Issued_invoice_pdf_carries_mentions_lines_and_totals()
    {
        var invoice = await BillingWorld.InvoiceOfAsync(staff, midMonth, "2026-10");
        var client = await factory.ClientUserAsync(midMonth, Roles.ClientViewer);

        var response = await client.GetAsync($"/api/tenants/{midMonth}/invoices/{invoice.GetProperty("id").GetGuid()}/pdf");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/pdf"));
        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        var text = Squash(string.Join("\n", pdf.GetPages().Select(p => p.Text)));
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain(Squash(invoice.GetProperty("number").GetString()!)));
            Assert.That(text, Does.Contain("MouvementsSARL"));
            Assert.That(text, Does.Contain("552100554"));
            Assert.That(text, Does.Contain("LicenceOpsRevendeurSAS"));
            Assert.That(text, Does.Contain("123456782"));
            Assert.That(text, Does.Contain("FR7630006000011234567890189"));
            Assert.That(text, Does.Contain("prestationdeservices"));
            Assert.That(text, Does.Contain("40EUR"));
            Assert.That(text, Does.Contain("Pénalitésderetard"));
            Assert.That(text, Does.Contain("escompte").IgnoreCase);
            Assert.That(text, Does.Contain("146,37"));
            Assert.That(text, Does.Contain("26,13"));
            Assert.That(text, Does.Contain("357,02"));
            Assert.That(text, Does.Contain("71,40"));
            Assert.That(text, Does.Contain("428,42"));
            Assert.That(text, Does.Contain("23/12/2026"), "due date");
        });
    }

    [Test]
    public async Task Reverse_charge_pdf_states_autoliquidation()
    {
        var invoice = await BillingWorld.InvoiceOfAsync(staff, german, "2026-10");

        var bytes = await staff.GetByteArrayAsync($"/api/tenants/{german}/invoices/{invoice.GetProperty("id").GetGuid()}/pdf");

        using var pdf = PdfDocument.Open(bytes);
        var text = Squash(string.Join("\n", pdf.GetPages().Select(p => p.Text)));
        Assert.That(text, Does.Contain("Autoliquidation"));
        Assert.That(text, Does.Contain("DE123456789"));
        Assert.That(text, Does.Contain("275,00"));
    }

    [Test]
    public async Task Accountant_csv_lists_issued_invoices_and_their_lines()
    {
        var response = await staff.GetAsync("/api/billing/exports/invoices.csv?from=2026-11-01&to=2026-11-30");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        var rows = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(rows[0], Does.StartWith("number,kind,type_code,issue_date"));
        var invoiceRows = rows.Skip(1).Where(r => r.Contains(",invoice,380,", StringComparison.Ordinal)).ToList();
        Assert.That(invoiceRows, Has.Count.EqualTo(7), "1 line each for three tenants, 4 for the mid-month one");
        Assert.That(invoiceRows.Any(r => r.Contains("146.37", StringComparison.Ordinal) && r.Contains("357.02,71.40,428.42,EUR", StringComparison.Ordinal)), Is.True);

        var empty = await staff.GetStringAsync("/api/billing/exports/invoices.csv?from=2025-01-01&to=2025-01-31");
        Assert.That(empty.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), "header only");
    }

    internal static (decimal, decimal, decimal) Totals(JsonElement invoice) =>
        (invoice.GetProperty("totalExclVat").GetDecimal(), invoice.GetProperty("totalVat").GetDecimal(), invoice.GetProperty("totalInclVat").GetDecimal());

    internal static string Squash(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Where(c => !char.IsWhiteSpace(c) && c != '\u00A0' && c != '\u202F'))
        {
            builder.Append(c);
        }

        return builder.ToString();
    }
}
