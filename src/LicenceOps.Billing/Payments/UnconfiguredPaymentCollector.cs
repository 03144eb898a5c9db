namespace LicenceOps.Billing.Payments;

/// <summary>Stands in for Stripe when Billing:Stripe:SecretKey is not set (the embedded demo, a fresh install).</summary>
internal sealed class UnconfiguredPaymentCollector : IPaymentCollector
{
    private int warned;

    public bool IsConfigured => false;

    /// <summary>True the first time only, so the job's warning appears once per process, not every 15 minutes.</summary>
    public bool FirstWarning() => Interlocked.Exchange(ref warned, 1) == 0;

    public Task<PaymentRequestResult> RequestPaymentAsync(PaymentRequest request, CancellationToken ct) =>
        throw new InvalidOperationException($"Stripe is not configured: set {StripeOptions.Section}:SecretKey.");
}
