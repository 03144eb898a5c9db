namespace LicenceOps.Seats.Domain.Catalogue;

/// <summary>One purchasable plan of a vendor product, with the commercial rules Seats and Billing need.</summary>
public sealed record CataloguePlan(
    string Code,
    string VendorCode,
    string VendorName,
    string ProductName,
    string PlanName,
    decimal ListPrice,
    string PriceCurrency,
    bool ListPriceIncludesVat,
    string BillingCycle,
    bool SeatsReducibleBeforeRenewal,
    bool VendorHasAdminApi,
    string OffboardingDataRule,
    DateOnly PriceReadOn,
    string? PriceNote,
    string PriceUnit = PriceUnits.PerSeatMonth,
    string BillingFrequency = BillingFrequencies.Monthly);
