using LicenceOps.Tenants.Domain;

namespace LicenceOps.UnitTests.Tenants;

public sealed class TenantProfileTests
{
    private static TenantProfileInput French() => new(
        "Acme Conseil SAS", "842 157 935", "84215793500011", "FR80842157935", "fr",
        new AddressInput("12 rue de la Paix", null, "75002", "Paris"), "Compta@Acme-Conseil.fr", ["acme-conseil.fr", "@ACME.fr"]);

    private static TenantProfileInput German() => new(
        "Nordwind Logistik GmbH", null, null, "DE136597857", "DE",
        new AddressInput("Hafenstraße 5", "Gebäude B", "20457", "Hamburg"), "rechnung@nordwind-logistik.de", ["nordwind-logistik.de"]);

    private static IReadOnlyList<string> FieldsInError(TenantProfileInput input) =>
        TenantProfile.From(input).Errors.Select(e => e.Field).ToList();

    [Test]
    public void Normalises_a_valid_french_profile()
    {
        var (profile, errors) = TenantProfile.From(French());

        Assert.That(errors, Is.Empty);
        Assert.That(profile!.Siren, Is.EqualTo("842157935"));
        Assert.That(profile.CountryCode, Is.EqualTo("FR"));
        Assert.That(profile.BillingEmail, Is.EqualTo("compta@acme-conseil.fr"));
        Assert.That(profile.EmailDomains, Is.EqualTo(new[] { "acme-conseil.fr", "acme.fr" }));
    }

    [Test]
    public void Accepts_a_foreign_tenant_without_siren()
    {
        var (profile, errors) = TenantProfile.From(German());

        Assert.That(errors, Is.Empty);
        Assert.That(profile!.Siren, Is.Null);
        Assert.That(profile.AddressLine2, Is.EqualTo("Gebäude B"));
    }

    [Test]
    public void A_french_tenant_needs_a_siren() =>
        Assert.That(FieldsInError(French() with { Siren = " ", Siret = null, VatNumber = null }), Is.EqualTo(new[] { "siren" }));

    [Test]
    public void The_siret_must_start_with_the_siren() =>
        Assert.That(FieldsInError(French() with { Siret = "73282932000017" }), Is.EqualTo(new[] { "siret" }));

    [Test]
    public void The_french_vat_number_must_carry_the_tenants_siren()
    {
        var errors = TenantProfile.From(French() with { VatNumber = "FR44732829320" }).Errors;

        Assert.That(errors.Single().Field, Is.EqualTo("vatNumber"));
        Assert.That(errors.Single().Message, Does.Contain("FR80842157935"));
    }

    [Test]
    public void The_vat_prefix_must_be_the_tenants_country() =>
        Assert.That(FieldsInError(German() with { VatNumber = "FR80842157935" }), Is.EqualTo(new[] { "vatNumber" }));

    [TestCase("CH", "CHE-123.456.788 MWST", "CHE-123.456.788 MWST")]
    [TestCase("CH", "che123456788tva", "CHE-123.456.788 TVA")]
    [TestCase("GB", "GB 999 9999 73", "GB999999973")]
    public void A_swiss_or_uk_tenant_gives_its_own_vat_identifier(string country, string vat, string stored)
    {
        var (profile, errors) = TenantProfile.From(German() with { CountryCode = country, VatNumber = vat, BillingAddress = new AddressInput("Bahnhofstrasse 1", null, "8001", "Zürich") });

        Assert.That(errors, Is.Empty);
        Assert.That(profile!.VatNumber, Is.EqualTo(stored));
    }

    [Test]
    public void A_swiss_uid_with_a_wrong_check_digit_is_refused() =>
        Assert.That(FieldsInError(German() with { CountryCode = "CH", VatNumber = "CHE-123.456.789", BillingAddress = new AddressInput("Bahnhofstrasse 1", null, "8001", "Zürich") }),
            Is.EqualTo(new[] { "vatNumber" }));

    [Test]
    public void A_tenant_outside_the_eu_has_no_intra_eu_vat_number() =>
        Assert.That(FieldsInError(German() with { CountryCode = "CH", VatNumber = "DE136597857", BillingAddress = new AddressInput("Bahnhofstrasse 1", null, "8001", "Zürich") }),
            Is.EqualTo(new[] { "vatNumber" }));

    [Test]
    public void Reports_every_missing_or_malformed_field_at_once()
    {
        var input = new TenantProfileInput(null, "123", null, "XX1", "ZZ", new AddressInput(null, null, "7", null), "nope", ["not a domain"]);

        Assert.That(FieldsInError(input), Is.EqualTo(new[]
        {
            "legalName", "countryCode", "siren", "vatNumber", "billingAddress.line1", "billingAddress.postalCode",
            "billingAddress.city", "billingEmail", "emailDomains[0]",
        }));
    }

    [Test]
    public void French_postal_codes_are_five_digits() =>
        Assert.That(FieldsInError(French() with { BillingAddress = new AddressInput("1 rue X", null, "7500", "Paris") }),
            Is.EqualTo(new[] { "billingAddress.postalCode" }));

    [Test]
    public void At_least_one_email_domain_is_required() =>
        Assert.That(FieldsInError(French() with { EmailDomains = [] }), Is.EqualTo(new[] { "emailDomains" }));
}
