using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;

namespace LicenceOps.Billing.Consumers;

/// <summary>Keeps Billing's copy of the buyer identity; an older profile never overwrites a newer one.</summary>
public sealed class TenantProfileChangedConsumer(ModuleDatabase<BillingModule> database)
    : ModuleConsumer<BillingModule, TenantProfileChanged>(database)
{
    protected override async Task HandleAsync(TenantProfileChanged message, UnitOfWork uow, CancellationToken ct)
    {
        await uow.ApplyNewerAsync(
            """
            UPDATE billing_tenants
            SET legal_name = @LegalName, siren = @Siren, siret = @Siret, vat_number = @VatNumber,
                country_code = @CountryCode, address_line1 = @AddressLine1, address_line2 = @AddressLine2,
                postal_code = @PostalCode, city = @City, billing_email = @BillingEmail, status = @Status,
                profile_at = @OccurredAt
            WHERE tenant_id = @TenantId AND profile_at <= @OccurredAt
            """,
            """
            INSERT INTO billing_tenants (tenant_id, legal_name, siren, siret, vat_number, country_code, address_line1,
                address_line2, postal_code, city, billing_email, status, profile_at)
            SELECT @TenantId, @LegalName, @Siren, @Siret, @VatNumber, @CountryCode, @AddressLine1,
                @AddressLine2, @PostalCode, @City, @BillingEmail, @Status, @OccurredAt
            WHERE NOT EXISTS (SELECT 1 FROM billing_tenants WHERE tenant_id = @TenantId)
            """,
            message);
    }
}
