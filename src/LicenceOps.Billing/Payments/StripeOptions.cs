namespace LicenceOps.Billing.Payments;

/// <summary>Configuration section Billing:Stripe.</summary>
public sealed class StripeOptions
{
    public const string Section = "Billing:Stripe";

    public string? SecretKey { get; set; }

    public string? WebhookSecret { get; set; }

    /// <summary>Overridable so tests talk to a loopback fake; production keeps Stripe's own address.</summary>
    public string ApiBase { get; set; } = "https://api.stripe.com";

    /// <summary>
    /// Stripe.net retries network errors, 409 and 5xx with backoff. Every POST we send carries an
    /// idempotency key, so a retry returns the original object instead of charging again; two retries
    /// ride out a blip without holding the invoicing job for long (the job itself is retried later).
    /// </summary>
    public int MaxNetworkRetries { get; set; } = 2;

    public int WebhookToleranceSeconds { get; set; } = 300;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
