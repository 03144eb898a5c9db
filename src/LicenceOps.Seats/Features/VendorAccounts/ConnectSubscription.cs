using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Seats.Features.VendorAccounts;

public sealed record ConnectSubscriptionRequest(Guid? VendorAccountId);

/// <summary>
/// PUT /api/tenants/{tenantId}/subscriptions/{id}/vendor-account: from now on the subscription's workflow steps and
/// readings go through that vendor account's connector (null disconnects: back to manual tasks).
/// </summary>
internal static class ConnectSubscription
{
    public static void Map(IEndpointRouteBuilder tenant) =>
        tenant.MapPut("/subscriptions/{subscriptionId:guid}/vendor-account", HandleAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Connect a subscription to a vendor account (or disconnect with null).");

    private static async Task<Results<Ok<VendorAccountLink>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid subscriptionId, ConnectSubscriptionRequest request, ModuleDatabase<SeatsModule> db, CancellationToken ct) =>
        await db.WriteAsync<Results<Ok<VendorAccountLink>, ValidationProblem, ProblemHttpResult>>(async uow =>
        {
            var sub = await SubscriptionLedger.FindAsync(uow, tenantId, subscriptionId);
            if (sub is null)
            {
                return Problems.NotFound($"Subscription {subscriptionId} not found.");
            }
            if (request.VendorAccountId is { } accountId)
            {
                var account = await uow.QuerySingleOrDefaultAsync<VendorAccountRow>(
                    VendorAccountRow.SelectSql + " WHERE id = @accountId AND tenant_id = @tenantId", new { accountId, tenantId });
                if (account is null || account.VendorCode != sub.VendorCode || !ConnectorKinds.Serves(account.Connector, sub.VendorCode))
                {
                    var errors = new ValidationErrors();
                    errors.Add("vendorAccountId", account is null
                        ? $"Vendor account {accountId} not found for this tenant."
                        : $"Vendor account '{account.DisplayName}' is for vendor '{account.VendorCode}', the subscription is at '{sub.VendorCode}'.");
                    return errors.ToProblem();
                }
            }
            await uow.ExecuteAsync("UPDATE subscriptions SET connected_account_id = @accountId, updated_at = @now WHERE id = @subscriptionId AND tenant_id = @tenantId",
                new { accountId = request.VendorAccountId, subscriptionId, tenantId, now = uow.Now });
            await uow.AuditAsync("subscription", subscriptionId, request.VendorAccountId is null ? "vendor_account_disconnected" : "vendor_account_connected",
                new { vendorAccountId = request.VendorAccountId }, tenantId);
            return TypedResults.Ok(new VendorAccountLink(subscriptionId, request.VendorAccountId));
        }, ct);
}

public sealed record VendorAccountLink(Guid SubscriptionId, Guid? VendorAccountId);
