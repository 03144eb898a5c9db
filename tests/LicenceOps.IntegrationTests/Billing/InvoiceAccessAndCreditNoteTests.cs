using System.Net;
using System.Net.Http.Json;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;
using Microsoft.Data.Sqlite;

namespace LicenceOps.IntegrationTests.Billing;

/// <summary>Tenant isolation, staff-only operations, validation that changes nothing, credit notes, immutability.</summary>
public sealed class InvoiceAccessAndCreditNoteTests
{
    private LicenceOpsFactory factory = null!;
    private BillingWorld world = null!;
    private HttpClient staff = null!;
    private Guid tenantA, tenantB, issuedA, draftB;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        factory = new LicenceOpsFactory(BillingWorld.Settings());
        world = new BillingWorld(factory);
        staff = await factory.StaffClientAsync(Roles.StaffBilling);
        tenantA = await world.TenantAsync("Alpha SAS", "FR", "FR12987654321", "987654321");
        tenantB = await world.TenantAsync("Beta SAS", "FR", "FR40552100554", "552100554");
        var start = new DateOnly(2026, 9, 1);
        // A: two subscriptions → 2 lines (275.00 + 90.00 = 365.00, VAT 73.00). B: one line, left as draft.
        await world.SubscriptionAsync(tenantA, "OpenAI", "ChatGPT Team", 10, 10, start, 25m, "USD", false, 27.50m);
        await world.SubscriptionAsync(tenantA, "Anthropic", "Claude Team", 3, 0, start, 30m, "EUR", false, 30m);
        await world.SubscriptionAsync(tenantB, "OpenAI", "ChatGPT Team", 2, 2, start, 25m, "USD", false, 27.50m);
        await BillingWorld.RunAsync(staff, "2026-10", issue: false);
        issuedA = (await BillingWorld.InvoiceOfAsync(staff, tenantA, "2026-10")).GetProperty("id").GetGuid();
        draftB = (await BillingWorld.InvoiceOfAsync(staff, tenantB, "2026-10")).GetProperty("id").GetGuid();
        await BillingWorld.JsonAsync(await staff.PostAsync($"/api/tenants/{tenantA}/invoices/{issuedA}/issue", null));
    }

    [Test]
    public async Task An_issued_pdf_is_stored_at_issue_and_served_as_stored_with_its_hash_as_etag()
    {
        var db = factory.Service<LicenceOps.Platform.Data.ModuleDatabase<LicenceOps.Billing.BillingModule>>();
        var stored = await db.QueryAsync<string>("SELECT sha256 FROM invoice_documents WHERE invoice_id = @issuedA", new { issuedA });
        Assert.That(stored, Has.Count.EqualTo(1), "rendered and stored when issued, before any download");
        Assert.That(await db.QueryAsync<long>("SELECT COUNT(*) FROM invoice_documents WHERE invoice_id = @draftB", new { draftB }), Is.EqualTo(new[] { 0L }),
            "a draft has no document");

        using var clientA = await factory.ClientUserAsync(tenantA, Roles.ClientViewer);
        var url = $"/api/tenants/{tenantA}/invoices/{issuedA}/pdf";
        var first = await clientA.GetAsync(url);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var bytes = await first.Content.ReadAsByteArrayAsync();
        Assert.That(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), Is.EqualTo(stored[0]), "the stored bytes are served");
        Assert.That(first.Headers.ETag?.Tag, Is.EqualTo($"\"{stored[0]}\""));
        Assert.That(first.Headers.ETag!.IsWeak, Is.False);

        Assert.That(await (await clientA.GetAsync(url)).Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes), "the same bytes every time");

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, url);
        revalidate.Headers.IfNoneMatch.Add(first.Headers.ETag);
        var notModified = await clientA.SendAsync(revalidate);
        Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(await notModified.Content.ReadAsByteArrayAsync(), Is.Empty);

        using var stale = new HttpRequestMessage(HttpMethod.Get, url);
        stale.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"0123\""));
        Assert.That((await clientA.SendAsync(stale)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // Another tenant's client learns nothing, not even through a matching ETag.
        using var clientB = await factory.ClientUserAsync(tenantB, Roles.ClientAdmin);
        using var probe = new HttpRequestMessage(HttpMethod.Get, url);
        probe.Headers.IfNoneMatch.Add(first.Headers.ETag);
        Assert.That((await clientB.SendAsync(probe)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    [Test]
    public async Task A_client_sees_its_own_issued_invoices_only()
    {
        using var clientA = await factory.ClientUserAsync(tenantA, Roles.ClientViewer);
        using var clientB = await factory.ClientUserAsync(tenantB, Roles.ClientAdmin);

        var own = await BillingWorld.JsonAsync(await clientA.GetAsync($"/api/tenants/{tenantA}/invoices"));
        Assert.That(own.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()), Does.Contain(issuedA));
        Assert.That((await clientA.GetAsync($"/api/tenants/{tenantA}/invoices/{issuedA}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await clientA.GetAsync($"/api/tenants/{tenantA}/invoices/{issuedA}/pdf")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await clientA.GetAsync($"/api/tenants/{tenantA}/invoices/{issuedA}/factur-x.xml")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        foreach (var url in new[]
                 {
                     $"/api/tenants/{tenantA}/invoices", $"/api/tenants/{tenantA}/invoices/{issuedA}", $"/api/tenants/{tenantA}/invoices/{issuedA}/pdf",
                     $"/api/tenants/{tenantB}/invoices/{issuedA}", $"/api/tenants/{tenantA}/invoices/{issuedA}/factur-x.xml",
                     $"/api/tenants/{tenantB}/invoices/{issuedA}/factur-x.xml", $"/api/tenants/{tenantB}/invoices/{draftB}/factur-x.xml",
                 })
        {
            var response = await clientB.GetAsync(url);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), url);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), url);
        }

        var draftsHidden = await BillingWorld.JsonAsync(await clientB.GetAsync($"/api/tenants/{tenantB}/invoices"));
        Assert.That(draftsHidden.GetProperty("items").GetArrayLength(), Is.Zero, "a draft is not an invoice yet for the client");
        Assert.That(draftsHidden.GetProperty("total").GetInt64(), Is.Zero, "the total counts only what the client may see");
        Assert.That((await clientB.GetAsync($"/api/tenants/{tenantB}/invoices/{draftB}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Clients_and_non_billing_staff_cannot_issue_credit_run_or_export()
    {
        var before = await world.InvoiceStateAsync();
        using var clientB = await factory.ClientUserAsync(tenantB, Roles.ClientAdmin);
        using var agent = await factory.StaffClientAsync(Roles.StaffAgent);

        foreach (var caller in new[] { clientB, agent })
        {
            Assert.That((await caller.PostAsync($"/api/tenants/{tenantB}/invoices/{draftB}/issue", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await caller.PostAsJsonAsync($"/api/tenants/{tenantA}/invoices/{issuedA}/credit-notes", new { reason = "x" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await caller.PostAsJsonAsync("/api/billing/runs", new { period = "2026-09", issue = true })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await caller.GetAsync("/api/billing/exports/invoices.csv?from=2026-01-01&to=2026-12-31")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await caller.PostAsync("/api/billing/exchange-rates/fetch", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }

        Assert.That((await clientB.GetAsync("/api/billing/audit")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await world.InvoiceStateAsync(), Is.EqualTo(before));
    }

    [TestCase("{\"period\":\"2026-13\"}", "period")]
    [TestCase("{\"period\":\"october\"}", "period")]
    [TestCase("{}", "period")]
    [TestCase("{\"period\":\"2026-11\"}", "period")]
    [TestCase("{\"period\":\"2027-01\"}", "period")]
    public async Task Bad_run_requests_are_400_and_change_nothing(string body, string field)
    {
        var before = await world.InvoiceStateAsync();

        var response = await staff.PostAsync("/api/billing/runs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"\"{field}\""));
        Assert.That(await world.InvoiceStateAsync(), Is.EqualTo(before));
    }

    [TestCase("from=2026-13-01&to=2026-12-31")]
    [TestCase("to=2026-12-31")]
    [TestCase("from=2026-12-31&to=2026-01-01")]
    public async Task Bad_export_ranges_are_400(string query)
    {
        var response = await staff.GetAsync($"/api/billing/exports/invoices.csv?{query}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Issuing_twice_or_unknown_invoices_is_refused_without_burning_a_number()
    {
        var before = await world.InvoiceStateAsync();

        var again = await staff.PostAsync($"/api/tenants/{tenantA}/invoices/{issuedA}/issue", null);
        var wrongTenant = await staff.PostAsync($"/api/tenants/{tenantB}/invoices/{issuedA}/issue", null);
        var unknown = await staff.PostAsync($"/api/tenants/{tenantA}/invoices/{Guid.NewGuid()}/issue", null);
        var draftPdf = await staff.GetAsync($"/api/tenants/{tenantB}/invoices/{draftB}/pdf");
        var draftXml = await staff.GetAsync($"/api/tenants/{tenantB}/invoices/{draftB}/factur-x.xml");

        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(wrongTenant.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(draftPdf.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(draftXml.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await world.InvoiceStateAsync(), Is.EqualTo(before));
    }

    [TestCase("{\"lines\":[{\"lineNumber\":1}]}", "reason")]
    [TestCase("{\"reason\":\"x\",\"lines\":[{\"lineNumber\":9}]}", "lines[0].lineNumber")]
    [TestCase("{\"reason\":\"x\",\"lines\":[{\"lineNumber\":1,\"amount\":-5}]}", "lines[0].amount")]
    [TestCase("{\"reason\":\"x\",\"lines\":[{\"lineNumber\":1,\"amount\":0.001}]}", "lines[0].amount")]
    [TestCase("{\"reason\":\"x\",\"lines\":[{\"lineNumber\":1,\"amount\":9999}]}", "lines[0].amount")]
    [TestCase("{\"reason\":\"x\",\"lines\":[{\"lineNumber\":1},{\"lineNumber\":1}]}", "lines")]
    public async Task Bad_credit_notes_are_400_and_change_nothing(string body, string field)
    {
        var before = await world.InvoiceStateAsync();

        var response = await staff.PostAsync($"/api/tenants/{tenantA}/invoices/{issuedA}/credit-notes",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"\"{field}\""));
        Assert.That(await world.InvoiceStateAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Drafts_and_other_tenants_invoices_cannot_be_credited()
    {
        var before = await world.InvoiceStateAsync();

        var draft = await staff.PostAsJsonAsync($"/api/tenants/{tenantB}/invoices/{draftB}/credit-notes", new { reason = "erreur" });
        var crossTenant = await staff.PostAsJsonAsync($"/api/tenants/{tenantB}/invoices/{issuedA}/credit-notes", new { reason = "erreur" });

        Assert.That(draft.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(crossTenant.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await world.InvoiceStateAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Partial_then_full_credit_notes_reference_the_original_which_never_changes()
    {
        var original = await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{tenantA}/invoices/{issuedA}"));
        var originalJson = original.GetRawText();

        // Line 1 is Claude (Anthropic sorts first): 3 × 30.00 = 90.00. Credit 40.00 of it.
        var partial = await BillingWorld.JsonAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantA}/invoices/{issuedA}/credit-notes",
            new { reason = "Siège facturé à tort", lines = new[] { new { lineNumber = 1, amount = 40.00m } } }));
        Assert.That(partial.GetProperty("number").GetString(), Is.EqualTo("AV-2026-000001"));
        Assert.That(partial.GetProperty("typeCode").GetString(), Is.EqualTo("381"));
        Assert.That(InvoiceRunTests.Totals(partial), Is.EqualTo((40.00m, 8.00m, 48.00m)));

        // The rest: 50.00 left on line 1 and 275.00 on line 2.
        var rest = await BillingWorld.JsonAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantA}/invoices/{issuedA}/credit-notes", new { reason = "Résiliation" }));
        Assert.That(rest.GetProperty("number").GetString(), Is.EqualTo("AV-2026-000002"));
        Assert.That(InvoiceRunTests.Totals(rest), Is.EqualTo((325.00m, 65.00m, 390.00m)));

        var nothingLeft = await staff.PostAsJsonAsync($"/api/tenants/{tenantA}/invoices/{issuedA}/credit-notes", new { reason = "encore" });
        Assert.That(nothingLeft.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        var creditNote = await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{tenantA}/invoices/{partial.GetProperty("id").GetGuid()}"));
        Assert.That(creditNote.GetProperty("creditedInvoiceNumber").GetString(), Is.EqualTo(original.GetProperty("number").GetString()));
        var originalAfter = await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{tenantA}/invoices/{issuedA}"));
        Assert.That(originalAfter.GetRawText(), Is.EqualTo(originalJson), "the original invoice is untouched");

        var pdf = await staff.GetByteArrayAsync($"/api/tenants/{tenantA}/invoices/{partial.GetProperty("id").GetGuid()}/pdf");
        using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
        var text = InvoiceRunTests.Squash(string.Join("\n", document.GetPages().Select(p => p.Text)));
        Assert.That(text, Does.Contain("AV-2026-000001"));
        Assert.That(text, Does.Contain(InvoiceRunTests.Squash(original.GetProperty("number").GetString()!)));
        Assert.That(text, Does.Contain("48,00"));
    }

    [Test]
    public async Task No_sql_path_can_alter_an_issued_invoice()
    {
        await using var connection = await world.Database.OpenAsync();
        var id = issuedA.ToString("D").ToUpperInvariant();

        Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync("UPDATE invoices SET total_incl_vat = '1.00' WHERE id = @id", new { id }));
        Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync("UPDATE invoice_lines SET net_amount = '1.00' WHERE invoice_id = @id", new { id }));
        Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync("DELETE FROM invoice_lines WHERE invoice_id = @id", new { id }));
        Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync("DELETE FROM invoices WHERE id = @id", new { id }));
        Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync(
            "INSERT INTO invoice_lines (invoice_id, line_number, product_group, description, period_start, period_end, quantity, unit, unit_price_excl_vat, vat_category, vat_rate, net_amount) VALUES (@id, 99, 'x', 'x', '2026-10-01', '2026-10-31', '1', 'x', '1', 'S', '20', '1')",
            new { id }));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoice_lines WHERE invoice_id = @id", new { id }), Is.EqualTo(2));
    }
}
