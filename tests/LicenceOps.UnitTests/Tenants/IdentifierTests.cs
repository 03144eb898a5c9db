using LicenceOps.Platform.Identifiers;

namespace LicenceOps.UnitTests.Tenants;

public sealed class SirenTests
{
    [TestCase("732829320")]
    [TestCase("552100554")]
    [TestCase("842157935")]
    [TestCase("356000000")]
    public void Accepts_a_luhn_valid_siren(string siren) =>
        Assert.That(Siren.Check(siren).IsValid, Is.True);

    [Test]
    public void Normalises_the_spaces_and_dots_people_type()
    {
        var check = Siren.Check(" 732 829.320 ");

        Assert.That(check.IsValid, Is.True);
        Assert.That(check.Normalized, Is.EqualTo("732829320"));
    }

    [TestCase("732829321")]
    [TestCase("732829230")]
    public void Rejects_a_typo_by_its_check_digit(string siren)
    {
        var check = Siren.Check(siren);

        Assert.That(check.IsValid, Is.False);
        Assert.That(check.Error, Does.Contain("Luhn"));
    }

    [TestCase("73282932")]
    [TestCase("7328293200")]
    [TestCase("73282932A")]
    [TestCase("")]
    [TestCase("٧٣٢٨٢٩٣٢٠")]
    public void Rejects_anything_but_nine_ascii_digits(string siren)
    {
        var check = Siren.Check(siren);

        Assert.That(check.IsValid, Is.False);
        Assert.That(check.Error, Does.Contain("9 digits"));
    }
}

public sealed class SiretTests
{
    [TestCase("73282932000017")]
    [TestCase("842 157 935 00029")]
    public void Accepts_a_luhn_valid_siret(string siret) =>
        Assert.That(Siret.Check(siret).IsValid, Is.True);

    [Test]
    public void Rejects_a_siret_whose_checksum_fails()
    {
        var check = Siret.Check("73282932000018");

        Assert.That(check.IsValid, Is.False);
        Assert.That(check.Error, Does.Contain("check digit"));
    }

    [Test]
    public void Rejects_a_luhn_valid_siret_whose_siren_part_is_invalid()
    {
        // 73282932100007 passes Luhn as 14 digits but its first nine (732829321) do not.
        var check = Siret.Check("73282932100007");

        Assert.That(check.IsValid, Is.False);
        Assert.That(check.Error, Does.Contain("SIREN"));
    }

    [TestCase("7328293200001")]
    [TestCase("732829320000170")]
    [TestCase("7328293200001X")]
    public void Rejects_anything_but_fourteen_digits(string siret) =>
        Assert.That(Siret.Check(siret).Error, Does.Contain("14 digits"));

    [TestCase("35600000000010")]
    [TestCase("35600000049837")]
    [TestCase("35600000000056")]
    public void Accepts_la_poste_sirets_whose_digits_sum_to_a_multiple_of_five_although_luhn_fails(string siret)
    {
        Assert.That(Luhn.IsValid(siret), Is.False, "precondition: these fail Luhn");
        Assert.That(Siret.Check(siret).IsValid, Is.True);
    }

    [Test]
    public void Rejects_a_la_poste_siret_whose_digit_sum_is_not_a_multiple_of_five() =>
        Assert.That(Siret.Check("35600000000011").IsValid, Is.False);

    [Test]
    public void Accepts_the_la_poste_head_office_which_follows_luhn() =>
        Assert.That(Siret.Check("35600000000048").IsValid, Is.True);
}

public sealed class VatNumberTests
{
    [TestCase("FR44732829320")]
    [TestCase("FR40303265045")]
    [TestCase("FR 80 842 157 935")]
    [TestCase("DE136597857")]
    [TestCase("BE0123456749")]
    [TestCase("ESA12345674")]
    [TestCase("ES12345678Z")]
    [TestCase("IT12345678901")]
    [TestCase("NL123456789B01")]
    [TestCase("LU12345678")]
    [TestCase("IE1234567T")]
    [TestCase("IE1234567TW")]
    [TestCase("IE1A23456T")]
    [TestCase("ATU12345678")]
    [TestCase("PT123456789")]
    [TestCase("EL123456789")]
    public void Accepts_well_formed_numbers(string vat) =>
        Assert.That(VatNumber.Check(vat).Error, Is.Null);

    [TestCase("DE12345678", "DE followed by 9 digits")]
    [TestCase("BE2123456749", "starting with 0 or 1")]
    [TestCase("ES123456789", "ES followed by")]
    [TestCase("IT1234567890", "IT followed by 11 digits")]
    [TestCase("NL123456789A01", "NL followed by 9 digits, B")]
    [TestCase("LU1234567", "LU followed by 8 digits")]
    [TestCase("IE12345678", "IE followed by")]
    [TestCase("AT12345678", "ATU followed by 8 digits")]
    [TestCase("PT12345678", "PT followed by 9 digits")]
    [TestCase("FR4473282932", "FR followed by a 2-digit key")]
    public void Rejects_numbers_that_break_their_country_format(string vat, string expected) =>
        Assert.That(VatNumber.Check(vat).Error, Does.Contain(expected));

    [Test]
    public void Rejects_a_french_number_whose_key_does_not_match_its_siren()
    {
        var check = VatNumber.Check("FR45732829320");

        Assert.That(check.IsValid, Is.False);
        Assert.That(check.Error, Does.Contain("FR44732829320"));
    }

    [TestCase("732829320", "44")]
    [TestCase("303265045", "40")]
    [TestCase("842157935", "80")]
    public void Computes_the_french_key_from_the_siren(string siren, string key) =>
        Assert.That(VatNumber.FrenchKey(siren), Is.EqualTo(key));

    [Test]
    public void Computes_a_key_below_ten_on_two_digits()
    {
        // 12 + 3 * (siren mod 97) ≡ 7 (mod 97) for siren mod 97 = 63.
        var siren = (97 * 10_000_000 + 63).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.That(VatNumber.FrenchKey(siren), Is.EqualTo("07"));
    }

    [TestCase("US123456789")]
    [TestCase("GR123456789")]
    [TestCase("12345678")]
    public void Rejects_prefixes_that_are_not_eu_vat_prefixes(string vat) =>
        Assert.That(VatNumber.Check(vat).IsValid, Is.False);

    [TestCase("GR", "EL")]
    [TestCase("fr", "FR")]
    [TestCase("US", null)]
    [TestCase("GB", "GB")]
    [TestCase("CH", "CHE")]
    public void Maps_countries_to_their_vat_prefix(string country, string? prefix) =>
        Assert.That(VatNumber.PrefixFor(country), Is.EqualTo(prefix));

    [Test]
    public void Extracts_the_siren_of_a_french_number() =>
        Assert.That(VatNumber.SirenOf("FR44732829320"), Is.EqualTo("732829320"));
}

public sealed class CountryCodeTests
{
    [Test]
    public void Knows_all_249_assigned_codes() => Assert.That(CountryCodes.Count, Is.EqualTo(249));

    [TestCase("fr", "FR")]
    [TestCase(" DE ", "DE")]
    public void Normalises_case_and_spaces(string input, string expected)
    {
        var check = CountryCodes.Check(input);

        Assert.That(check.IsValid, Is.True);
        Assert.That(check.Normalized, Is.EqualTo(expected));
    }

    [TestCase("FRA")]
    [TestCase("UK")]
    [TestCase("EL")]
    [TestCase("")]
    public void Rejects_codes_that_are_not_iso_alpha_2(string input) =>
        Assert.That(CountryCodes.Check(input).IsValid, Is.False);
}
