using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Shared;

namespace LicenceOps.Seats.Features.Subscriptions;

internal static class ReadSubscriptions
{
    public static async Task<IResult> ListAsync(Guid tenantId, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound("Tenant not found.");
        }
        var rows = await db.QueryAsync<SubscriptionRow>(SubscriptionRow.SelectSql + " WHERE s.tenant_id = @tenantId ORDER BY p.vendor_name, s.plan_code",
            new { tenantId }, ct);
        return TypedResults.Ok(rows.Select(SubscriptionResponse.From).ToList());
    }

    public static async Task<IResult> GetAsync(Guid tenantId, Guid subscriptionId, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var row = user.CanAccessTenant(tenantId)
            ? await db.QuerySingleOrDefaultAsync<SubscriptionRow>(SubscriptionRow.SelectSql + " WHERE s.id = @subscriptionId AND s.tenant_id = @tenantId",
                new { tenantId, subscriptionId }, ct)
            : null;
        return row is null ? Problems.NotFound($"Subscription {subscriptionId} not found.") : TypedResults.Ok(SubscriptionResponse.From(row));
    }

    public static async Task<IResult> HistoryAsync(Guid tenantId, Guid subscriptionId, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var exists = user.CanAccessTenant(tenantId)
            && await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM subscriptions WHERE id = @subscriptionId AND tenant_id = @tenantId",
                new { tenantId, subscriptionId }, ct) is not null;
        if (!exists)
        {
            return Problems.NotFound($"Subscription {subscriptionId} not found.");
        }
        var changes = await db.QueryAsync<SubscriptionChangeResponse>(
            """
            SELECT id AS Id, change_kind AS ChangeKind, previous_quantity AS PreviousQuantity, new_quantity AS NewQuantity,
                   previous_sale_price_eur AS PreviousSalePriceEur, new_sale_price_eur AS NewSalePriceEur,
                   effective_date AS EffectiveDate, reason AS Reason, actor_id AS ActorId, actor_display AS ActorDisplay,
                   recorded_at AS RecordedAt
            FROM subscription_changes WHERE subscription_id = @subscriptionId ORDER BY seq
            """,
            new { subscriptionId }, ct);
        return TypedResults.Ok(changes);
    }
}
