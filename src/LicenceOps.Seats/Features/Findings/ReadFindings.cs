using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain.Reconciliation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Seats.Features.Findings;

/// <summary>
/// GET /api/findings (staff, every tenant) and GET /api/tenants/{tenantId}/findings[/{id}] (a client sees its own):
/// filters kind, status, vendor (vendor code) and, for staff, tenant; sorted by monthly euro effect, largest first,
/// keyset-paged.
/// </summary>
internal static class ReadFindings
{
    public static void Map(IEndpointRouteBuilder api, IEndpointRouteBuilder tenant)
    {
        api.MapGet("/findings", ListAllAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Reconciliation findings across tenants, largest monthly euro effect first (filters: tenantId, kind, status, vendor).");
        tenant.MapGet("/findings", ListAsync)
            .WithSummary("The tenant's reconciliation findings, largest monthly euro effect first (filters: kind, status, vendor).");
        tenant.MapGet("/findings/{findingId:guid}", GetAsync).WithSummary("One reconciliation finding.");
    }

    internal static readonly Keyset<FindingRow> ByEffect = new("findings",
        SortKey.Desc<FindingRow>("monthly_effect_cents", r => r.MonthlyEffectCents), SortKey.Asc<FindingRow>("id", r => r.Id));

    private const string Filters = "(@kind IS NULL OR kind = @kind) AND (@status IS NULL OR status = @status) AND (@vendor IS NULL OR vendor_code = @vendor)";

    private static async Task<Results<Ok<Page<FindingResponse>>, ValidationProblem>> ListAllAsync(
        Guid? tenantId, string? kind, string? status, string? vendor, PageRequest page, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (CheckFilters(kind, status) is { } invalid)
        {
            return invalid;
        }
        var rows = await ByEffect.ReadAsync(db, FindingRow.SelectSql, $"(@tenantId IS NULL OR tenant_id = @tenantId) AND {Filters}",
            new { tenantId, kind, status, vendor }, page, ct);
        return TypedResults.Ok(rows.Map(FindingResponse.From));
    }

    private static async Task<Results<Ok<Page<FindingResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid tenantId, string? kind, string? status, string? vendor, PageRequest page, CurrentUser user, ModuleDatabase<SeatsModule> db,
        CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound("Tenant not found.");
        }
        if (CheckFilters(kind, status) is { } invalid)
        {
            return invalid;
        }
        var rows = await ByEffect.ReadAsync(db, FindingRow.SelectSql, $"tenant_id = @tenantId AND {Filters}", new { tenantId, kind, status, vendor }, page, ct);
        return TypedResults.Ok(rows.Map(FindingResponse.From));
    }

    private static async Task<Results<Ok<FindingResponse>, ProblemHttpResult>> GetAsync(
        Guid tenantId, Guid findingId, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var row = user.CanAccessTenant(tenantId)
            ? await db.QuerySingleOrDefaultAsync<FindingRow>(FindingRow.SelectSql + " WHERE id = @findingId AND tenant_id = @tenantId",
                new { findingId, tenantId }, ct)
            : null;
        return row is null ? Problems.NotFound($"Finding {findingId} not found.") : TypedResults.Ok(FindingResponse.From(row));
    }

    private static ValidationProblem? CheckFilters(string? kind, string? status)
    {
        var errors = new ValidationErrors();
        if (kind is not null && !FindingKinds.All.Contains(kind))
        {
            errors.Add("kind", $"kind must be one of {string.Join(", ", FindingKinds.All)}.");
        }
        if (status is not null && !FindingStatuses.All.Contains(status))
        {
            errors.Add("status", $"status must be one of {string.Join(", ", FindingStatuses.All)}.");
        }
        return errors.Any ? errors.ToProblem() : null;
    }
}
