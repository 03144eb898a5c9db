using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Tenants.Domain;

namespace LicenceOps.Tenants.Features.Tenants;

/// <summary>A row of the tenants table (column order = constructor order).</summary>
internal sealed record TenantRow(
    Guid Id,
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
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public const string Select =
        """
        SELECT id AS Id, legal_name AS LegalName, siren AS Siren, siret AS Siret, vat_number AS VatNumber,
               country_code AS CountryCode, address_line1 AS AddressLine1, address_line2 AS AddressLine2,
               postal_code AS PostalCode, city AS City, billing_email AS BillingEmail, status AS Status,
               created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM tenants
        """;

    public static Task<TenantRow?> FindAsync(UnitOfWork uow, Guid tenantId) =>
        uow.QuerySingleOrDefaultAsync<TenantRow>(Select + " WHERE id = @tenantId", new { tenantId });

    public TenantProfileChanged ToEvent(DateTimeOffset now) => new(
        Id, LegalName, Siren, Siret, VatNumber, CountryCode, AddressLine1, AddressLine2, PostalCode, City, BillingEmail, Status, now);

    public static TenantRow From(Guid id, TenantProfile profile, string status, DateTimeOffset createdAt, DateTimeOffset updatedAt) => new(
        id, profile.LegalName, profile.Siren, profile.Siret, profile.VatNumber, profile.CountryCode, profile.AddressLine1,
        profile.AddressLine2, profile.PostalCode, profile.City, profile.BillingEmail, status, createdAt, updatedAt);
}

public sealed record AddressView(string Line1, string? Line2, string PostalCode, string City);

public sealed record TenantView(
    Guid Id,
    string LegalName,
    string? Siren,
    string? Siret,
    string? VatNumber,
    string CountryCode,
    AddressView BillingAddress,
    string BillingEmail,
    IReadOnlyList<string> EmailDomains,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    internal static TenantView From(TenantRow row, IEnumerable<string> domains) => new(
        row.Id, row.LegalName, row.Siren, row.Siret, row.VatNumber, row.CountryCode,
        new AddressView(row.AddressLine1, row.AddressLine2, row.PostalCode, row.City),
        row.BillingEmail, domains.Order(StringComparer.Ordinal).ToList(), row.Status, row.CreatedAt, row.UpdatedAt);
}

internal sealed record TenantDomainRow(Guid TenantId, string Domain);
