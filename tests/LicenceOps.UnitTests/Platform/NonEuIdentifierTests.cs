using LicenceOps.Platform.Identifiers;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Platform;

public class NonEuIdentifierTests
{
    // 1×5 + 2×4 + 3×3 + 4×2 + 5×7 + 6×6 + 7×5 + 8×4 = 168; 168 mod 11 = 3; 11 − 3 = 8.
    [TestCase("CHE-123.456.788", "CHE-123.456.788")]
    [TestCase("che 123 456 788", "CHE-123.456.788")]
    [TestCase("CHE-123.456.788 MWST", "CHE-123.456.788 MWST")]
    [TestCase("CHE123456788TVA", "CHE-123.456.788 TVA")]
    [TestCase("CHE-123.456.788 IVA", "CHE-123.456.788 IVA")]
    public void Accepts_a_swiss_uid_with_or_without_its_vat_suffix(string input, string normalized)
    {
        var check = VatNumber.Check(input);

        Assert.That((check.IsValid, check.Normalized), Is.EqualTo((true, normalized)));
    }

    [TestCase("CHE-123.456.789")]
    [TestCase("CHE-123.456.78")]
    [TestCase("CHE-123.456.788 VAT")]
    public void Rejects_a_swiss_uid_with_a_wrong_check_digit_or_shape(string input) =>
        Assert.That(VatNumber.Check(input).IsValid, Is.False);

    // HMRC's test number: 9×(8+7+6+5+4+3+2) + 73 = 388 = 4 × 97.
    [TestCase("GB999999973", "GB999999973")]
    [TestCase("GB 999 9999 73", "GB999999973")]
    [TestCase("GB999999973001", "GB999999973001")]
    [TestCase("GBGD001", "GBGD001")]
    public void Accepts_a_uk_vat_number(string input, string normalized)
    {
        var check = VatNumber.Check(input);

        Assert.That((check.IsValid, check.Normalized), Is.EqualTo((true, normalized)));
    }

    [TestCase("GB999999974")]
    [TestCase("GB12345")]
    public void Rejects_a_uk_vat_number_failing_its_check(string input) =>
        Assert.That(VatNumber.Check(input).IsValid, Is.False);

    [Test]
    public void Swiss_and_uk_numbers_are_not_intra_community_numbers() =>
        Assert.That((VatNumber.IsEuVatNumber("CHE-123.456.788"), VatNumber.IsEuVatNumber("GB999999973"), VatNumber.IsEuVatNumber("FR11123456782")),
            Is.EqualTo((false, false, true)));

    [TestCase("FR7630006000011234567890189", true)]
    [TestCase("FR76 3000 6000 0112 3456 7890 189", true)]
    [TestCase("FR7630006000011234567890188", false)]
    [TestCase("DE89370400440532013000", true)]
    public void Checks_iban_mod_97(string iban, bool valid) => Assert.That(Iban.Check(iban).IsValid, Is.EqualTo(valid));
}

public class ParisCalendarTests
{
    [Test]
    public void A_seat_assigned_at_half_past_midnight_in_paris_on_1_november_is_a_november_date()
    {
        // 00:30 in Paris (UTC+1 in November) is 23:30 UTC on 31 October: the business date is 1 November.
        var instant = new DateTimeOffset(2026, 10, 31, 23, 30, 0, TimeSpan.Zero);

        Assert.That(LicenceOps.Platform.ParisCalendar.DateOf(instant), Is.EqualTo(new DateOnly(2026, 11, 1)));
        Assert.That(DateOnly.FromDateTime(instant.UtcDateTime), Is.EqualTo(new DateOnly(2026, 10, 31)), "what the removed UTC clock recorded");
    }
}
