using LicenceOps.Billing.Payments;
using Microsoft.Extensions.Options;

namespace LicenceOps.IntegrationTests.Billing.Stripe;

public sealed class StripePaymentCollectorTests
{
    private static readonly Guid Acme = Guid.Parse("6f0c1d7e-0000-4000-8000-00000000ac3e");
    private static readonly Guid Nordwind = Guid.Parse("6f0c1d7e-0000-4000-8000-0000000000dd");

    private FakeStripeServer stripe = null!;
    private BillingSqliteDatabase billingDb = null!;
    private SqlStripeRecords records = null!;

    [SetUp]
    public async Task StartFakeStripe()
    {
        stripe = await FakeStripeServer.StartAsync();
        billingDb = await BillingSqliteDatabase.CreateAsync(TimeProvider.System);
        records = new SqlStripeRecords(billingDb.Database);
    }

    [TearDown]
    public async Task StopFakeStripe()
    {
        await stripe.DisposeAsync();
        billingDb.Dispose();
    }

    [Test]
    public async Task Creates_one_Stripe_customer_per_tenant_and_reuses_it()
    {
        var collector = Collector();

        var first = await collector.RequestPaymentAsync(Invoice(Acme, 120.00m), CancellationToken.None);
        var second = await collector.RequestPaymentAsync(Invoice(Acme, 80.00m), CancellationToken.None);
        var other = await collector.RequestPaymentAsync(Invoice(Nordwind, 50.00m), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(stripe.Requests.Count(r => r.Path == "/v1/customers"), Is.EqualTo(2));
            Assert.That(second.CustomerId, Is.EqualTo(first.CustomerId));
            Assert.That(other.CustomerId, Is.Not.EqualTo(first.CustomerId));
            Assert.That(stripe.Customers.Select(c => c["metadata"]!["tenant_id"]!.GetValue<string>()),
                Is.EquivalentTo(new[] { Acme.ToString(), Nordwind.ToString() }));
            Assert.That(stripe.Requests.All(r => r.Authorization == "Bearer sk_test_licenceops"), Is.True);
        });
        Assert.That(await billingDb.Database.QueryAsync<string>("SELECT customer_id FROM stripe_customers ORDER BY customer_id"),
            Is.EquivalentTo(new[] { first.CustomerId, other.CustomerId }));
    }

    [Test]
    public async Task Creates_a_euro_payment_intent_for_the_exact_cents_keyed_by_the_invoice_id()
    {
        var invoice = Invoice(Acme, 1234.56m);

        var result = await Collector().RequestPaymentAsync(invoice, CancellationToken.None);

        var create = stripe.Requests.Single(r => r.Path == "/v1/payment_intents");
        Assert.Multiple(() =>
        {
            Assert.That(create.IdempotencyKey, Is.EqualTo(invoice.InvoiceId.ToString()));
            Assert.That(create.Form["amount"], Is.EqualTo("123456"));
            Assert.That(create.Form["currency"], Is.EqualTo("eur"));
            Assert.That(create.Form["customer"], Is.EqualTo(result.CustomerId));
            Assert.That(create.Form["allowed_payment_method_types[0]"], Is.EqualTo("sepa_debit"));
            Assert.That(create.Form["allowed_payment_method_types[1]"], Is.EqualTo("card"));
            Assert.That(create.Form["metadata[invoice_id]"], Is.EqualTo(invoice.InvoiceId.ToString()));
            Assert.That(create.Form["metadata[invoice_number]"], Is.EqualTo(invoice.InvoiceNumber));
            Assert.That(create.Form["metadata[tenant_id]"], Is.EqualTo(Acme.ToString()));
            Assert.That(result.PaymentIntentId, Does.StartWith("pi_"));
            Assert.That(result.Status, Is.EqualTo("requires_payment_method"));
        });
    }

    [Test]
    public async Task Requesting_the_same_invoice_again_returns_the_existing_payment_intent()
    {
        var collector = Collector();
        var invoice = Invoice(Acme, 99.99m);

        var first = await collector.RequestPaymentAsync(invoice, CancellationToken.None);
        var again = await collector.RequestPaymentAsync(invoice, CancellationToken.None);

        Assert.That(again.PaymentIntentId, Is.EqualTo(first.PaymentIntentId));
        Assert.That(stripe.PaymentIntents, Has.Count.EqualTo(1));
        Assert.That(stripe.Requests.Count(r => r.Path == "/v1/payment_intents"), Is.EqualTo(1),
            "the remembered intent is read back, not created again, even after Stripe's 24 h key expiry");
        Assert.That(await billingDb.Database.QuerySingleOrDefaultAsync<long>(
            "SELECT amount_cents FROM stripe_payment_intents WHERE invoice_id = @InvoiceId", new { invoice.InvoiceId }), Is.EqualTo(9999));
    }

    [TestCase(FakeStripeServer.Fault.DropConnectionAfterCreate)]
    [TestCase(FakeStripeServer.Fault.ServerErrorAfterCreate)]
    public async Task A_lost_response_is_retried_with_the_same_key_and_charges_once(FakeStripeServer.Fault fault)
    {
        stripe.FailNextPaymentIntentCreate(fault);
        var invoice = Invoice(Acme, 480.00m);

        var result = await Collector(maxNetworkRetries: 2).RequestPaymentAsync(invoice, CancellationToken.None);

        var creates = stripe.Requests.Where(r => r.Path == "/v1/payment_intents").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(creates, Has.Count.EqualTo(2), "the library retried after the failure");
            Assert.That(creates.Select(c => c.IdempotencyKey), Is.All.EqualTo(invoice.InvoiceId.ToString()));
            Assert.That(stripe.PaymentIntents, Has.Count.EqualTo(1), "one charge only");
            Assert.That(result.PaymentIntentId, Is.EqualTo(stripe.PaymentIntents.Single()["id"]!.GetValue<string>()));
        });
    }

    [Test]
    public async Task When_retries_are_exhausted_a_later_attempt_still_finds_the_first_payment_intent()
    {
        stripe.FailNextPaymentIntentCreate(FakeStripeServer.Fault.DropConnectionAfterCreate);
        var collector = Collector(maxNetworkRetries: 0);
        var invoice = Invoice(Acme, 75.50m);

        Assert.That(async () => await collector.RequestPaymentAsync(invoice, CancellationToken.None), Throws.Exception);
        var retried = await collector.RequestPaymentAsync(invoice, CancellationToken.None);

        Assert.That(stripe.PaymentIntents, Has.Count.EqualTo(1));
        Assert.That(retried.PaymentIntentId, Is.EqualTo(stripe.PaymentIntents.Single()["id"]!.GetValue<string>()));
    }

    [TestCase(10.005, "EUR", "whole number of cents")]
    [TestCase(0, "EUR", "positive amount")]
    [TestCase(-12.5, "EUR", "positive amount")]
    [TestCase(10, "USD", "EUR only")]
    public void Refuses_amounts_stripe_could_not_charge_exactly_without_calling_stripe(decimal amount, string currency, string message)
    {
        var invoice = Invoice(Acme, amount) with { Currency = currency };

        Assert.That(async () => await Collector().RequestPaymentAsync(invoice, CancellationToken.None),
            Throws.ArgumentException.With.Message.Contains(message));
        Assert.That(stripe.Requests, Is.Empty);
    }

    private StripePaymentCollector Collector(int maxNetworkRetries = 2) =>
        new(StripeClientFactory.Create(Options.Create(new StripeOptions
        {
            SecretKey = "sk_test_licenceops",
            ApiBase = stripe.BaseUrl,
            MaxNetworkRetries = maxNetworkRetries,
        })), records);

    private static PaymentRequest Invoice(Guid tenant, decimal amount) => new(
        Guid.NewGuid(), tenant, $"F-2026-{Random.Shared.Next(1, 999999):000000}", amount, "EUR",
        tenant == Acme ? "Acme Conseil SAS" : "Nordwind Logistik GmbH", "compta@example.test");
}
