using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;

namespace LicenceOps.Tenants.Features.Tenants;

/// <summary>The email domains a tenant owns; a domain has one owner at most.</summary>
internal static class TenantDomains
{
    public static async Task<IReadOnlyList<string>> OfAsync(UnitOfWork uow, Guid tenantId) =>
        await uow.QueryAsync<string>("SELECT domain FROM tenant_domains WHERE tenant_id = @tenantId ORDER BY domain", new { tenantId });

    /// <summary>The domains of one page of tenants, in one query.</summary>
    public static async Task<ILookup<Guid, string>> OfAsync(ModuleDatabase<TenantsModule> db, IReadOnlyList<Guid> tenantIds, CancellationToken ct)
    {
        if (tenantIds.Count == 0)
        {
            return Array.Empty<TenantDomainRow>().ToLookup(r => r.TenantId, r => r.Domain);
        }
        var rows = await db.QueryAsync<TenantDomainRow>(
            "SELECT tenant_id AS TenantId, domain AS Domain FROM tenant_domains WHERE tenant_id IN @tenantIds", new { tenantIds }, ct);
        return rows.ToLookup(r => r.TenantId, r => r.Domain);
    }

    /// <summary>Null when every domain is free or already this tenant's; otherwise why not.</summary>
    public static async Task<string?> RefuseTakenAsync(UnitOfWork uow, Guid tenantId, IReadOnlyList<string> domains)
    {
        var taken = await uow.QueryAsync<TenantDomainRow>(
            "SELECT tenant_id AS TenantId, domain AS Domain FROM tenant_domains WHERE domain IN @domains AND tenant_id <> @tenantId",
            new { domains, tenantId });
        return taken.Count == 0
            ? null
            : $"Already owned by another tenant: {string.Join(", ", taken.Select(t => $"{t.Domain} (tenant {t.TenantId})"))}.";
    }

    public static async Task ReplaceAsync(UnitOfWork uow, Guid tenantId, IReadOnlyList<string> domains)
    {
        await uow.ExecuteAsync("DELETE FROM tenant_domains WHERE tenant_id = @tenantId", new { tenantId });
        foreach (var domain in domains)
        {
            await uow.ExecuteAsync("INSERT INTO tenant_domains (domain, tenant_id) VALUES (@domain, @tenantId)", new { domain, tenantId });
        }

        // The whole set, so a consumer that receives an older message after a newer one can tell by OccurredAt.
        await uow.PublishAsync(new TenantEmailDomainsChanged(tenantId, domains, uow.Now));
    }
}
