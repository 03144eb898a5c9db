namespace LicenceOps.Contracts.Tenants;

/// <summary>
/// A department was created or renamed; carries its current name. Seats keeps the names for its usage reports
/// (person events carry only the department id). The newest <see cref="OccurredAt"/> wins.
/// </summary>
public sealed record DepartmentNamed(
    Guid DepartmentId,
    Guid TenantId,
    string Name,
    DateTimeOffset OccurredAt);
