using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Shared;

namespace LicenceOps.Seats.Features.Subscriptions;

internal static class ReadSubscriptions
{
    private static readonly Keyset<SubscriptionRow> ByVendor = new("subscriptions",
        SortKey.Asc<SubscriptionRow>("p.vendor_name", s => s.VendorName), SortKey.Asc<SubscriptionRow>("s.plan_code", s => s.PlanCode),
        SortKey.Asc<SubscriptionRow>("s.id", s => s.Id));

    private static readonly Keyset<SubscriptionChangeResponse> Oldest = new("subscription-history",
        SortKey.Asc<SubscriptionChangeResponse>("seq", c => c.Seq), SortKey.Asc<SubscriptionChangeResponse>("id", c => c.Id));

    public static async Task<IResult> ListAsync(Guid tenantId, PageRequest page, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound("Tenant not found.");
        }
        var rows = await ByVendor.ReadAsync(db, SubscriptionRow.SelectSql, "s.tenant_id = @tenantId", new { tenantId }, page, ct);
        return TypedResults.Ok(rows.Map(SubscriptionResponse.From));
    }

    public static async Task<IResult> GetAsync(Guid tenantId, Guid subscriptionId, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var row = user.CanAccessTenant(tenantId)
            ? await db.QuerySingleOrDefaultAsync<SubscriptionRow>(SubscriptionRow.SelectSql + " WHERE s.id = @subscriptionId AND s.tenant_id = @tenantId",
                new { tenantId, subscriptionId }, ct)
            : null;
        return row is null ? Problems.NotFound($"Subscription {subscriptionId} not found.") : TypedResults.Ok(SubscriptionResponse.From(row));
    }

    public static async Task<IResult> HistoryAsync(
        Guid tenantId, Guid subscriptionId, PageRequest page, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var exists = user.CanAccessTenant(tenantId)
            && await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM subscriptions WHERE id = @subscriptionId AND tenant_id = @tenantId",
                new { tenantId, subscriptionId }, ct) is not null;
        if (!exists)
        {
            return Problems.NotFound($"Subscription {subscriptionId} not found.");
        }
        var changes = await Oldest.ReadAsync(db,
            """
            SELECT seq AS Seq, id AS Id, change_kind AS ChangeKind, previous_quantity AS PreviousQuantity, new_quantity AS NewQuantity,
                   previous_sale_price_eur AS PreviousSalePriceEur, new_sale_price_eur AS NewSalePriceEur,
                   effective_date AS EffectiveDate, reason AS Reason, actor_id AS ActorId, actor_display AS ActorDisplay,
                   recorded_at AS RecordedAt
            FROM subscription_changes
            """,
            "subscription_id = @subscriptionId", new { subscriptionId }, page, ct);
        return TypedResults.Ok(changes);
    }
}
