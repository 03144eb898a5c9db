using System.Text.RegularExpressions;
using LicenceOps.Platform.Identifiers;
using Identifiers = LicenceOps.Platform.Identifiers;
using LicenceOps.Platform.Http;

namespace LicenceOps.Tenants.Domain;

public sealed record AddressInput([property: Text(200)] string? Line1, [property: Text(200)] string? Line2, [property: Text(20)] string? PostalCode, [property: Text(100)] string? City);

/// <summary>The legal and billing identity of a tenant as a client sends it (create and update).</summary>
public sealed record TenantProfileInput(
    [property: Text(300)] string? LegalName,
    [property: Text(20)] string? Siren,
    [property: Text(20)] string? Siret,
    [property: Text(20)] string? VatNumber,
    [property: Text(2)] string? CountryCode,
    AddressInput? BillingAddress,
    [property: Text(320)] string? BillingEmail,
    IReadOnlyList<string>? EmailDomains);

/// <summary>A checked, normalised tenant profile.</summary>
public sealed record TenantProfile(
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
    IReadOnlyList<string> EmailDomains)
{
    public const int MaxDomains = 20;

    private static readonly Regex FivePostalDigits = new(@"^[0-9]{5}$", RegexOptions.ECMAScript);
    private static readonly Regex AnyPostalCode = new(@"^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$", RegexOptions.ECMAScript);

    /// <summary>
    /// Checks every field and the rules that tie them: French tenants need a SIREN; a SIRET starts with the SIREN;
    /// a VAT number carries the tenant country's prefix (EU only) and, in France, the SIREN.
    /// </summary>
    public static (TenantProfile? Profile, IReadOnlyList<FieldError> Errors) From(TenantProfileInput input)
    {
        var errors = new List<FieldError>();
        void Fail(string field, string message) => errors.Add(new FieldError(field, message));

        var legalName = Text(input.LegalName);
        if (legalName is null)
        {
            Fail("legalName", "The legal name is required.");
        }
        else if (legalName.Length > 200)
        {
            Fail("legalName", "The legal name is at most 200 characters.");
        }

        string? country = null;
        if (Text(input.CountryCode) is not { } countryText)
        {
            Fail("countryCode", "The country (ISO 3166 alpha-2 code, e.g. FR) is required.");
        }
        else if (CountryCodes.Check(countryText) is { IsValid: false } badCountry)
        {
            Fail("countryCode", badCountry.Error!);
        }
        else
        {
            country = countryText.ToUpperInvariant();
        }

        var siren = Checked("siren", input.Siren, Identifiers.Siren.Check, errors);
        if (siren is null && country == "FR" && Text(input.Siren) is null)
        {
            Fail("siren", "A French tenant needs its SIREN.");
        }

        var siret = Checked("siret", input.Siret, Identifiers.Siret.Check, errors);
        if (siret is not null && Text(input.Siren) is null)
        {
            Fail("siren", "Give the SIREN along with the SIRET.");
        }
        else if (siret is not null && siren is not null && Identifiers.Siret.SirenOf(siret) != siren)
        {
            Fail("siret", $"The SIRET {siret} does not belong to the SIREN {siren} (it must start with it).");
        }

        var vat = Checked("vatNumber", input.VatNumber, Identifiers.VatNumber.Check, errors);
        if (vat is not null && country is not null)
        {
            var expectedPrefix = Identifiers.VatNumber.PrefixFor(country);
            if (expectedPrefix is null)
            {
                Fail("vatNumber", $"We check VAT identifiers of EU member states, Switzerland (UID) and the United Kingdom, not of {country}; leave it empty.");
            }
            else if (!vat.StartsWith(expectedPrefix, StringComparison.Ordinal))
            {
                Fail("vatNumber", $"A tenant in {country} has a VAT number starting with {expectedPrefix}.");
            }
            else if (Identifiers.VatNumber.SirenOf(vat) is { } vatSiren && siren is not null && vatSiren != siren)
            {
                Fail("vatNumber", $"This VAT number is for SIREN {vatSiren}, not the tenant's SIREN {siren} (expected FR{Identifiers.VatNumber.FrenchKey(siren)}{siren}).");
            }
        }

        var address = input.BillingAddress;
        var line1 = Text(address?.Line1);
        var postalCode = Text(address?.PostalCode)?.ToUpperInvariant();
        var city = Text(address?.City);
        if (address is null)
        {
            Fail("billingAddress", "The billing address is required.");
        }
        else
        {
            if (line1 is null)
            {
                Fail("billingAddress.line1", "The first address line is required.");
            }
            else if (line1.Length > 200)
            {
                Fail("billingAddress.line1", "An address line is at most 200 characters.");
            }
            if (Text(address.Line2) is { Length: > 200 })
            {
                Fail("billingAddress.line2", "An address line is at most 200 characters.");
            }
            if (postalCode is null)
            {
                Fail("billingAddress.postalCode", "The postal code is required.");
            }
            else if (country is "FR" or "DE" && !FivePostalDigits.IsMatch(postalCode))
            {
                Fail("billingAddress.postalCode", $"A postal code in {country} is 5 digits.");
            }
            else if (!AnyPostalCode.IsMatch(postalCode))
            {
                Fail("billingAddress.postalCode", "A postal code is 2 to 10 letters, digits, spaces or hyphens.");
            }
            if (city is null)
            {
                Fail("billingAddress.city", "The city is required.");
            }
            else if (city.Length > 100)
            {
                Fail("billingAddress.city", "The city is at most 100 characters.");
            }
        }

        var billingEmail = Text(input.BillingEmail) is { } emailText ? EmailAddress.Normalize(emailText) : null;
        if (billingEmail is null)
        {
            Fail("billingEmail", "The billing contact email is required.");
        }
        else if (!EmailAddress.IsValid(billingEmail))
        {
            Fail("billingEmail", $"'{billingEmail}' is not a valid email address.");
        }

        var domains = new List<string>();
        var domainInputs = input.EmailDomains ?? [];
        if (domainInputs.Count == 0)
        {
            Fail("emailDomains", "At least one email domain the tenant owns is required (e.g. acme.fr).");
        }
        else if (domainInputs.Count > MaxDomains)
        {
            Fail("emailDomains", $"At most {MaxDomains} email domains.");
        }
        for (var i = 0; i < domainInputs.Count && i < MaxDomains; i++)
        {
            var domain = EmailAddress.NormalizeDomain(domainInputs[i] ?? "");
            if (!EmailAddress.IsValidDomain(domain))
            {
                Fail($"emailDomains[{i}]", $"'{domainInputs[i]}' is not a domain name (e.g. acme.fr).");
            }
            else if (!domains.Contains(domain))
            {
                domains.Add(domain);
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new TenantProfile(
            legalName!, siren, siret, vat, country!, line1!, Text(address!.Line2), postalCode!, city!, billingEmail!, domains), errors);
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Checked(string field, string? value, Func<string, IdentifierCheck> check, List<FieldError> errors)
    {
        if (Text(value) is not { } text)
        {
            return null;
        }
        var result = check(text);
        if (!result.IsValid)
        {
            errors.Add(new FieldError(field, result.Error!));
            return null;
        }
        return result.Normalized;
    }
}
