namespace LicenceOps.Platform.Identifiers;

/// <summary>
/// UK VAT registration number: GB and 9 digits (or 12, a branch suffix), checked with HMRC's weighted modulus 97
/// (weights 8 to 2 on the first 7 digits plus the 2-digit check number must be a multiple of 97, or of 97 after
/// adding 55 for numbers issued since 2010); government departments (GD) and health authorities (HA) use 3 digits.
/// </summary>
public static class UkVat
{
    public const string Prefix = "GB";

    public static IdentifierCheck Check(string value)
    {
        var compact = IdentifierText.Compact(value);
        var national = compact.StartsWith(Prefix, StringComparison.Ordinal) ? compact[Prefix.Length..] : compact;
        if ((national.StartsWith("GD", StringComparison.Ordinal) || national.StartsWith("HA", StringComparison.Ordinal))
            && national.Length == 5 && IdentifierText.AllAsciiDigits(national[2..]))
        {
            return IdentifierCheck.Valid(Prefix + national);
        }

        if (national.Length is not (9 or 12) || !IdentifierText.AllAsciiDigits(national))
        {
            return IdentifierCheck.Invalid(compact, "A UK VAT number is GB followed by 9 digits (or 12 for a branch).");
        }

        var total = national[..7].Select((c, i) => (c - '0') * (8 - i)).Sum() + int.Parse(national[7..9], System.Globalization.CultureInfo.InvariantCulture);
        return total % 97 == 0 || (total + 55) % 97 == 0
            ? IdentifierCheck.Valid(Prefix + national)
            : IdentifierCheck.Invalid(compact, "This UK VAT number fails its check digits (HMRC modulus 97); check for a typo.");
    }
}
