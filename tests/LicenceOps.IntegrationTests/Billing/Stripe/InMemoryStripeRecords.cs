using System.Collections.Concurrent;
using LicenceOps.Billing.Payments;

namespace LicenceOps.IntegrationTests.Billing.Stripe;

/// <summary>Stands in for the Billing database until the core module lands.</summary>
internal sealed class InMemoryStripeRecords : IStripeRecords
{
    private readonly ConcurrentDictionary<Guid, string> customers = new();
    private readonly ConcurrentDictionary<Guid, string> intents = new();
    private readonly ConcurrentDictionary<string, string> events = new();

    public Task<string?> FindCustomerIdAsync(Guid tenantId, CancellationToken ct) =>
        Task.FromResult(customers.TryGetValue(tenantId, out var id) ? id : null);

    public Task<string> SaveCustomerIdAsync(Guid tenantId, string customerId, CancellationToken ct) =>
        Task.FromResult(customers.GetOrAdd(tenantId, customerId));

    public Task<string?> FindPaymentIntentIdAsync(Guid invoiceId, CancellationToken ct) =>
        Task.FromResult(intents.TryGetValue(invoiceId, out var id) ? id : null);

    public Task SavePaymentIntentAsync(Guid invoiceId, Guid tenantId, string paymentIntentId, long amountCents, CancellationToken ct)
    {
        intents.TryAdd(invoiceId, paymentIntentId);
        return Task.CompletedTask;
    }

    public Task<bool> IsEventRecordedAsync(string eventId, CancellationToken ct) => Task.FromResult(events.ContainsKey(eventId));

    public Task<bool> RecordEventAsync(string eventId, string type, string outcome, CancellationToken ct) =>
        Task.FromResult(events.TryAdd(eventId, outcome));
}
