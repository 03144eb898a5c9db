namespace LicenceOps.Billing.Features.Invoicing;

/// <summary>
/// Seller identity and payment terms frozen on the invoice when it is drafted, so later configuration
/// changes never alter an issued document.
/// </summary>
public sealed record SellerSnapshot(
    string Name,
    string AddressLine1,
    string? AddressLine2,
    string PostalCode,
    string City,
    string CountryCode,
    string Siren,
    string VatNumber,
    string Iban,
    string Bic,
    int PaymentTermsDays,
    string LatePaymentPenalty,
    string EarlyPaymentDiscount,
    string? Siret = null,
    string? LegalForm = null,
    decimal? ShareCapitalEur = null,
    string? RcsCity = null,
    bool VatOnDebits = false)
{
    // The last five were added later: documents drafted before them read back with nulls and print without them.
    public static SellerSnapshot From(BillingOptions options) => new(
        options.Seller.Name, options.Seller.AddressLine1, options.Seller.AddressLine2, options.Seller.PostalCode,
        options.Seller.City, options.Seller.CountryCode, options.Seller.Siren, options.Seller.VatNumber,
        options.Seller.Iban, options.Seller.Bic, options.PaymentTermsDays, options.LatePaymentPenalty, options.EarlyPaymentDiscount,
        options.Seller.Siret, options.Seller.LegalForm, options.Seller.ShareCapitalEur, options.Seller.RcsCity, options.Seller.VatOnDebits);
}
