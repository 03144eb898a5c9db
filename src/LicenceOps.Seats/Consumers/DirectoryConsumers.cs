using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;

namespace LicenceOps.Seats.Consumers;

/// <summary>Seats' list of the tenants that exist (and their status); an older profile never overwrites a newer one.</summary>
public sealed class SeatsTenantProfileConsumer(ModuleDatabase<SeatsModule> database)
    : ModuleConsumer<SeatsModule, TenantProfileChanged>(database)
{
    protected override async Task HandleAsync(TenantProfileChanged message, UnitOfWork uow, CancellationToken ct)
    {
        await uow.ApplyNewerAsync(
            "UPDATE known_tenants SET status = @Status, profile_at = @OccurredAt WHERE tenant_id = @TenantId AND profile_at <= @OccurredAt",
            """
            INSERT INTO known_tenants (tenant_id, status, profile_at)
            SELECT @TenantId, @Status, @OccurredAt
            WHERE NOT EXISTS (SELECT 1 FROM known_tenants WHERE tenant_id = @TenantId)
            """,
            message);
    }
}

/// <summary>Seats' copy of each tenant's departments, so a seat template names a real department of its tenant.</summary>
public sealed class SeatsDepartmentConsumer(ModuleDatabase<SeatsModule> database)
    : ModuleConsumer<SeatsModule, DepartmentChanged>(database)
{
    protected override async Task HandleAsync(DepartmentChanged message, UnitOfWork uow, CancellationToken ct)
    {
        await uow.ApplyNewerAsync(
            """
            UPDATE known_departments SET tenant_id = @TenantId, name = @Name, changed_at = @OccurredAt
            WHERE department_id = @DepartmentId AND changed_at <= @OccurredAt
            """,
            """
            INSERT INTO known_departments (department_id, tenant_id, name, changed_at)
            SELECT @DepartmentId, @TenantId, @Name, @OccurredAt
            WHERE NOT EXISTS (SELECT 1 FROM known_departments WHERE department_id = @DepartmentId)
            """,
            message);
    }
}

/// <summary>Questions Seats asks its read copies of the Tenants directory instead of calling Tenants.</summary>
internal static class TenantDirectory
{
    public static async Task<bool> TenantExistsAsync(UnitOfWork uow, Guid tenantId) =>
        await uow.QuerySingleOrDefaultAsync<Guid?>("SELECT tenant_id FROM known_tenants WHERE tenant_id = @tenantId", new { tenantId }) is not null;

    public static async Task<bool> DepartmentExistsAsync(UnitOfWork uow, Guid tenantId, Guid departmentId) =>
        await uow.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT department_id FROM known_departments WHERE department_id = @departmentId AND tenant_id = @tenantId",
            new { departmentId, tenantId }) is not null;
}
