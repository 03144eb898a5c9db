using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Consumers;

namespace LicenceOps.Seats.Features.SeatTemplates;

public sealed record CreateSeatTemplateRequest(Guid? DepartmentId, Guid? SubscriptionId);

public sealed class SeatTemplateResponse
{
    public Guid Id { get; init; }
    public Guid DepartmentId { get; init; }
    public Guid SubscriptionId { get; init; }
    public string PlanCode { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }

    public const string SelectSql = """
        SELECT t.id AS Id, t.department_id AS DepartmentId, t.subscription_id AS SubscriptionId, s.plan_code AS PlanCode,
               t.created_at AS CreatedAt
        FROM seat_templates t JOIN subscriptions s ON s.id = t.subscription_id
        """;
}

/// <summary>Department templates: which subscriptions a member of a department gets on joining (one row per subscription).</summary>
internal static class SeatTemplateEndpoints
{
    private static readonly Keyset<SeatTemplateResponse> Oldest = new("seat-templates",
        SortKey.Asc<SeatTemplateResponse>("t.created_at", t => t.CreatedAt), SortKey.Asc<SeatTemplateResponse>("t.id", t => t.Id));

    public static async Task<IResult> ListAsync(
        Guid tenantId, Guid? departmentId, PageRequest page, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound("Tenant not found.");
        }
        var rows = await Oldest.ReadAsync(db, SeatTemplateResponse.SelectSql,
            "t.tenant_id = @tenantId AND (@departmentId IS NULL OR t.department_id = @departmentId)", new { tenantId, departmentId }, page, ct);
        return TypedResults.Ok(rows);
    }

    public static async Task<IResult> CreateAsync(Guid tenantId, CreateSeatTemplateRequest request, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request.DepartmentId is null || request.DepartmentId == Guid.Empty)
        {
            errors.Add("departmentId", "The department is required.");
        }
        if (request.SubscriptionId is null || request.SubscriptionId == Guid.Empty)
        {
            errors.Add("subscriptionId", "The subscription members of the department get is required.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        return await db.WriteAsync<IResult>(async uow =>
        {
            var unknown = new ValidationErrors();
            if (await uow.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM subscriptions WHERE id = @id AND tenant_id = @tenantId",
                    new { id = request.SubscriptionId, tenantId }) is null)
            {
                unknown.Add("subscriptionId", $"Subscription {request.SubscriptionId} is not one of this tenant's.");
            }
            // Departments live in Tenants; Seats checks its copy (DepartmentChanged) so a template never waits for a department that does not exist.
            if (!await TenantDirectory.DepartmentExistsAsync(uow, tenantId, request.DepartmentId!.Value))
            {
                unknown.Add("departmentId", $"Department {request.DepartmentId} is not one of this tenant's.");
            }
            if (unknown.Any)
            {
                return unknown.ToProblem();
            }
            var id = RowIds.New();
            var inserted = await uow.ExecuteAsync(
                """
                INSERT INTO seat_templates (id, tenant_id, department_id, subscription_id, created_at)
                SELECT @id, @tenantId, @departmentId, @subscriptionId, @now
                WHERE NOT EXISTS (SELECT 1 FROM seat_templates
                                  WHERE tenant_id = @tenantId AND department_id = @departmentId AND subscription_id = @subscriptionId)
                """,
                new { id, tenantId, departmentId = request.DepartmentId, subscriptionId = request.SubscriptionId, now = uow.Now });
            if (inserted == 0)
            {
                return Problems.Conflict("The department's template already contains this subscription.");
            }
            await uow.AuditAsync("seat_template", id, "created", new { request.DepartmentId, request.SubscriptionId }, tenantId);
            var created = await uow.QuerySingleOrDefaultAsync<SeatTemplateResponse>(SeatTemplateResponse.SelectSql + " WHERE t.id = @id", new { id });
            return TypedResults.Created($"/api/tenants/{tenantId}/seat-templates/{id}", created);
        }, ct);
    }

    public static async Task<IResult> DeleteAsync(Guid tenantId, Guid templateId, ModuleDatabase<SeatsModule> db, CancellationToken ct) =>
        await db.WriteAsync<IResult>(async uow =>
        {
            var deleted = await uow.ExecuteAsync("DELETE FROM seat_templates WHERE id = @templateId AND tenant_id = @tenantId",
                new { templateId, tenantId });
            if (deleted == 0)
            {
                return Problems.NotFound($"Template entry {templateId} not found.");
            }
            await uow.AuditAsync("seat_template", templateId, "deleted", null, tenantId);
            return TypedResults.NoContent();
        }, ct);
}
