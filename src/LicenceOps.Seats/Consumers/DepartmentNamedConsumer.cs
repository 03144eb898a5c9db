using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;

namespace LicenceOps.Seats.Consumers;

/// <summary>Keeps the department names the usage reports print; an older name arriving late never overwrites a newer one.</summary>
public sealed class DepartmentNamedConsumer(ModuleDatabase<SeatsModule> db) : ModuleConsumer<SeatsModule, DepartmentNamed>(db)
{
    protected override async Task HandleAsync(DepartmentNamed message, UnitOfWork uow, CancellationToken ct)
    {
        var updated = await uow.ExecuteAsync(
            "UPDATE department_names SET name = @Name, named_at = @OccurredAt WHERE department_id = @DepartmentId AND named_at < @OccurredAt",
            message);
        if (updated == 0)
        {
            await uow.ExecuteAsync(
                """
                INSERT INTO department_names (department_id, tenant_id, name, named_at)
                SELECT @DepartmentId, @TenantId, @Name, @OccurredAt
                WHERE NOT EXISTS (SELECT 1 FROM department_names WHERE department_id = @DepartmentId)
                """,
                message);
        }
    }
}
