namespace LicenceOps.Contracts.Tenants;

/// <summary>
/// A tenant was created or its legal/billing identity changed. Carries the whole current profile so
/// that consumers (Billing) keep a read copy without calling Tenants. Published by Tenants.
/// </summary>
public sealed record TenantProfileChanged(
    Guid TenantId,
    string LegalName,
    string? Siren,
    string? Siret,
    string? VatNumber,
    string CountryCode,
    string AddressLine1,
    string? AddressLine2,
    string PostalCode,
    string City,
    string BillingEmail,
    string Status,
    DateTimeOffset OccurredAt);
