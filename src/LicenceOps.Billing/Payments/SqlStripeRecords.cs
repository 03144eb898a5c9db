using LicenceOps.Platform.Data;

namespace LicenceOps.Billing.Payments;

/// <summary>
/// Stripe bookkeeping in the Billing database. Inserts are conditional (INSERT ... WHERE NOT EXISTS) so
/// concurrent webhooks or collectors never fail on a duplicate and the first writer wins, on both engines.
/// </summary>
internal sealed class SqlStripeRecords(ModuleDatabase database) : IStripeRecords
{
    public Task<string?> FindCustomerIdAsync(Guid tenantId, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<string>(
            "SELECT customer_id FROM stripe_customers WHERE tenant_id = @tenantId", new { tenantId }, ct);

    public Task<string> SaveCustomerIdAsync(Guid tenantId, string customerId, CancellationToken ct) =>
        database.WriteAsync(async uow =>
        {
            await uow.ExecuteAsync(
                """
                INSERT INTO stripe_customers (tenant_id, customer_id, created_at)
                SELECT @tenantId, @customerId, @now
                WHERE NOT EXISTS (SELECT 1 FROM stripe_customers WHERE tenant_id = @tenantId)
                """,
                new { tenantId, customerId, now = uow.Now });
            return (await uow.QuerySingleOrDefaultAsync<string>(
                "SELECT customer_id FROM stripe_customers WHERE tenant_id = @tenantId", new { tenantId }))!;
        }, ct);

    public Task<string?> FindPaymentIntentIdAsync(Guid invoiceId, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<string>(
            "SELECT payment_intent_id FROM stripe_payment_intents WHERE invoice_id = @invoiceId", new { invoiceId }, ct);

    public Task SavePaymentIntentAsync(Guid invoiceId, Guid tenantId, string paymentIntentId, long amountCents, CancellationToken ct) =>
        database.WriteAsync(uow => uow.ExecuteAsync(
            """
            INSERT INTO stripe_payment_intents (invoice_id, tenant_id, payment_intent_id, amount_cents, created_at)
            SELECT @invoiceId, @tenantId, @paymentIntentId, @amountCents, @now
            WHERE NOT EXISTS (SELECT 1 FROM stripe_payment_intents WHERE invoice_id = @invoiceId)
            """,
            new { invoiceId, tenantId, paymentIntentId, amountCents, now = uow.Now }), ct);

    public async Task<bool> IsEventRecordedAsync(string eventId, CancellationToken ct) =>
        await database.QuerySingleOrDefaultAsync<string>(
            "SELECT event_id FROM stripe_events WHERE event_id = @eventId", new { eventId }, ct) is not null;

    public Task<bool> RecordEventAsync(string eventId, string type, string outcome, CancellationToken ct) =>
        database.WriteAsync(async uow => await uow.ExecuteAsync(
            """
            INSERT INTO stripe_events (event_id, event_type, outcome, received_at)
            SELECT @eventId, @type, @outcome, @now
            WHERE NOT EXISTS (SELECT 1 FROM stripe_events WHERE event_id = @eventId)
            """,
            new { eventId, type, outcome, now = uow.Now }) == 1, ct);
}
