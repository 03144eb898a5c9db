using System.Net;
using System.Net.Http.Json;
using LicenceOps.IntegrationTests.Billing;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Seats;

namespace LicenceOps.IntegrationTests.EndToEnd;

/// <summary>
/// Seats dated in the past after their month was invoiced: Seats records the dates, Billing regularises the invoiced
/// month on the next invoice as its own line, once. Business dates follow the Paris calendar, not UTC.
/// </summary>
public sealed class DatedSeatsAndRegularisationTests
{
    [Test]
    public async Task A_seat_dated_in_an_invoiced_month_is_regularised_once_on_the_next_invoice()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var world = new BillingWorld(factory);
        using var staff = await factory.StaffClientAsync();
        var tenantId = await world.TenantAsync("Reprise SAS", "FR", "FR11123456782", "123456782");
        var subscription = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 1, policy: "allow", salePrice: 27.50m)).Id();
        await Eventually.UntilAsync(async () => await world.CountAsync(
            "SELECT COUNT(*) FROM subscription_terms WHERE subscription_id = @subscription", new { subscription }) == 1, TimeSpan.FromSeconds(60));

        // October is invoiced on 23 November: 1 committed seat × 27.50 €.
        await BillingWorld.RunAsync(staff, "2026-10", issue: true);
        var october = await BillingWorld.InvoiceOfAsync(staff, tenantId, "2026-10");
        Assert.That(InvoiceRunTests.Totals(october).Item1, Is.EqualTo(27.50m));
        factory.Clock.Advance(TimeSpan.FromMinutes(5));

        // Taking over the client's estate: two people have held seats since 15 October.
        var people = new[] { await SeatsKit.PersonJoinsAsync(factory, tenantId), await SeatsKit.PersonJoinsAsync(factory, tenantId) };
        foreach (var person in people)
        {
            var dated = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats", new { subscriptionId = subscription, personId = person, effectiveDate = "2026-10-15" });
            Assert.That(dated.StatusCode, Is.EqualTo(HttpStatusCode.Created), await dated.Content.ReadAsStringAsync());
            Assert.That((await SeatsKit.BodyAsync(dated)).Str("assignedOn"), Is.EqualTo("2026-10-15"));
        }

        var third = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        var beforeTerm = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats", new { subscriptionId = subscription, personId = third, effectiveDate = "2025-12-31" });
        var future = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats", new { subscriptionId = subscription, personId = third, effectiveDate = "2026-11-24" });
        Assert.That((beforeTerm.StatusCode, future.StatusCode), Is.EqualTo((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest)));
        Assert.That(await beforeTerm.Content.ReadAsStringAsync(), Does.Contain("term start"));

        // 00:30 in Paris on 1 December is still 30 November in UTC: the seat starts on 1 December.
        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 23, 30, 0, TimeSpan.Zero));
        var midnight = await SeatsKit.AssignAsync(staff, tenantId, subscription, third);
        Assert.That(midnight.Str("assignedOn"), Is.EqualTo("2026-12-01"));

        await Eventually.UntilAsync(async () => await world.CountAsync(
            "SELECT COUNT(*) FROM seat_changes WHERE subscription_id = @subscription", new { subscription }) == 3, TimeSpan.FromSeconds(60));
        await BillingWorld.RunAsync(staff, "2026-11", issue: true);
        await BillingWorld.RunAsync(staff, "2026-11", issue: true);

        var november = await BillingWorld.InvoiceOfAsync(staff, tenantId, "2026-11");
        var lines = november.GetProperty("lines").EnumerateArray().ToList();
        var regularisation = lines.Single(l => l.GetProperty("description").GetString()!.StartsWith("Régularisation 10/2026", StringComparison.Ordinal));
        // October owed one more seat from the 15th: 27.50 × 17/31 = 15.08, billed once, dated October.
        Assert.That((regularisation.GetProperty("netAmount").GetDecimal(), regularisation.GetProperty("periodStart").GetString(), regularisation.GetProperty("unit").GetString()),
            Is.EqualTo((15.08m, "2026-10-01", "forfait")));
        // November: two seats all month (the third starts in December) = 55.00, plus the regularisation.
        Assert.That(InvoiceRunTests.Totals(november).Item1, Is.EqualTo(55.00m + 15.08m));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoices WHERE tenant_id = @tenantId AND kind = 'invoice'", new { tenantId }), Is.EqualTo(2));
    }

    [Test]
    public async Task A_month_whose_regularisation_exceeds_its_charges_issues_a_credit_note_on_the_corrected_invoice_never_a_negative_invoice()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var world = new BillingWorld(factory);
        using var staff = await factory.StaffClientAsync();
        var tenantId = await world.TenantAsync("Baisse SAS", "FR", "FR11123456782", "123456782");
        var subscription = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 5, policy: "allow", salePrice: 27.50m)).Id();
        await Eventually.UntilAsync(async () => await world.CountAsync(
            "SELECT COUNT(*) FROM subscription_terms WHERE subscription_id = @subscription", new { subscription }) == 1, TimeSpan.FromSeconds(60));

        // October is invoiced: 5 seats × 27.50 € = 137.50 €.
        await BillingWorld.RunAsync(staff, "2026-10", issue: true);
        var october = await BillingWorld.InvoiceOfAsync(staff, tenantId, "2026-10");
        Assert.That(InvoiceRunTests.Totals(october).Item1, Is.EqualTo(137.50m));
        factory.Clock.Advance(TimeSpan.FromMinutes(5));

        // A price renegotiated to 5.00 € from 1 October is recorded late: October owes 112.50 € back, November only 25.00 €.
        var repriced = await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{subscription}/price",
            new { salePricePerSeatEur = 5.00m, effectiveDate = "2026-10-01", reason = "renégocié" });
        Assert.That(repriced.StatusCode, Is.EqualTo(HttpStatusCode.OK), await repriced.Content.ReadAsStringAsync());
        await Eventually.UntilAsync(async () => await world.CountAsync(
            "SELECT COUNT(*) FROM subscription_terms WHERE subscription_id = @subscription", new { subscription }) == 2, TimeSpan.FromSeconds(60));

        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        await BillingWorld.RunAsync(staff, "2026-11", issue: true);
        await BillingWorld.RunAsync(staff, "2026-11", issue: true);

        var november = await BillingWorld.InvoiceOfAsync(staff, tenantId, "2026-11");
        Assert.That(InvoiceRunTests.Totals(november).Item1, Is.EqualTo(25.00m), "the invoice keeps the month's charges only");
        Assert.That(november.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("netAmount").GetDecimal()), Is.All.GreaterThan(0m));

        var list = await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{tenantId}/invoices"));
        var creditNotes = list.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("kind").GetString() == "credit-note").ToList();
        Assert.That(creditNotes, Has.Count.EqualTo(1), "a re-run finds the credit note it drafted");
        var credit = await BillingWorld.JsonAsync(await staff.GetAsync($"/api/tenants/{tenantId}/invoices/{creditNotes[0].GetProperty("id").GetGuid()}"));
        Assert.That(credit.GetProperty("number").GetString(), Does.StartWith("AV-"));
        Assert.That(credit.GetProperty("creditedInvoiceNumber").GetString(), Is.EqualTo(october.GetProperty("number").GetString()));
        Assert.That(InvoiceRunTests.Totals(credit).Item1, Is.EqualTo(112.50m));
        Assert.That(credit.GetProperty("lines").EnumerateArray().Single().GetProperty("description").GetString(), Does.StartWith("Régularisation 10/2026"));
        var pdf = await staff.GetByteArrayAsync($"/api/tenants/{tenantId}/invoices/{creditNotes[0].GetProperty("id").GetGuid()}/pdf");
        using (var document = UglyToad.PdfPig.PdfDocument.Open(pdf))
        {
            var text = InvoiceRunTests.Squash(string.Join("\n", document.GetPages().Select(p => p.Text)));
            Assert.That(text, Does.Contain(InvoiceRunTests.Squash("Avoir se rapportant à la facture n° " + october.GetProperty("number").GetString())));
        }

        // December: the credit counts as settled, so nothing of October is regularised again.
        factory.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.Zero));
        await BillingWorld.RunAsync(staff, "2026-12", issue: false);
        var december = await BillingWorld.InvoiceOfAsync(staff, tenantId, "2026-12");
        Assert.That(InvoiceRunTests.Totals(december).Item1, Is.EqualTo(25.00m));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoices WHERE tenant_id = @tenantId AND total_excl_vat < 0", new { tenantId }), Is.Zero);
    }
}
