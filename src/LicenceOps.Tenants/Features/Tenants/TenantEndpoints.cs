using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Tenants.Features.Tenants;

internal static class TenantEndpoints
{
    public static void MapTenantEndpoints(this IEndpointRouteBuilder group)
    {
        ListTenants.Map(group);
        GetTenant.Map(group);
        CreateTenant.Map(group);
        UpdateTenant.Map(group);
        ChangeTenantStatus.Map(group);
    }
}
