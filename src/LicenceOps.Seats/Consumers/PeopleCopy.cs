using LicenceOps.Platform.Data;

namespace LicenceOps.Seats.Consumers;

/// <summary>Seats' read copy of the people Tenants owns: enough to invite (email, name) and to pick a template (department).</summary>
internal static class PeopleCopy
{
    public static async Task UpsertAsync(
        UnitOfWork uow, Guid personId, Guid tenantId, string email, string? displayName, Guid? departmentId, bool setDepartment,
        string status, DateOnly? endDate)
    {
        var updated = await uow.ExecuteAsync(
            """
            UPDATE people SET email = @email, display_name = COALESCE(@displayName, display_name),
                department_id = CASE WHEN @setDepartment = 1 THEN @departmentId ELSE department_id END,
                status = @status, end_date = COALESCE(@endDate, end_date), updated_at = @now
            WHERE person_id = @personId AND tenant_id = @tenantId
            """,
            new { personId, tenantId, email, displayName, departmentId, setDepartment = setDepartment ? 1 : 0, status, endDate, now = uow.Now });
        if (updated == 0)
        {
            await uow.ExecuteAsync(
                """
                INSERT INTO people (person_id, tenant_id, email, display_name, department_id, status, end_date, updated_at)
                VALUES (@personId, @tenantId, @email, @displayName, @departmentId, @status, @endDate, @now)
                """,
                new { personId, tenantId, email, displayName = displayName ?? email, departmentId, status, endDate, now = uow.Now });
        }
    }
}
