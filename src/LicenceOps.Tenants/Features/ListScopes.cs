namespace LicenceOps.Tenants.Features;

/// <summary>
/// The data-version scopes of the Tenants module's cached lists (ADR 0034). Each scope's triggers (migration
/// 1200_list_cache_scopes) cover every table its list reads, joins and existence checks included; a list that starts
/// reading another table must add that table's triggers to its scope in a new migration.
/// </summary>
internal static class ListScopes
{
    /// <summary>GET /api/tenants/{id}/people: people; tenants (an empty page asks whether the tenant exists).</summary>
    public const string People = "people";

    /// <summary>GET /api/tenants/{id}/departments: departments; tenants (existence check).</summary>
    public const string Departments = "departments";

    /// <summary>GET /api/tenants: tenants and tenant_domains, across tenants (one version under the all-zero tenant id).</summary>
    public const string Tenants = "tenants";
}
