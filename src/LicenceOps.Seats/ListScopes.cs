using LicenceOps.Platform.Security;

namespace LicenceOps.Seats;

/// <summary>
/// The data-version scopes of the Seats module's cached lists (ADR 0034). Each scope's triggers (migration
/// 1201_list_cache_scopes) cover every table its list reads, joins included; a list that starts reading another table
/// must add that table's triggers to its scope in a new migration.
/// </summary>
internal static class ListScopes
{
    /// <summary>GET /api/tenants/{id}/seats: seats; subscriptions (plan code); people (Seats' copy, for the e-mail).</summary>
    public const string Seats = "seats";

    /// <summary>GET /api/tenants/{id}/subscriptions: subscriptions; catalogue_plans (the plan's terms).</summary>
    public const string Subscriptions = "subscriptions";

    /// <summary>The rule both list handlers apply (404 otherwise); the cache applies it before serving a page.</summary>
    public static bool MayRead(CurrentUser user, Guid tenantId) => user.CanAccessTenant(tenantId);
}
