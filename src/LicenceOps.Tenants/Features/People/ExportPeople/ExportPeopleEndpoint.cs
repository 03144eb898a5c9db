using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Tenants.Features.People.ExportPeople;

/// <summary>
/// GET /api/tenants/{tenantId}/people/export[?includeLeft=true]: the people as CSV in the import's columns.
/// People who left are left out unless asked for, so the export re-imports as it is.
/// </summary>
internal static class ExportPeopleEndpoint
{
    public static void MapExportPeople(this IEndpointRouteBuilder group) =>
        group.MapGet("/{tenantId:guid}/people/export", HandleAsync)
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .WithSummary("Export people as CSV (same columns as the import).");

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> HandleAsync(
        Guid tenantId, bool? includeLeft, CurrentUser user, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        if (Access.Read(user, tenantId) is { } denied)
        {
            return denied;
        }
        if (await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM tenants WHERE id = @tenantId", new { tenantId }, ct) is null)
        {
            return Access.TenantNotFound(tenantId);
        }
        var rows = db.StreamAsync<PersonCsvLine>(
            """
            SELECT p.email AS Email, p.first_name AS FirstName, p.last_name AS LastName, d.name AS Department,
                   m.email AS ManagerEmail, p.start_date AS StartDate, p.is_external AS External, p.status AS Status,
                   p.end_date AS EndDate
            FROM people p
            LEFT JOIN departments d ON d.id = p.department_id
            LEFT JOIN people m ON m.id = p.manager_id
            WHERE p.tenant_id = @tenantId AND (@includeLeft = @yes OR p.status <> @left)
            ORDER BY p.last_name, p.first_name, p.email
            """,
            new { tenantId, includeLeft = includeLeft ?? false, yes = true, left = Domain.PersonStatus.Left },
            ct);
        return CsvStreaming.Stream(rows, PeopleCsvWriter.Write, "text/csv; charset=utf-8", $"people-{tenantId}.csv");
    }
}
