using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Features.VendorAccounts;

/// <param name="IntervalMinutes">Minutes between scheduled runs (one of ReconciliationCron.Allowed); null = the configured default.</param>
/// <param name="Enabled">False turns the account's recurring job off (manual runs still work); null = on.</param>
public sealed record ReconciliationScheduleRequest(int? IntervalMinutes, bool? Enabled);

/// <summary>
/// PUT /api/tenants/{tenantId}/vendor-accounts/{id}/reconciliation-schedule (staff): how often the account is reconciled,
/// or not at all. The row changes first; its Hangfire recurring job is then updated or removed to match (ADR 0027).
/// </summary>
internal static class ChangeReconciliationSchedule
{
    public static void Map(IEndpointRouteBuilder tenant) =>
        tenant.MapPut("/vendor-accounts/{accountId:guid}/reconciliation-schedule", HandleAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Set a vendor account's reconciliation interval (minutes dividing an hour or a day, null = default) or turn its scheduled runs off.");

    private static async Task<Results<Ok<VendorAccountResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid accountId, ReconciliationScheduleRequest request, ModuleDatabase<SeatsModule> db, ReconciliationScheduler scheduler,
        IOptions<SeatsOptions> options, CancellationToken ct)
    {
        if (request.IntervalMinutes is { } minutes && !ReconciliationCron.IsExpressible(minutes))
        {
            var errors = new ValidationErrors();
            errors.Add("intervalMinutes", ReconciliationCron.Explanation);
            return errors.ToProblem();
        }
        var enabled = request.Enabled ?? true;
        var defaultMinutes = options.Value.Reconciliation.IntervalMinutes;
        var result = await db.WriteAsync<Results<Ok<VendorAccountResponse>, ValidationProblem, ProblemHttpResult>>(async uow =>
        {
            var before = await uow.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @accountId AND tenant_id = @tenantId",
                new { accountId, tenantId });
            if (before is null)
            {
                return Problems.NotFound($"Vendor account {accountId} not found.");
            }
            await uow.ExecuteAsync(
                """
                UPDATE vendor_accounts SET reconcile_every_minutes = @every, scheduled_reconciliation = @enabled, updated_at = @now
                WHERE id = @accountId AND tenant_id = @tenantId
                """,
                new { accountId, tenantId, every = request.IntervalMinutes, enabled = enabled ? 1 : 0, now = uow.Now });
            await uow.AuditAsync("vendor_account", accountId, "reconciliation_schedule_changed",
                new
                {
                    from = new { intervalMinutes = before.ReconcileEveryMinutes, enabled = before.ScheduledReconciliation },
                    to = new { intervalMinutes = request.IntervalMinutes, enabled },
                }, tenantId);
            return TypedResults.Ok((await VendorAccountResponse.LoadAsync(uow, tenantId, accountId, defaultMinutes))!);
        }, ct);
        if (result.Result is Ok<VendorAccountResponse>)
        {
            await scheduler.SynchroniseAsync(accountId, ct);
        }
        return result;
    }
}
