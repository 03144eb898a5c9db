using LicenceOps.Platform.Identifiers;

namespace LicenceOps.Billing.Features.Invoicing;

/// <summary>EN 16931 VAT category of an invoice and the legal text that justifies a zero rate.</summary>
public sealed record VatTreatment(string Category, decimal Rate, string? ExemptionReason, string? ExemptionReasonCode);

/// <summary>
/// French seller supplying B2B services (place of supply = customer's country, art. 259-1 CGI):
/// France (and Monaco, inside the French VAT territory) → 20 % (S); another EU country with a VAT number
/// → reverse charge (AE); an EU client without a valid VAT number is treated as French VAT 20 %; outside the EU
/// the service is outside the scope of French VAT (art. 259-1 CGI; the client self-assesses any local tax). Its
/// EN 16931 code is G, because a seller VAT number must still be printed, which category O forbids; the printed
/// wording is the one of a service, never "export" (a goods term).
/// </summary>
public static class VatRules
{
    public const decimal FrenchStandardRate = 20m;
    public const string ReverseChargeReason = "Autoliquidation - article 196 de la directive 2006/112/CE";
    public const string OutsideEuReason = "Autoliquidation - prestation hors champ de la TVA française, art. 259-1 du CGI";

    private static readonly HashSet<string> OtherEuCountries =
    [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "DE", "GR", "HU", "IE", "IT",
        "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    ];

    private static readonly VatTreatment FrenchVat = new("S", FrenchStandardRate, null, null);

    public static VatTreatment Determine(string buyerCountryCode, string? buyerVatNumber)
    {
        var country = buyerCountryCode.Trim().ToUpperInvariant();
        if (country is "FR" or "MC")
        {
            return FrenchVat;
        }

        if (OtherEuCountries.Contains(country))
        {
            return IsPlausibleEuVatNumber(country, buyerVatNumber)
                ? new VatTreatment("AE", 0m, ReverseChargeReason, "VATEX-EU-AE")
                : FrenchVat;
        }

        return new VatTreatment("G", 0m, OutsideEuReason, "VATEX-EU-G");
    }

    /// <summary>
    /// The tenants' own checks (Platform/Identifiers: national format, French key) with the country's prefix; VIES
    /// is not queried, so staff must keep the tenant's number right.
    /// </summary>
    public static bool IsPlausibleEuVatNumber(string countryCode, string? vatNumber)
    {
        if (string.IsNullOrWhiteSpace(vatNumber) || VatNumber.EuPrefixFor(countryCode) is not { } prefix)
        {
            return false;
        }

        var check = VatNumber.Check(vatNumber);
        return check.IsValid && check.Normalized.StartsWith(prefix, StringComparison.Ordinal) && VatNumber.IsEuVatNumber(check.Normalized);
    }
}
