using System.Text.RegularExpressions;

namespace LicenceOps.Billing.Features.Invoicing;

/// <summary>EN 16931 VAT category of an invoice and the legal text that justifies a zero rate.</summary>
public sealed record VatTreatment(string Category, decimal Rate, string? ExemptionReason, string? ExemptionReasonCode);

/// <summary>
/// French seller supplying B2B services (place of supply = customer's country, art. 259-1 CGI):
/// France (and Monaco, inside the French VAT territory) → 20 % (S); another EU country with a VAT number
/// → reverse charge (AE); an EU client without VAT number is treated as French VAT 20 %; outside the EU
/// → no French VAT (G, because a seller VAT number must still be printed, which category O forbids).
/// </summary>
public static partial class VatRules
{
    public const decimal FrenchStandardRate = 20m;
    public const string ReverseChargeReason = "Autoliquidation - article 196 de la directive 2006/112/CE";
    public const string OutsideEuReason = "TVA non applicable, art. 259-1 du CGI";

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
    /// Syntactic check only (country prefix, Greece is "EL", then 2 to 13 letters or digits); VIES is not
    /// queried, so staff must keep the tenant's number right.
    /// </summary>
    public static bool IsPlausibleEuVatNumber(string countryCode, string? vatNumber)
    {
        if (string.IsNullOrWhiteSpace(vatNumber))
        {
            return false;
        }

        var compact = vatNumber.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        var prefix = countryCode.ToUpperInvariant() == "GR" ? "EL" : countryCode.ToUpperInvariant();
        return compact.StartsWith(prefix, StringComparison.Ordinal) && VatBody().IsMatch(compact[2..]);
    }

    [GeneratedRegex("^[0-9A-Z+*]{2,13}$")]
    private static partial Regex VatBody();
}
