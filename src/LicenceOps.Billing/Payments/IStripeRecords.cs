namespace LicenceOps.Billing.Payments;

/// <summary>What LicenceOps remembers about Stripe: customer per tenant, payment intent per invoice, events seen.</summary>
internal interface IStripeRecords
{
    Task<string?> FindCustomerIdAsync(Guid tenantId, CancellationToken ct);

    /// <returns>The customer id stored for the tenant: the given one, or the one a concurrent caller stored first.</returns>
    Task<string> SaveCustomerIdAsync(Guid tenantId, string customerId, CancellationToken ct);

    Task<string?> FindPaymentIntentIdAsync(Guid invoiceId, CancellationToken ct);

    Task SavePaymentIntentAsync(Guid invoiceId, Guid tenantId, string paymentIntentId, long amountCents, CancellationToken ct);

    Task<bool> IsEventRecordedAsync(string eventId, CancellationToken ct);

    /// <returns>false when the event id was already recorded.</returns>
    Task<bool> RecordEventAsync(string eventId, string type, string outcome, CancellationToken ct);
}
