namespace LicenceOps.Platform;

/// <summary>
/// Fixed identifiers of the demo companies seeded on first start, shared so that each module can seed
/// its own rows for the same tenants without calling another module.
/// </summary>
public static class DemoData
{
    public static readonly Guid AcmeTenantId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4A01");
    public const string AcmeName = "Acme Conseil SAS";
    public const string AcmeDomain = "acme-conseil.fr";
    public static readonly Guid AcmeMarketingId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4B01");
    public static readonly Guid AcmeEngineeringId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4B02");
    public static readonly Guid AcmeFinanceId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4B03");
    public static readonly Guid AcmeHumanResourcesId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4B04");
    public static readonly Guid AcmeSophieId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4C01");
    public static readonly Guid AcmeHugoId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4C04");
    public static readonly Guid AcmeChloeId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4C05");

    /// <summary>
    /// Seat events dated before the first start that Seats' demo publishes (Acme's Claude seats in use since earlier
    /// months: three assignments and one release). Billing's demo history waits for all of them, because the past
    /// months are invoiced from these seat-days.
    /// </summary>
    public const int BackdatedSeatChanges = 4;

    public static readonly Guid NordwindTenantId = Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A5B01");
    public const string NordwindName = "Nordwind Logistik GmbH";
    public const string NordwindDomain = "nordwind-logistik.de";
    public static readonly Guid NordwindSalesId = Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A5C01");
    public static readonly Guid NordwindOperationsId = Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A5C02");
    public static readonly Guid NordwindItId = Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A5C03");
}
