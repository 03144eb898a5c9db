using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Seats.Features.VendorAccounts;

/// <summary>
/// POST /api/tenants/{tenantId}/vendor-accounts/{id}/reconcile: reconcile now (the schedule does it hourly). The answer
/// is the run: succeeded with its counts, or failed with the reason (a vendor outage changes nothing but the run row).
/// GET .../reconciliation-runs lists the account's runs, newest first.
/// </summary>
internal static class ReconcileVendorAccount
{
    public static void Map(IEndpointRouteBuilder tenant)
    {
        tenant.MapPost("/vendor-accounts/{accountId:guid}/reconcile", HandleAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Reconcile a vendor account now: compare its members and quantity with seats and billing, record findings.");
        tenant.MapGet("/vendor-accounts/{accountId:guid}/reconciliation-runs", ListAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("The vendor account's reconciliation runs, newest first, with failure reasons and counts.");
    }

    private static readonly Keyset<ReconciliationRunResult> Newest = new("reconciliation-runs",
        SortKey.Desc<ReconciliationRunResult>("started_at", r => r.StartedAt), SortKey.Asc<ReconciliationRunResult>("id", r => r.RunId));

    private static async Task<Results<Ok<ReconciliationRunResult>, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid accountId, ReconciliationRunner runner, CancellationToken ct) =>
        await runner.RunAsync(tenantId, accountId, RunTriggers.Manual, ct) is { } run
            ? TypedResults.Ok(run)
            : Problems.NotFound($"Vendor account {accountId} not found.");

    private static async Task<Results<Ok<Page<ReconciliationRunResult>>, ProblemHttpResult>> ListAsync(
        Guid tenantId, Guid accountId, PageRequest page, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var exists = await db.QuerySingleOrDefaultAsync<long>(
            "SELECT COUNT(*) FROM vendor_accounts WHERE id = @accountId AND tenant_id = @tenantId", new { accountId, tenantId }, ct);
        if (exists == 0)
        {
            return Problems.NotFound($"Vendor account {accountId} not found.");
        }
        var rows = await Newest.ReadAsync(db, ReconciliationRunner.RunSelectSql, "tenant_id = @tenantId AND vendor_account_id = @accountId",
            new { tenantId, accountId }, page, ct);
        return TypedResults.Ok(rows);
    }
}
