namespace LicenceOps.Platform.Data;

/// <summary>
/// Reads per-tenant data versions (ADR 0033): one number per (scope, tenant) that row triggers bump whenever any row of
/// the scope's tables changes for that tenant. Equal versions mean nothing in the scope changed for the tenant, whoever
/// wrote; the number says nothing else (it is not a count of rows or of changes).
/// </summary>
/// <remarks>
/// Read the version before the data it guards: what is read afterwards is then at least as new as the version, so a
/// cache filled under it can be older than the database for a moment, but is never served once the version moved.
/// </remarks>
public static class DataVersions
{
    private const string Select = "SELECT version FROM data_versions WHERE scope = @scope AND tenant_id = @tenantId";

    /// <summary>The committed version of <paramref name="scope"/> for a tenant; 0 while nothing was ever written.</summary>
    public static async Task<long> ReadAsync(ModuleDatabase db, string scope, Guid tenantId, CancellationToken ct = default) =>
        await db.QuerySingleOrDefaultAsync<long?>(Select, new { scope, tenantId }, ct) ?? 0;

    /// <summary>The version as this transaction sees it, its own uncommitted changes included.</summary>
    public static async Task<long> ReadAsync(UnitOfWork unit, string scope, Guid tenantId) =>
        await unit.QuerySingleOrDefaultAsync<long?>(Select, new { scope, tenantId }) ?? 0;
}
