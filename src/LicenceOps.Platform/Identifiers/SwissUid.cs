using System.Globalization;

namespace LicenceOps.Platform.Identifiers;

/// <summary>
/// Swiss business identification number (UID/IDE): "CHE-123.456.788", 8 digits and a mod-11 check digit
/// (weights 5 4 3 2 7 6 5 4; a remainder giving 10 is never issued). A VAT-registered business writes it
/// followed by MWST, TVA or IVA (the language of its canton); the suffix is kept as written.
/// </summary>
public static class SwissUid
{
    public const string Prefix = "CHE";
    private static readonly int[] Weights = [5, 4, 3, 2, 7, 6, 5, 4];
    private static readonly string[] VatSuffixes = ["MWST", "TVA", "IVA"];

    public static IdentifierCheck Check(string value)
    {
        var compact = IdentifierText.Compact(value);
        var suffix = VatSuffixes.FirstOrDefault(s => compact.EndsWith(s, StringComparison.Ordinal) && compact.Length > Prefix.Length + s.Length);
        var digits = compact[Prefix.Length..(compact.Length - (suffix?.Length ?? 0))];
        if (!compact.StartsWith(Prefix, StringComparison.Ordinal) || digits.Length != 9 || !IdentifierText.AllAsciiDigits(digits))
        {
            return IdentifierCheck.Invalid(compact, "A Swiss UID is CHE followed by 9 digits (CHE-123.456.788), optionally followed by MWST, TVA or IVA.");
        }

        var remainder = 11 - digits[..8].Select((c, i) => (c - '0') * Weights[i]).Sum() % 11;
        var expected = remainder == 11 ? 0 : remainder;
        if (expected == 10 || digits[8] - '0' != expected)
        {
            return IdentifierCheck.Invalid(compact, "This Swiss UID fails its check digit (mod 11); check for a typo.");
        }

        var formatted = string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{digits[..3]}.{digits[3..6]}.{digits[6..]}");
        return IdentifierCheck.Valid(suffix is null ? formatted : formatted + " " + suffix);
    }
}
