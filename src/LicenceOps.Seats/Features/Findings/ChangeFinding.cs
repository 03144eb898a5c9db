using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain.Reconciliation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Seats.Features.Findings;

public sealed record AcceptFindingRequest([property: Text(1000, Multiline = true)] string? Note);

public sealed record DismissFindingRequest([property: Text(1000, Multiline = true)] string? Reason);

/// <summary>
/// POST /api/tenants/{tenantId}/findings/{id}/accept and /dismiss: staff or the client's admin agree with a finding (the
/// action is pending) or decide not to act, saying why. The status sticks while the cause lasts; a run that no longer
/// sees the cause closes it.
/// </summary>
internal static class ChangeFinding
{
    public static void Map(IEndpointRouteBuilder tenant)
    {
        tenant.MapPost("/findings/{findingId:guid}/accept", AcceptAsync).WithSummary("Accept a finding: its recommended action will be taken.");
        tenant.MapPost("/findings/{findingId:guid}/dismiss", DismissAsync).WithSummary("Dismiss a finding with a reason (required).");
    }

    private static async Task<Results<Ok<FindingResponse>, ValidationProblem, ProblemHttpResult, ForbidHttpResult>> AcceptAsync(
        Guid tenantId, Guid findingId, AcceptFindingRequest? request, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound($"Finding {findingId} not found.");
        }
        if (!user.IsStaff && !user.IsInRole(Roles.ClientAdmin))
        {
            return TypedResults.Forbid();
        }
        return await MoveAsync(db, tenantId, findingId, FindingStatuses.Accepted, request?.Note, [FindingStatuses.Open, FindingStatuses.Dismissed], ct);
    }

    private static async Task<Results<Ok<FindingResponse>, ValidationProblem, ProblemHttpResult, ForbidHttpResult>> DismissAsync(
        Guid tenantId, Guid findingId, DismissFindingRequest? request, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound($"Finding {findingId} not found.");
        }
        if (!user.IsStaff && !user.IsInRole(Roles.ClientAdmin))
        {
            return TypedResults.Forbid();
        }
        if (string.IsNullOrWhiteSpace(request?.Reason))
        {
            var errors = new ValidationErrors();
            errors.Add("reason", "Say why the finding is dismissed.");
            return errors.ToProblem();
        }
        return await MoveAsync(db, tenantId, findingId, FindingStatuses.Dismissed, request.Reason.Trim(), [FindingStatuses.Open, FindingStatuses.Accepted], ct);
    }

    private static Task<Results<Ok<FindingResponse>, ValidationProblem, ProblemHttpResult, ForbidHttpResult>> MoveAsync(
        ModuleDatabase<SeatsModule> db, Guid tenantId, Guid findingId, string to, string? reason, string[] from, CancellationToken ct) =>
        db.WriteAsync<Results<Ok<FindingResponse>, ValidationProblem, ProblemHttpResult, ForbidHttpResult>>(async uow =>
        {
            var before = await FindingResponse.LoadAsync(uow, tenantId, findingId);
            if (before is null)
            {
                return Problems.NotFound($"Finding {findingId} not found.");
            }
            if (!from.Contains(before.Status))
            {
                return Problems.Conflict($"A {before.Status} finding cannot become {to}; allowed from: {string.Join(", ", from)}.");
            }
            var rows = await uow.ExecuteAsync(
                """
                UPDATE findings SET status = @to, status_reason = @reason, status_changed_at = @now, status_changed_by = @actor, updated_at = @now
                WHERE id = @findingId AND tenant_id = @tenantId AND status = @previous
                """,
                new { findingId, tenantId, to, reason, now = uow.Now, actor = uow.Actor.Display, previous = before.Status });
            if (rows != 1)
            {
                return Problems.Conflict("The finding changed meanwhile; read it again.");
            }
            await uow.AuditAsync("finding", findingId, to, new { from = before.Status, reason }, tenantId);
            return TypedResults.Ok((await FindingResponse.LoadAsync(uow, tenantId, findingId))!);
        }, ct);
}
