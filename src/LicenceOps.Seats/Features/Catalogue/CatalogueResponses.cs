using LicenceOps.Seats.Domain.Catalogue;

namespace LicenceOps.Seats.Features.Catalogue;

public sealed record CatalogueResponse(IReadOnlyList<VendorResponse> Vendors);

public sealed record VendorResponse(string Code, string Name, IReadOnlyList<ProductResponse> Products);

public sealed record ProductResponse(string Name, IReadOnlyList<PlanResponse> Plans);

public sealed record PlanResponse(
    string Code, string VendorCode, string VendorName, string ProductName, string PlanName, decimal ListPrice,
    string PriceCurrency, bool ListPriceIncludesVat, string BillingCycle, bool SeatsReducibleBeforeRenewal,
    bool VendorHasAdminApi, string OffboardingDataRule, DateOnly PriceReadOn, string? PriceNote, string PriceUnit, string BillingFrequency,
    long Version = 1);

internal sealed class PlanRow
{
    public string Code { get; set; } = "";
    public string VendorCode { get; set; } = "";
    public string VendorName { get; set; } = "";
    public string ProductName { get; set; } = "";
    public string PlanName { get; set; } = "";
    public decimal ListPrice { get; set; }
    public string PriceCurrency { get; set; } = "";
    public bool ListPriceIncludesVat { get; set; }
    public string BillingCycle { get; set; } = "";
    public bool SeatsReducibleBeforeRenewal { get; set; }
    public bool VendorHasAdminApi { get; set; }
    public string OffboardingDataRule { get; set; } = "";
    public DateOnly PriceReadOn { get; set; }
    public string? PriceNote { get; set; }
    public string PriceUnit { get; set; } = PriceUnits.PerSeatMonth;
    public string BillingFrequency { get; set; } = BillingFrequencies.Monthly;
    public long Version { get; set; }

    public const string SelectSql = """
        SELECT code AS Code, vendor_code AS VendorCode, vendor_name AS VendorName, product_name AS ProductName,
               plan_name AS PlanName, list_price AS ListPrice, price_currency AS PriceCurrency,
               list_price_includes_vat AS ListPriceIncludesVat, billing_cycle AS BillingCycle,
               seats_reducible_before_renewal AS SeatsReducibleBeforeRenewal, vendor_has_admin_api AS VendorHasAdminApi,
               offboarding_data_rule AS OffboardingDataRule, price_read_on AS PriceReadOn, price_note AS PriceNote,
               price_unit AS PriceUnit, billing_frequency AS BillingFrequency, version AS Version
        FROM catalogue_plans
        """;

    public PlanResponse ToResponse() => new(Code, VendorCode, VendorName, ProductName, PlanName, ListPrice, PriceCurrency,
        ListPriceIncludesVat, BillingCycle, SeatsReducibleBeforeRenewal, VendorHasAdminApi, OffboardingDataRule, PriceReadOn, PriceNote, PriceUnit, BillingFrequency, Version);
}
