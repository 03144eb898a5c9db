using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Reconciliation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Features.Findings;

public sealed record ReconciliationPolicyRequest(int? InactiveAfterDays, int? StaleInviteAfterDays);

public sealed record ReconciliationPolicyResponse(Guid TenantId, IReadOnlyList<string> EmailDomains, int InactiveAfterDays, int StaleInviteAfterDays);

/// <summary>
/// GET/PUT /api/tenants/{tenantId}/reconciliation-policy: the days without activity after which a seat is inactive
/// (default 30) and the days an invite may stay unaccepted (default 14); the e-mail domains come from Tenants.
/// </summary>
internal static class ReconciliationPolicyEndpoints
{
    public static void Map(IEndpointRouteBuilder tenant)
    {
        tenant.MapGet("/reconciliation-policy", GetAsync).WithSummary("The tenant's reconciliation policy and known e-mail domains.");
        tenant.MapPut("/reconciliation-policy", PutAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Set the tenant's inactivity and invite policies (days); the next run applies them.");
    }

    private static async Task<Results<Ok<ReconciliationPolicyResponse>, ProblemHttpResult>> GetAsync(
        Guid tenantId, CurrentUser user, ModuleDatabase<SeatsModule> db, IOptions<SeatsOptions> options, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound("Tenant not found.");
        }
        var policy = await db.WriteAsync(uow => ReconciliationRunner.LoadPolicyAsync(uow, tenantId, options.Value.Reconciliation), ct);
        return TypedResults.Ok(new ReconciliationPolicyResponse(tenantId, policy.Domains.ToList(), policy.InactiveAfterDays, policy.StaleInviteAfterDays));
    }

    private static async Task<Results<Ok<ReconciliationPolicyResponse>, ValidationProblem>> PutAsync(
        Guid tenantId, ReconciliationPolicyRequest request, ModuleDatabase<SeatsModule> db, IOptions<SeatsOptions> options, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request.InactiveAfterDays is not (>= 1 and <= 365))
        {
            errors.Add("inactiveAfterDays", "Days without activity: a whole number from 1 to 365.");
        }
        if (request.StaleInviteAfterDays is not (>= 1 and <= 365))
        {
            errors.Add("staleInviteAfterDays", "Days an invite may wait: a whole number from 1 to 365.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var policy = await db.WriteAsync(async uow =>
        {
            await uow.ExecuteAsync(
                """
                INSERT INTO tenant_reconciliation_policies (tenant_id, email_domains, domains_at, inactive_after_days, stale_invite_after_days, updated_at)
                SELECT @tenantId, '', NULL, @inactive, @stale, @now
                WHERE NOT EXISTS (SELECT 1 FROM tenant_reconciliation_policies WHERE tenant_id = @tenantId)
                """, new { tenantId, inactive = request.InactiveAfterDays, stale = request.StaleInviteAfterDays, now = uow.Now });
            await uow.ExecuteAsync(
                """
                UPDATE tenant_reconciliation_policies SET inactive_after_days = @inactive, stale_invite_after_days = @stale, updated_at = @now
                WHERE tenant_id = @tenantId
                """, new { tenantId, inactive = request.InactiveAfterDays, stale = request.StaleInviteAfterDays, now = uow.Now });
            await uow.AuditAsync("reconciliation_policy", tenantId, "updated", new { request.InactiveAfterDays, request.StaleInviteAfterDays }, tenantId);
            return await ReconciliationRunner.LoadPolicyAsync(uow, tenantId, options.Value.Reconciliation);
        }, ct);
        return TypedResults.Ok(new ReconciliationPolicyResponse(tenantId, policy.Domains.ToList(), policy.InactiveAfterDays, policy.StaleInviteAfterDays));
    }
}
