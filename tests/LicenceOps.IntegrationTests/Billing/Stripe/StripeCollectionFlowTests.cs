using System.Net;
using System.Text;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Jobs;
using LicenceOps.Billing.Payments;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Billing.Stripe;

/// <summary>Issued invoice → payment request job → Stripe PaymentIntent → signed webhook → invoice paid.</summary>
public sealed class StripeCollectionFlowTests
{
    private const string Secret = "whsec_flow";

    [Test]
    public async Task An_issued_invoice_is_collected_once_through_stripe_and_marked_paid_by_the_webhook()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        using var factory = new LicenceOpsFactory(BillingWorld.Settings(new Dictionary<string, string?>
        {
            ["Billing:Stripe:SecretKey"] = "sk_test_flow",
            ["Billing:Stripe:WebhookSecret"] = Secret,
            ["Billing:Stripe:ApiBase"] = stripe.BaseUrl,
        }));
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 7, eurPerSeat: 33.33m);

        var requested = await factory.Service<PaymentRequestJob>().RunAsync(CancellationToken.None);
        var rerun = await factory.Service<PaymentRequestJob>().RunAsync(CancellationToken.None);

        var intent = stripe.PaymentIntents.Single();
        Assert.Multiple(() =>
        {
            Assert.That(requested, Is.EqualTo(1));
            Assert.That(rerun, Is.Zero, "a requested invoice is not requested again");
            Assert.That(invoice.TotalInclVat, Is.EqualTo(279.97m), "7 × 33,33 € = 233,31 € HT + 46,66 € TVA");
            Assert.That(intent["amount"]!.GetValue<long>(), Is.EqualTo(27997));
            Assert.That(intent["metadata"]!["invoice_id"]!.GetValue<string>(), Is.EqualTo(invoice.Id.ToString()));
            Assert.That(stripe.Requests.Single(r => r.Path == "/v1/payment_intents").IdempotencyKey, Is.EqualTo(invoice.Id.ToString()));
        });

        var body = StripeSignatures.PaymentIntentEvent("evt_flow", "payment_intent.succeeded", invoice.Id, 27997, factory.Clock.GetUtcNow());
        using var http = factory.AnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, StripeWebhook.Route)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeSignatures.Header(body, Secret, factory.Clock.GetUtcNow()));
        var response = await http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var paid = await IssuedInvoices.FindAsync(factory, invoice.TenantId);
        Assert.That(paid.Status, Is.EqualTo(InvoiceStatuses.Paid));
        Assert.That(paid.AmountPaid, Is.EqualTo(279.97m));
    }
}
