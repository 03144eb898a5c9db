using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;

namespace LicenceOps.Platform.Identity;

/// <summary>Keeps Identity's list of existing tenants; an older profile never overwrites a newer one.</summary>
public sealed class KnownTenantsConsumer(ModuleDatabase<IdentityModule> database)
    : ModuleConsumer<IdentityModule, TenantProfileChanged>(database)
{
    protected override async Task HandleAsync(TenantProfileChanged message, UnitOfWork uow, CancellationToken ct)
    {
        await uow.ApplyNewerAsync(
            "UPDATE known_tenants SET legal_name = @LegalName, status = @Status, profile_at = @OccurredAt WHERE tenant_id = @TenantId AND profile_at <= @OccurredAt",
            """
            INSERT INTO known_tenants (tenant_id, legal_name, status, profile_at)
            SELECT @TenantId, @LegalName, @Status, @OccurredAt
            WHERE NOT EXISTS (SELECT 1 FROM known_tenants WHERE tenant_id = @TenantId)
            """,
            message);
    }
}

internal static class KnownTenants
{
    public static async Task<bool> ExistsAsync(ModuleDatabase<IdentityModule> database, Guid tenantId, CancellationToken ct) =>
        await database.QuerySingleOrDefaultAsync<Guid?>("SELECT tenant_id FROM known_tenants WHERE tenant_id = @tenantId", new { tenantId }, ct) is not null;
}
