using LicenceOps.Contracts.Seats;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;

namespace LicenceOps.Billing.Consumers;

/// <summary>Records each version of a subscription's terms; the billing run picks the one in force each day.</summary>
public sealed class SubscriptionQuantityChangedConsumer(ModuleDatabase<BillingModule> database)
    : ModuleConsumer<BillingModule, SubscriptionQuantityChanged>(database)
{
    protected override Task HandleAsync(SubscriptionQuantityChanged message, UnitOfWork uow, CancellationToken ct) =>
        uow.ExecuteAsync(
            """
            INSERT INTO subscription_terms (subscription_id, tenant_id, vendor_name, plan_code, plan_name, committed_quantity,
                effective_date, term_start, renewal_date, billing_cycle, list_price, list_price_currency,
                list_price_includes_vat, sale_price_per_seat_eur, occurred_at, price_unit, billing_frequency, recorded_at)
            SELECT @SubscriptionId, @TenantId, @VendorName, @PlanCode, @PlanName, @NewQuantity,
                @EffectiveDate, @TermStart, @RenewalDate, @BillingCycle, @ListPrice, @ListPriceCurrency,
                @ListPriceIncludesVat, @SalePricePerSeatEur, @OccurredAt, @PriceUnit, @BillingFrequency, @RecordedAt
            WHERE NOT EXISTS (SELECT 1 FROM subscription_terms
                              WHERE subscription_id = @SubscriptionId AND effective_date = @EffectiveDate AND occurred_at = @OccurredAt)
            """,
            new
            {
                message.SubscriptionId, message.TenantId, message.VendorName, message.PlanCode, message.PlanName, message.NewQuantity,
                message.EffectiveDate, message.TermStart, message.RenewalDate, message.BillingCycle, message.ListPrice, message.ListPriceCurrency,
                message.ListPriceIncludesVat, message.SalePricePerSeatEur, message.OccurredAt, message.PriceUnit, message.BillingFrequency,
                RecordedAt = uow.Now,
            });
}
