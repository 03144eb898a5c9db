using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http.Paging;
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
    private sealed record AuditRow(
        long Seq, Guid Id, DateTimeOffset OccurredAt, string ActorId, string ActorDisplay, Guid? TenantId, string EntityType, Guid EntityId,
        string Action, string? Changes)
    {
        public AuditEntryView ToView() => new(Id, OccurredAt, ActorId, ActorDisplay, TenantId, EntityType, EntityId, Action, Changes);
    }

    /// <summary>Newest first by the insertion sequence: entries written while a client pages appear before its cursor, never inside.</summary>
    private static readonly Keyset<AuditRow> NewestFirst = new("audit", SortKey.Desc<AuditRow>("seq", r => r.Seq));

    /// <summary>GET &lt;group&gt;/audit: the module's audit log, newest first, for staff.</summary>
    public static RouteHandlerBuilder MapAuditLog<TModule>(this IEndpointRouteBuilder group) where TModule : IModule =>
        group.MapGet("/audit", ReadAsync<TModule>)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Who changed what, newest first.");

    private static async Task<Ok<Page<AuditEntryView>>> ReadAsync<TModule>(
        Guid? tenantId,
        Guid? entityId,
        string? entityType,
        PageRequest page,
        ModuleDatabase<TModule> database,
        CancellationToken ct)
        where TModule : IModule
    {
        var rows = await NewestFirst.ReadAsync(
            database,
            """
            SELECT seq AS Seq, id AS Id, occurred_at AS OccurredAt, actor_id AS ActorId, actor_display AS ActorDisplay, tenant_id AS TenantId,
                   entity_type AS EntityType, entity_id AS EntityId, action AS Action, changes AS Changes
            FROM audit_log
            """,
            "(@tenantId IS NULL OR tenant_id = @tenantId) AND (@entityId IS NULL OR entity_id = @entityId) AND (@entityType IS NULL OR entity_type = @entityType)",
            new { tenantId, entityId, entityType },
            page,
            ct);
        return TypedResults.Ok(rows.Map(r => r.ToView()));
    }
}
