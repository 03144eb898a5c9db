namespace LicenceOps.Contracts.Tenants;

// Every person event carries the person's whole current state (status, department, end date) and its per-person
// Version, which Tenants raises on each change. Consumers keep the highest version they saw and ignore older or
// repeated ones, so these events may arrive late, twice or in any order. Version 0 means a publisher that does not
// version (the state fields are then partial and consumers fall back to the event's own meaning).

/// <summary>A person was added to a tenant (status joining or active). Published by Tenants.</summary>
public sealed record PersonJoined(
    Guid PersonId,
    Guid TenantId,
    string Email,
    string DisplayName,
    Guid? DepartmentId,
    DateOnly StartDate,
    DateTimeOffset OccurredAt,
    long Version = 0,
    string? Status = null);

/// <summary>A person changed department. Published by Tenants.</summary>
public sealed record PersonMovedDepartment(
    Guid PersonId,
    Guid TenantId,
    string Email,
    Guid? FromDepartmentId,
    Guid? ToDepartmentId,
    DateOnly EffectiveDate,
    DateTimeOffset OccurredAt,
    long Version = 0,
    string? Status = null,
    string? DisplayName = null);

/// <summary>
/// A person's name changed (edited, or an import that did not move them). Carries the whole state at <see cref="Version"/>.
/// Published by Tenants.
/// </summary>
public sealed record PersonRenamed(
    Guid PersonId,
    Guid TenantId,
    string Email,
    string DisplayName,
    Guid? DepartmentId,
    string Status,
    DateOnly? EndDate,
    DateTimeOffset OccurredAt,
    long Version);

/// <summary>A leave was recorded; the person keeps access until <see cref="EndDate"/>. Published by Tenants.</summary>
public sealed record PersonLeaving(
    Guid PersonId,
    Guid TenantId,
    string Email,
    DateOnly EndDate,
    DateTimeOffset OccurredAt,
    long Version = 0,
    string? Status = null,
    Guid? DepartmentId = null,
    string? DisplayName = null);

/// <summary>The person's end date has passed; they are gone. Published by Tenants.</summary>
public sealed record PersonLeft(
    Guid PersonId,
    Guid TenantId,
    string Email,
    DateOnly EndDate,
    DateTimeOffset OccurredAt,
    long Version = 0,
    Guid? DepartmentId = null,
    string? DisplayName = null);
