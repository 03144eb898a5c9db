using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Seats.Features.VendorAccounts;

/// <summary>
/// DELETE /api/tenants/{tenantId}/vendor-accounts/{id} (staff): the client left the vendor or the account was registered
/// by mistake. Refused (409) while a subscription is connected to it, since its workflow steps and readings go through it:
/// disconnect first. Its member list, recorded observations and run history go with it; its live findings close (their
/// cause can no longer be read); the usage snapshots stay for reports; its recurring job is removed.
/// </summary>
internal static class DeleteVendorAccount
{
    public static void Map(IEndpointRouteBuilder tenant) =>
        tenant.MapDelete("/vendor-accounts/{accountId:guid}", HandleAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Delete a vendor account no subscription is connected to; its findings close and its reconciliation job is removed.");

    private static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid accountId, ModuleDatabase<SeatsModule> db, ReconciliationScheduler scheduler, CancellationToken ct)
    {
        var result = await db.WriteAsync<Results<NoContent, ProblemHttpResult>>(async uow =>
        {
            // Held until commit on SQL Server, as a reconciliation run holds it while applying: the two take turns, so either
            // the run sees the account gone and writes nothing, or this delete closes and removes what the run wrote.
            var account = await uow.QuerySingleOrDefaultAsync<VendorAccountRow>(
                VendorAccountRow.SelectSql.TrimEnd() + uow.Dialect.HoldRow() + " WHERE id = @accountId AND tenant_id = @tenantId", new { accountId, tenantId });
            if (account is null)
            {
                return Problems.NotFound($"Vendor account {accountId} not found.");
            }
            var connected = await uow.QueryAsync<Guid>("SELECT id FROM subscriptions WHERE connected_account_id = @accountId AND tenant_id = @tenantId",
                new { accountId, tenantId });
            if (connected.Count > 0)
            {
                return Problems.Conflict(
                    $"Vendor account '{account.DisplayName}' is connected to {connected.Count} subscription(s): disconnect them first " +
                    "(PUT .../subscriptions/{id}/vendor-account with null).");
            }
            var reason = $"vendor account '{account.DisplayName}' was deleted: its cause can no longer be read";
            // Their last seen is frozen while the account row still says which comparison last saw them (ADR 0055).
            var closed = await uow.ExecuteAsync(
                $"""
                UPDATE findings SET status = 'auto_closed', status_reason = @reason, status_changed_at = @now, status_changed_by = @actor,
                    closed_at = @now, updated_at = @now, {FindingSightings.FreezeSql}
                WHERE tenant_id = @tenantId AND vendor_account_id = @accountId AND status IN ('open', 'accepted', 'dismissed')
                """, new { tenantId, accountId, reason, now = uow.Now, actor = uow.Actor.Display });
            foreach (var table in new[] { "vendor_members", "setting_observations", "purchased_quantity_observations", "reconciliation_runs", "reconciliation_fingerprints" })
            {
                await uow.ExecuteAsync($"DELETE FROM {table} WHERE vendor_account_id = @accountId AND tenant_id = @tenantId", new { accountId, tenantId });
            }
            await uow.ExecuteAsync("DELETE FROM vendor_accounts WHERE id = @accountId AND tenant_id = @tenantId", new { accountId, tenantId });
            await uow.AuditAsync("vendor_account", accountId, "deleted",
                new { account.VendorCode, account.Connector, account.DisplayName, findingsClosed = closed }, tenantId);
            return TypedResults.NoContent();
        }, ct);
        if (result.Result is NoContent)
        {
            await scheduler.SynchroniseAsync(accountId, ct);
        }
        return result;
    }
}
