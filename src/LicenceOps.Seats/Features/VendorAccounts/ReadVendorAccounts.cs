using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Features.VendorAccounts;

/// <summary>GET /api/tenants/{tenantId}/vendor-accounts[/{id}]: staff see each account's settings and health, never its credential.</summary>
internal static class ReadVendorAccounts
{
    public static void Map(IEndpointRouteBuilder tenant)
    {
        tenant.MapGet("/vendor-accounts", ListAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("List the tenant's vendor accounts with their last test result and last error.");
        tenant.MapGet("/vendor-accounts/{accountId:guid}", GetAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("One vendor account with its last test result and last error.");
    }

    private static async Task<Ok<Page<VendorAccountResponse>>> ListAsync(Guid tenantId, PageRequest page, ModuleDatabase<SeatsModule> db, IOptions<SeatsOptions> options, CancellationToken ct)
    {
        var rows = await VendorAccountRow.ByCreation.ReadAsync(db, VendorAccountRow.SelectSql, "tenant_id = @tenantId", new { tenantId }, page, ct);
        var ids = rows.Items.Select(r => r.Id).ToArray();
        var links = ids.Length == 0
            ? []
            : await db.QueryAsync<Link>(
                "SELECT id AS Id, connected_account_id AS AccountId FROM subscriptions WHERE tenant_id = @tenantId AND connected_account_id IN @ids",
                new { tenantId, ids }, ct);
        return TypedResults.Ok(rows.Map(r => VendorAccountResponse.From(r, links.Where(l => l.AccountId == r.Id).Select(l => l.Id).ToList(), options.Value.Reconciliation.IntervalMinutes)));
    }

    private static async Task<Results<Ok<VendorAccountResponse>, ProblemHttpResult>> GetAsync(
        Guid tenantId, Guid accountId, ModuleDatabase<SeatsModule> db, IOptions<SeatsOptions> options, CancellationToken ct) =>
        await VendorAccountResponse.LoadAsync(db, tenantId, accountId, options.Value.Reconciliation.IntervalMinutes, ct) is { } account
            ? TypedResults.Ok(account)
            : Problems.NotFound($"Vendor account {accountId} not found.");

    private sealed class Link
    {
        public Guid Id { get; set; }
        public Guid AccountId { get; set; }
    }
}
