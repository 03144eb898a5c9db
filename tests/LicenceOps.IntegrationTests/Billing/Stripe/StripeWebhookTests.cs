using System.Net;
using System.Net.Http.Json;
using System.Text;
using LicenceOps.Billing;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Payments;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;

namespace LicenceOps.IntegrationTests.Billing.Stripe;

/// <summary>The webhook in the real host: anonymous, signature checked on the host clock, real payment ledger.</summary>
public sealed class StripeWebhookTests
{
    private const string Secret = "whsec_licenceops_test";

    private LicenceOpsFactory factory = null!;
    private HttpClient http = null!;

    [OneTimeSetUp]
    public void StartHost()
    {
        factory = new LicenceOpsFactory(BillingWorld.Settings(new Dictionary<string, string?> { ["Billing:Stripe:WebhookSecret"] = Secret }));
        http = factory.AnonymousClient();
    }

    [OneTimeTearDown]
    public void StopHost()
    {
        http.Dispose();
        factory.Dispose();
    }

    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    private ModuleDatabase<BillingModule> Db => factory.Service<ModuleDatabase<BillingModule>>();

    [Test]
    public async Task A_signed_succeeded_event_marks_the_invoice_paid()
    {
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 10, eurPerSeat: 30m);
        var body = StripeSignatures.PaymentIntentEvent("evt_paid", "payment_intent.succeeded", invoice.Id, Cents(invoice), Now);

        var response = await PostAsync(body, StripeSignatures.Header(body, Secret, Now));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var paid = await IssuedInvoices.FindAsync(factory, invoice.TenantId);
        Assert.Multiple(() =>
        {
            Assert.That(invoice.TotalInclVat, Is.EqualTo(360.00m), "10 seats × 30 € + 20 % VAT");
            Assert.That(paid.Status, Is.EqualTo(InvoiceStatuses.Paid));
            Assert.That(paid.AmountPaid, Is.EqualTo(360.00m));
            Assert.That(paid.PaymentIntentId, Is.EqualTo("pi_evt_paid"));
            Assert.That(paid.PaidAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(Now.ToUnixTimeSeconds())));
        });
    }

    [Test]
    public async Task A_wrong_amount_is_a_partial_payment_for_review_and_the_rest_completes_it()
    {
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 10, eurPerSeat: 30m);
        var partial = StripeSignatures.PaymentIntentEvent("evt_partial", "payment_intent.succeeded", invoice.Id, 10_000, Now);

        var response = await PostAsync(partial, StripeSignatures.Header(partial, Secret, Now));

        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("partial-payment-for-review"));
        Assert.That((await IssuedInvoices.FindAsync(factory, invoice.TenantId)).Status, Is.EqualTo(InvoiceStatuses.Issued));
        Assert.That(await Db.QueryAsync<string>("SELECT outcome || '/' || review_status FROM invoice_payments WHERE invoice_id = @Id", new { invoice.Id }),
            Is.EqualTo(new[] { "partial/open" }));
        Assert.That(await Db.QueryAsync<decimal>("SELECT amount FROM invoice_payments WHERE invoice_id = @Id", new { invoice.Id }), Is.EqualTo(new[] { 100.00m }));

        var rest = StripeSignatures.PaymentIntentEvent("evt_rest", "payment_intent.succeeded", invoice.Id, Cents(invoice) - 10_000, Now);
        await PostAsync(rest, StripeSignatures.Header(rest, Secret, Now));

        var paid = await IssuedInvoices.FindAsync(factory, invoice.TenantId);
        Assert.That((paid.Status, paid.AmountPaid), Is.EqualTo((InvoiceStatuses.Paid, 360.00m)));
        Assert.That(await Db.QueryAsync<string>("SELECT review_status FROM invoice_payments WHERE invoice_id = @Id", new { invoice.Id }), Is.All.EqualTo("none"));
    }

    [Test]
    public async Task A_payment_in_another_currency_never_marks_the_invoice_paid()
    {
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 10, eurPerSeat: 30m);
        // The full figure, but in dollars: 360 USD is not 360 EUR.
        var usd = StripeSignatures.PaymentIntentEvent("evt_usd", "payment_intent.succeeded", invoice.Id, Cents(invoice), Now, currency: "usd");
        var tooMuch = StripeSignatures.PaymentIntentEvent("evt_too_much", "payment_intent.succeeded", invoice.Id, Cents(invoice) + 1, Now);

        var usdResponse = await PostAsync(usd, StripeSignatures.Header(usd, Secret, Now));
        var tooMuchResponse = await PostAsync(tooMuch, StripeSignatures.Header(tooMuch, Secret, Now));

        Assert.That(await usdResponse.Content.ReadAsStringAsync(), Does.Contain("mismatched-payment-for-review"));
        Assert.That(await tooMuchResponse.Content.ReadAsStringAsync(), Does.Contain("mismatched-payment-for-review"));
        var unpaid = await IssuedInvoices.FindAsync(factory, invoice.TenantId);
        Assert.That((unpaid.Status, unpaid.AmountPaid), Is.EqualTo((InvoiceStatuses.Issued, (decimal?)null)));
        Assert.That(await Db.QueryAsync<string>("SELECT currency || '/' || outcome FROM invoice_payments WHERE invoice_id = @Id ORDER BY currency", new { invoice.Id }),
            Is.EqualTo(new[] { "EUR/mismatched", "USD/mismatched" }));

        var staff = await factory.StaffClientAsync(LicenceOps.Platform.Security.Roles.StaffBilling);
        var review = (await BillingWorld.JsonAsync(await staff.GetAsync("/api/billing/payments/review?limit=200"))).GetProperty("items");
        Assert.That(review.EnumerateArray().Count(p => p.GetProperty("invoiceId").GetGuid() == invoice.Id), Is.EqualTo(2));
    }

    [Test]
    public async Task A_signed_failed_event_records_the_failure_and_leaves_the_invoice_unpaid()
    {
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 2, eurPerSeat: 25m);
        var body = StripeSignatures.PaymentIntentEvent(
            "evt_failed", "payment_intent.payment_failed", invoice.Id, Cents(invoice), Now, failure: "Solde insuffisant");

        var response = await PostAsync(body, StripeSignatures.Header(body, Secret, Now));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await IssuedInvoices.FindAsync(factory, invoice.TenantId)).Status, Is.EqualTo(InvoiceStatuses.Issued));
        Assert.That(await Db.QueryAsync<string>("SELECT reason FROM invoice_payment_failures WHERE invoice_id = @Id", new { invoice.Id }),
            Is.EqualTo(new[] { "Solde insuffisant" }));
    }

    [Test]
    public async Task A_replayed_event_is_acknowledged_but_applied_once()
    {
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 3, eurPerSeat: 20m);
        var body = StripeSignatures.PaymentIntentEvent("evt_replayed", "payment_intent.succeeded", invoice.Id, Cents(invoice), Now);
        var header = StripeSignatures.Header(body, Secret, Now);

        var first = await PostAsync(body, header);
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        var replay = await PostAsync(body, header);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Stripe stops redelivering only on 2xx");
        Assert.That((await replay.Content.ReadFromJsonAsync<StripeWebhook.WebhookReceipt>())!.Outcome, Is.EqualTo("duplicate-ignored"));
        Assert.That(await Db.QueryAsync<string>("SELECT event_id FROM stripe_events WHERE event_id = 'evt_replayed'"), Has.Count.EqualTo(1));
        Assert.That(await Db.QueryAsync<string>(
            "SELECT action FROM audit_log WHERE entity_id = @Id AND action = 'paid'", new { invoice.Id }), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_signature_made_with_another_secret_is_rejected_and_changes_nothing()
    {
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 1, eurPerSeat: 40m);
        var body = StripeSignatures.PaymentIntentEvent("evt_forged", "payment_intent.succeeded", invoice.Id, Cents(invoice), Now);

        var response = await PostAsync(body, StripeSignatures.Header(body, "whsec_attacker", Now));

        await AssertRejectedAsync(response, "signature", invoice, "evt_forged");
    }

    [Test]
    public async Task A_body_changed_after_signing_is_rejected()
    {
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 1, eurPerSeat: 40m);
        var signed = StripeSignatures.PaymentIntentEvent("evt_tampered", "payment_intent.succeeded", invoice.Id, 100, Now);
        var tampered = signed.Replace("\"amount_received\":100", $"\"amount_received\":{Cents(invoice)}", StringComparison.Ordinal);

        var response = await PostAsync(tampered, StripeSignatures.Header(signed, Secret, Now));

        await AssertRejectedAsync(response, "signature", invoice, "evt_tampered");
    }

    [Test]
    public async Task A_signature_older_than_five_minutes_on_the_host_clock_is_rejected()
    {
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 1, eurPerSeat: 40m);
        var signedAt = Now;
        var body = StripeSignatures.PaymentIntentEvent("evt_old", "payment_intent.succeeded", invoice.Id, Cents(invoice), signedAt);
        var header = StripeSignatures.Header(body, Secret, signedAt);

        factory.Clock.Advance(TimeSpan.FromSeconds(301));
        var response = await PostAsync(body, header);

        await AssertRejectedAsync(response, "tolerance", invoice, "evt_old");
    }

    [Test]
    public async Task A_signature_just_inside_the_tolerance_is_accepted()
    {
        // The host clock runs days ahead of the machine: only a TimeProvider-aware check accepts this.
        factory.Clock.Advance(TimeSpan.FromDays(3));
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 1, eurPerSeat: 40m);
        var signedAt = Now;
        var body = StripeSignatures.PaymentIntentEvent("evt_late", "payment_intent.succeeded", invoice.Id, Cents(invoice), signedAt);

        factory.Clock.Advance(TimeSpan.FromSeconds(299));
        var response = await PostAsync(body, StripeSignatures.Header(body, Secret, signedAt));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await IssuedInvoices.FindAsync(factory, invoice.TenantId)).Status, Is.EqualTo(InvoiceStatuses.Paid));
    }

    [Test]
    public async Task A_request_without_signature_header_is_rejected()
    {
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 1, eurPerSeat: 40m);
        var body = StripeSignatures.PaymentIntentEvent("evt_unsigned", "payment_intent.succeeded", invoice.Id, Cents(invoice), Now);

        var response = await PostAsync(body, signature: null);

        await AssertRejectedAsync(response, "Stripe-Signature", invoice, "evt_unsigned");
    }

    [Test]
    public async Task An_event_for_an_unknown_invoice_is_acknowledged_without_effect()
    {
        var body = StripeSignatures.PaymentIntentEvent("evt_stranger", "payment_intent.succeeded", Guid.NewGuid(), 1000, Now);

        var response = await PostAsync(body, StripeSignatures.Header(body, Secret, Now));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.Content.ReadFromJsonAsync<StripeWebhook.WebhookReceipt>())!.Outcome, Is.EqualTo("ignored: unknown invoice"));
    }

    [Test]
    public async Task Without_a_configured_secret_the_webhook_refuses_everything()
    {
        using var unconfigured = new LicenceOpsFactory(BillingWorld.Settings());
        using var client = unconfigured.AnonymousClient();
        var body = StripeSignatures.PaymentIntentEvent("evt_nosecret", "payment_intent.succeeded", Guid.NewGuid(), 1000, unconfigured.Clock.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, StripeWebhook.Route)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeSignatures.Header(body, "", unconfigured.Clock.GetUtcNow()));

        var response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Billing:Stripe:WebhookSecret"));
    }

    private static long Cents(InvoiceRow invoice) => (long)(invoice.TotalInclVat * 100m);

    private async Task<HttpResponseMessage> PostAsync(string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, StripeWebhook.Route)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }
        return await http.SendAsync(request);
    }

    private async Task AssertRejectedAsync(HttpResponseMessage response, string detailMentions, InvoiceRow invoice, string eventId)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(detailMentions));
        Assert.That((await IssuedInvoices.FindAsync(factory, invoice.TenantId)).Status, Is.EqualTo(InvoiceStatuses.Issued));
        Assert.That(await Db.QueryAsync<string>("SELECT event_id FROM stripe_events WHERE event_id = @eventId", new { eventId }), Is.Empty);
    }
}
