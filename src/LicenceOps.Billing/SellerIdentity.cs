using System.Text.RegularExpressions;
using LicenceOps.Platform.Identifiers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LicenceOps.Billing;

/// <summary>
/// Checks the seller identity with the same identifier rules as tenants (Platform/Identifiers): an invoice with a
/// wrong SIREN, VAT number or IBAN is a rejected invoice, so the host refuses to start on one, except in the demo
/// (Demo:Seed), where the built-in identity is used and problems are only logged.
/// </summary>
public static partial class SellerIdentity
{
    public static IReadOnlyList<string> Problems(SellerOptions seller)
    {
        var problems = new List<string>();
        void Required(string name, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"Billing:Seller:{name} is required.");
            }
        }

        Required(nameof(seller.Name), seller.Name);
        Required(nameof(seller.AddressLine1), seller.AddressLine1);
        Required(nameof(seller.PostalCode), seller.PostalCode);
        Required(nameof(seller.City), seller.City);
        Required(nameof(seller.LegalForm), seller.LegalForm);
        Required(nameof(seller.RcsCity), seller.RcsCity);
        Required(nameof(seller.Bic), seller.Bic);
        if (seller.CountryCode?.Trim().ToUpperInvariant() != "FR")
        {
            problems.Add("Billing:Seller:CountryCode must be FR: invoices follow French rules (a French seller).");
        }

        if (seller.ShareCapitalEur <= 0)
        {
            problems.Add("Billing:Seller:ShareCapitalEur must be positive (the share capital printed with the legal form).");
        }

        var siren = Checked(nameof(seller.Siren), seller.Siren, Siren.Check, problems);
        var siret = Checked(nameof(seller.Siret), seller.Siret, Siret.Check, problems);
        var vat = Checked(nameof(seller.VatNumber), seller.VatNumber, VatNumber.Check, problems);
        Checked(nameof(seller.Iban), seller.Iban, Iban.Check, problems);
        if (siren is not null && siret is not null && Siret.SirenOf(siret) != siren)
        {
            problems.Add($"Billing:Seller:Siret {siret} does not start with the SIREN {siren}.");
        }

        if (siren is not null && vat is not null && VatNumber.SirenOf(vat) != siren)
        {
            problems.Add($"Billing:Seller:VatNumber {vat} is not the French VAT number of SIREN {siren} (expected FR{VatNumber.FrenchKey(siren)}{siren}).");
        }

        if (seller.Bic is { Length: > 0 } bic && !Bic().IsMatch(bic.Trim().ToUpperInvariant()))
        {
            problems.Add("Billing:Seller:Bic must be 8 or 11 letters and digits (bank, country, location, branch).");
        }

        return problems;
    }

    private static string? Checked(string name, string? value, Func<string, IdentifierCheck> check, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"Billing:Seller:{name} is required.");
            return null;
        }

        var result = check(value);
        if (!result.IsValid)
        {
            problems.Add($"Billing:Seller:{name} \"{value}\": {result.Error}");
            return null;
        }

        return result.Normalized;
    }

    [GeneratedRegex("^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")]
    private static partial Regex Bic();
}

/// <summary>Fails the host's start on an invalid seller identity unless the demo is on.</summary>
internal sealed class SellerIdentityValidator(IConfiguration configuration) : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        var problems = SellerIdentity.Problems(options.Seller);
        return problems.Count == 0 || configuration.GetValue("Demo:Seed", true)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(problems);
    }
}
