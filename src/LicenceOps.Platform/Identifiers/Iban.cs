using System.Text;

namespace LicenceOps.Platform.Identifiers;

/// <summary>IBAN (ISO 13616): country code, 2 check digits, up to 30 letters or digits; the whole passes mod 97 = 1.</summary>
public static class Iban
{
    public static IdentifierCheck Check(string value)
    {
        var compact = IdentifierText.Compact(value);
        if (compact.Length is < 15 or > 34 || !char.IsAsciiLetterUpper(compact[0]) || !char.IsAsciiLetterUpper(compact[1])
            || !char.IsAsciiDigit(compact[2]) || !char.IsAsciiDigit(compact[3]) || !compact.All(char.IsAsciiLetterOrDigit))
        {
            return IdentifierCheck.Invalid(compact, "An IBAN is a country code, 2 check digits and up to 30 letters or digits.");
        }

        // Move the first four characters to the end, letters become 10..35, and reduce mod 97 digit by digit.
        var rearranged = compact[4..] + compact[..4];
        var digits = new StringBuilder();
        foreach (var c in rearranged)
        {
            digits.Append(char.IsAsciiDigit(c) ? (c - '0').ToString(System.Globalization.CultureInfo.InvariantCulture) : (c - 'A' + 10).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var remainder = 0;
        foreach (var c in digits.ToString())
        {
            remainder = (remainder * 10 + (c - '0')) % 97;
        }

        return remainder == 1 ? IdentifierCheck.Valid(compact) : IdentifierCheck.Invalid(compact, "This IBAN fails its check digits (mod 97); check for a typo.");
    }
}
