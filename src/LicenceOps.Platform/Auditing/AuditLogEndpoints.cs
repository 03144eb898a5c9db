using LicenceOps.Platform.Data;
using LicenceOps.Platform.Modules;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Platform.Auditing;

public sealed record AuditEntryView(
    Guid Id,
    DateTimeOffset OccurredAt,
    string ActorId,
    string ActorDisplay,
    Guid? TenantId,
    string EntityType,
    Guid EntityId,
    string Action,
    string? Changes);

public static class AuditLogEndpoints
{
    public const int MaxTake = 1000;

    /// <summary>GET &lt;group&gt;/audit: the module's audit log, newest first, for staff.</summary>
    public static RouteHandlerBuilder MapAuditLog<TModule>(this IEndpointRouteBuilder group) where TModule : IModule =>
        group.MapGet("/audit", ReadAsync<TModule>)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Who changed what, newest first.");

    private static async Task<Results<Ok<IReadOnlyList<AuditEntryView>>, ValidationProblem>> ReadAsync<TModule>(
        Guid? tenantId,
        Guid? entityId,
        string? entityType,
        int? take,
        ModuleDatabase<TModule> database,
        CancellationToken ct)
        where TModule : IModule
    {
        var limit = take ?? 100;
        if (limit is < 1 or > MaxTake)
        {
            var errors = new Http.ValidationErrors();
            errors.Add("take", $"take must be between 1 and {MaxTake}.");
            return errors.ToProblem();
        }

        var sql = database.Dialect.Top(
            """
            SELECT id AS Id, occurred_at AS OccurredAt, actor_id AS ActorId, actor_display AS ActorDisplay, tenant_id AS TenantId,
                   entity_type AS EntityType, entity_id AS EntityId, action AS Action, changes AS Changes
            FROM audit_log
            WHERE (@tenantId IS NULL OR tenant_id = @tenantId)
              AND (@entityId IS NULL OR entity_id = @entityId)
              AND (@entityType IS NULL OR entity_type = @entityType)
            ORDER BY seq DESC
            """,
            "@take");
        var rows = await database.QueryAsync<AuditEntryView>(sql, new { tenantId, entityId, entityType, take = limit }, ct);
        return TypedResults.Ok(rows);
    }
}
