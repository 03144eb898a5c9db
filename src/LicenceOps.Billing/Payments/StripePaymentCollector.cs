using Microsoft.Extensions.Options;
using Stripe;

namespace LicenceOps.Billing.Payments;

/// <summary>
/// Collects an invoice through a Stripe PaymentIntent (SEPA Direct Debit or card) on the tenant's
/// Stripe Customer. Our invoice stays the legal document; Stripe only moves the money.
/// </summary>
internal sealed class StripePaymentCollector(IStripeClient stripe, IStripeRecords records) : IPaymentCollector
{
    public async Task<PaymentRequestResult> RequestPaymentAsync(PaymentRequest request, CancellationToken ct)
    {
        var cents = ToEuroCents(request);

        var existing = await records.FindPaymentIntentIdAsync(request.InvoiceId, ct);
        if (existing is not null)
        {
            // Idempotency keys expire at Stripe after 24 hours; our own record never does.
            var known = await new PaymentIntentService(stripe).GetAsync(existing, cancellationToken: ct);
            return new PaymentRequestResult(known.CustomerId, known.Id, known.Status);
        }

        var customerId = await EnsureCustomerAsync(request, ct);
        var intent = await new PaymentIntentService(stripe).CreateAsync(
            new PaymentIntentCreateOptions
            {
                Amount = cents,
                Currency = "eur",
                Customer = customerId,
                // API versions from 2026 name the create parameter allowed_payment_method_types.
                AllowedPaymentMethodTypes = ["sepa_debit", "card"],
                Description = $"Facture {request.InvoiceNumber}",
                Metadata = new Dictionary<string, string>
                {
                    ["invoice_id"] = request.InvoiceId.ToString(),
                    ["invoice_number"] = request.InvoiceNumber,
                    ["tenant_id"] = request.TenantId.ToString(),
                },
            },
            new RequestOptions { IdempotencyKey = request.InvoiceId.ToString() },
            ct);
        await records.SavePaymentIntentAsync(request.InvoiceId, request.TenantId, intent.Id, cents, ct);
        return new PaymentRequestResult(customerId, intent.Id, intent.Status);
    }

    internal static long ToEuroCents(PaymentRequest request)
    {
        if (!string.Equals(request.Currency, "EUR", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Invoices are collected in EUR only, not '{request.Currency}'.", nameof(request));
        }
        if (request.AmountInclVat <= 0m)
        {
            throw new ArgumentException($"Only a positive amount can be collected, not {request.AmountInclVat} EUR.", nameof(request));
        }
        var cents = request.AmountInclVat * 100m;
        if (cents != decimal.Truncate(cents))
        {
            throw new ArgumentException($"Amount {request.AmountInclVat} EUR is not a whole number of cents.", nameof(request));
        }
        return (long)cents;
    }

    private async Task<string> EnsureCustomerAsync(PaymentRequest request, CancellationToken ct)
    {
        var stored = await records.FindCustomerIdAsync(request.TenantId, ct);
        if (stored is not null)
        {
            return stored;
        }
        // Two invoices of a new tenant collected at once share this key, so Stripe returns one customer.
        var customer = await new CustomerService(stripe).CreateAsync(
            new CustomerCreateOptions
            {
                Name = request.CustomerName,
                Email = request.CustomerEmail,
                PreferredLocales = ["fr"],
                Metadata = new Dictionary<string, string> { ["tenant_id"] = request.TenantId.ToString() },
            },
            new RequestOptions { IdempotencyKey = $"tenant-customer-{request.TenantId}" },
            ct);
        return await records.SaveCustomerIdAsync(request.TenantId, customer.Id, ct);
    }
}

/// <summary>Builds the Stripe client from configuration, failing with a clear message when the key is missing.</summary>
internal static class StripeClientFactory
{
    public static IStripeClient Create(IOptions<StripeOptions> options)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.SecretKey))
        {
            throw new InvalidOperationException($"Stripe is not configured: set {StripeOptions.Section}:SecretKey.");
        }
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = o.RequestTimeout,
        };
        return new StripeClient(
            apiKey: o.SecretKey,
            httpClient: new SystemNetHttpClient(http, o.MaxNetworkRetries, appInfo: null, enableTelemetry: false),
            apiBase: o.ApiBase);
    }
}
