namespace LicenceOps.Contracts.Tenants;

/// <summary>A person was added to a tenant (status joining or active). Published by Tenants.</summary>
public sealed record PersonJoined(
    Guid PersonId,
    Guid TenantId,
    string Email,
    string DisplayName,
    Guid? DepartmentId,
    DateOnly StartDate,
    DateTimeOffset OccurredAt);

/// <summary>A person changed department. Published by Tenants.</summary>
public sealed record PersonMovedDepartment(
    Guid PersonId,
    Guid TenantId,
    string Email,
    Guid? FromDepartmentId,
    Guid? ToDepartmentId,
    DateOnly EffectiveDate,
    DateTimeOffset OccurredAt);

/// <summary>A leave was recorded; the person keeps access until <see cref="EndDate"/>. Published by Tenants.</summary>
public sealed record PersonLeaving(
    Guid PersonId,
    Guid TenantId,
    string Email,
    DateOnly EndDate,
    DateTimeOffset OccurredAt);

/// <summary>The person's end date has passed; they are gone. Published by Tenants.</summary>
public sealed record PersonLeft(
    Guid PersonId,
    Guid TenantId,
    string Email,
    DateOnly EndDate,
    DateTimeOffset OccurredAt);
