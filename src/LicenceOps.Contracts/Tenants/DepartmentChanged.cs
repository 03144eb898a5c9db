namespace LicenceOps.Contracts.Tenants;

/// <summary>
/// A department was created or renamed. Carries the department's whole current state so that consumers (Seats) keep a
/// read copy and can refuse a reference to a department that does not exist; the newest <see cref="OccurredAt"/> wins.
/// Published by Tenants.
/// </summary>
public sealed record DepartmentChanged(
    Guid DepartmentId,
    Guid TenantId,
    string Name,
    DateTimeOffset OccurredAt,
    string? Status = null);
