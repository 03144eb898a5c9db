using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;

namespace LicenceOps.Tenants.Features.People;

/// <summary>A row of the people table (column order = constructor order).</summary>
internal sealed record PersonRow(
    Guid Id,
    Guid TenantId,
    string Email,
    string FirstName,
    string LastName,
    Guid? DepartmentId,
    Guid? ManagerId,
    bool IsExternal,
    string Status,
    DateOnly StartDate,
    DateOnly? EndDate,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version = 1)
{
    public const string Select =
        """
        SELECT id AS Id, tenant_id AS TenantId, email AS Email, first_name AS FirstName, last_name AS LastName,
               department_id AS DepartmentId, manager_id AS ManagerId, is_external AS IsExternal, status AS Status,
               start_date AS StartDate, end_date AS EndDate, created_at AS CreatedAt, updated_at AS UpdatedAt,
               version AS Version
        FROM people
        """;

    public string DisplayName => $"{FirstName} {LastName}";

    public static Task<PersonRow?> FindAsync(UnitOfWork uow, Guid tenantId, Guid personId) =>
        uow.QuerySingleOrDefaultAsync<PersonRow>(Select + " WHERE id = @personId AND tenant_id = @tenantId", new { personId, tenantId });

    public static Task InsertAsync(UnitOfWork uow, PersonRow person) =>
        uow.ExecuteAsync(
            """
            INSERT INTO people (id, tenant_id, email, first_name, last_name, department_id, manager_id, is_external, status,
                                start_date, end_date, created_at, updated_at, version)
            VALUES (@Id, @TenantId, @Email, @FirstName, @LastName, @DepartmentId, @ManagerId, @IsExternal, @Status,
                    @StartDate, @EndDate, @CreatedAt, @UpdatedAt, @Version)
            """,
            person);

    public PersonView ToView() => new(
        Id, TenantId, Email, FirstName, LastName, DisplayName, DepartmentId, ManagerId, IsExternal, Status, StartDate, EndDate, CreatedAt, UpdatedAt);

    // Each event carries the row's whole state and version: consumers apply only what is newer than what they hold.
    public PersonJoined Joined(DateTimeOffset now) => new(Id, TenantId, Email, DisplayName, DepartmentId, StartDate, now, Version, Status);

    public PersonMovedDepartment Moved(Guid? from, DateOnly effective, DateTimeOffset now) =>
        new(Id, TenantId, Email, from, DepartmentId, effective, now, Version, Status, DisplayName);

    public PersonRenamed Renamed(DateTimeOffset now) => new(Id, TenantId, Email, DisplayName, DepartmentId, Status, EndDate, now, Version);

    public PersonLeaving Leaving(DateTimeOffset now) => new(Id, TenantId, Email, EndDate!.Value, now, Version, Status, DepartmentId, DisplayName);

    public PersonLeft Left(DateTimeOffset now) => new(Id, TenantId, Email, EndDate!.Value, now, Version, DepartmentId, DisplayName);
}

public sealed record PersonView(
    Guid Id,
    Guid TenantId,
    string Email,
    string FirstName,
    string LastName,
    string DisplayName,
    Guid? DepartmentId,
    Guid? ManagerId,
    bool IsExternal,
    string Status,
    DateOnly StartDate,
    DateOnly? EndDate,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
