using LicenceOps.Platform.Data;

namespace LicenceOps.Seats.Consumers;

/// <summary>
/// What one person event says about the person. With a <see cref="Version"/> it is the whole state at that version;
/// version 0 comes from a publisher that does not version, and then only the fields it names are known
/// (<see cref="SetDepartment"/> says whether <see cref="DepartmentId"/> is one of them).
/// </summary>
internal sealed record PersonFacts(
    Guid PersonId, Guid TenantId, string Email, string? DisplayName, long Version, string Status, Guid? DepartmentId, bool SetDepartment,
    DateOnly? EndDate);

/// <summary>Seats' read copy of the people Tenants owns: enough to invite (email, name) and to pick a template (department).</summary>
internal static class PeopleCopy
{
    /// <summary>
    /// Applies the facts when they are newer than the copy; true when the copy changed. A versioned event older
    /// than (or as old as) the copy changes nothing. Unversioned events never move the status backwards
    /// (left is final, leaving does not become active again).
    /// </summary>
    public static async Task<bool> ApplyAsync(UnitOfWork uow, PersonFacts facts)
    {
        var copy = await uow.QuerySingleOrDefaultAsync<CopyRow>(
            "SELECT version AS Version, status AS Status, end_date AS EndDate FROM people WHERE person_id = @PersonId AND tenant_id = @TenantId",
            new { facts.PersonId, facts.TenantId });
        if (copy is null)
        {
            var inserted = await uow.ExecuteAsync(
                """
                INSERT INTO people (person_id, tenant_id, email, display_name, department_id, status, end_date, updated_at, version)
                SELECT @PersonId, @TenantId, @Email, @displayName, @DepartmentId, @Status, @EndDate, @now, @Version
                WHERE NOT EXISTS (SELECT 1 FROM people WHERE person_id = @PersonId)
                """,
                new { facts.PersonId, facts.TenantId, facts.Email, displayName = facts.DisplayName ?? facts.Email, facts.DepartmentId, facts.Status,
                    facts.EndDate, now = uow.Now, facts.Version });
            return inserted == 1;
        }

        if (facts.Version > 0)
        {
            if (facts.Version <= copy.Version)
            {
                return false;
            }
            // Guarded on the version read: of two racing events only the newer one may win.
            var updated = await uow.ExecuteAsync(
                """
                UPDATE people SET email = @Email, display_name = COALESCE(@DisplayName, display_name), department_id = @DepartmentId,
                    status = @Status, end_date = @EndDate, version = @Version, updated_at = @now
                WHERE person_id = @PersonId AND tenant_id = @TenantId AND version = @previous
                """,
                new { facts.Email, facts.DisplayName, facts.DepartmentId, facts.Status, facts.EndDate, facts.Version, now = uow.Now,
                    facts.PersonId, facts.TenantId, previous = copy.Version });
            return updated == 1 ? true : throw new InvalidOperationException($"Person {facts.PersonId} changed while applying version {facts.Version}; retrying.");
        }

        if (copy.Version > 0 || Rank(facts.Status) < Rank(copy.Status))
        {
            // A versioned copy knows better than an unversioned event; a leaver does not come back through one.
            return false;
        }
        await uow.ExecuteAsync(
            """
            UPDATE people SET email = @Email, display_name = COALESCE(@DisplayName, display_name),
                department_id = CASE WHEN @setDepartment = 1 THEN @DepartmentId ELSE department_id END,
                status = @Status, end_date = COALESCE(@EndDate, end_date), updated_at = @now
            WHERE person_id = @PersonId AND tenant_id = @TenantId
            """,
            new { facts.Email, facts.DisplayName, facts.DepartmentId, setDepartment = facts.SetDepartment ? 1 : 0, facts.Status, facts.EndDate,
                now = uow.Now, facts.PersonId, facts.TenantId });
        return true;
    }

    private static int Rank(string status) => status switch
    {
        "left" => 2,
        "leaving" => 1,
        _ => 0,
    };

    private sealed record CopyRow(long Version, string Status, DateOnly? EndDate);
}
