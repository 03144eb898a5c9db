using LicenceOps.Platform;
using LicenceOps.Contracts.Seats;
using LicenceOps.Platform.Data;

namespace LicenceOps.Seats.Shared;

internal static class SubscriptionChangeKinds
{
    public const string Created = "created";
    public const string Quantity = "quantity";
    public const string Price = "price";
}

/// <summary>Records every commercial change of a subscription and tells Billing about it through the outbox.</summary>
internal static class SubscriptionLedger
{
    /// <summary>The tenant's subscription, read outside any write (a check before one).</summary>
    public static Task<SubscriptionRow?> FindAsync(ModuleDatabase db, Guid tenantId, Guid subscriptionId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<SubscriptionRow>(SubscriptionRow.SelectSql + " WHERE s.id = @subscriptionId AND s.tenant_id = @tenantId",
            new { subscriptionId, tenantId }, ct);

    public static Task<SubscriptionRow?> FindAsync(UnitOfWork uow, Guid tenantId, Guid subscriptionId) =>
        uow.QuerySingleOrDefaultAsync<SubscriptionRow>(
            SubscriptionRow.SelectSql + " WHERE s.id = @subscriptionId AND s.tenant_id = @tenantId",
            new { subscriptionId, tenantId });

    /// <summary>Adds one seat to the committed quantity, only if nobody changed it since <paramref name="sub"/> was read.</summary>
    public static async Task<SubscriptionRow?> IncreaseByOneAsync(UnitOfWork uow, SubscriptionRow sub, string reason)
    {
        var rows = await uow.ExecuteAsync(
            """
            UPDATE subscriptions
            SET committed_quantity = committed_quantity + 1, occupied_seats = occupied_seats + 1, updated_at = @now
            WHERE id = @id AND committed_quantity = @expected
            """,
            new { id = sub.Id, expected = sub.CommittedQuantity, now = uow.Now });
        if (rows != 1)
        {
            return null;
        }
        var after = (await FindAsync(uow, sub.TenantId, sub.Id))!;
        await RecordAsync(uow, after, SubscriptionChangeKinds.Quantity, sub.CommittedQuantity, sub.SalePricePerSeatEur,
            ParisCalendar.DateOf(uow.Now), reason);
        return after;
    }

    public static async Task RecordAsync(
        UnitOfWork uow, SubscriptionRow after, string kind, int previousQuantity, decimal? previousPrice,
        DateOnly effectiveDate, string? reason)
    {
        await uow.ExecuteAsync(
            """
            INSERT INTO subscription_changes (id, subscription_id, tenant_id, seq, change_kind, previous_quantity, new_quantity,
                previous_sale_price_eur, new_sale_price_eur, effective_date, reason, actor_id, actor_display, recorded_at)
            VALUES (@id, @subscriptionId, @tenantId,
                (SELECT COALESCE(MAX(seq), 0) + 1 FROM subscription_changes WHERE subscription_id = @subscriptionId), @kind, @previousQuantity, @newQuantity,
                @previousPrice, @newPrice, @effectiveDate, @reason, @actorId, @actorDisplay, @now)
            """,
            new
            {
                id = RowIds.New(), subscriptionId = after.Id, tenantId = after.TenantId, kind, previousQuantity,
                newQuantity = after.CommittedQuantity, previousPrice, newPrice = after.SalePricePerSeatEur, effectiveDate,
                reason, actorId = uow.Actor.Id, actorDisplay = uow.Actor.Display, now = uow.Now,
            });
        await uow.PublishAsync(new SubscriptionQuantityChanged(
            after.Id, after.TenantId, after.VendorName, after.PlanCode, after.PlanName, previousQuantity,
            after.CommittedQuantity, effectiveDate, after.TermStart, after.RenewalDate, after.BillingCycle, after.ListPrice,
            after.PriceCurrency, after.ListPriceIncludesVat, after.SalePricePerSeatEur, uow.Now, after.PriceUnit, after.BillingFrequency));
        await uow.AuditAsync("subscription", after.Id, kind == SubscriptionChangeKinds.Created ? "created" : $"{kind}_changed",
            new { previousQuantity, newQuantity = after.CommittedQuantity, previousPrice, newPrice = after.SalePricePerSeatEur, effectiveDate, reason },
            after.TenantId);
    }
}
