using System.Globalization;
using System.Text.RegularExpressions;

namespace LicenceOps.Platform.Identifiers;

/// <summary>
/// A business's VAT identifier. Intra-EU numbers: a 2-letter prefix (the ISO country code, except Greece: EL) and
/// a national part; only the national format is checked, plus the French key, which is derived from the SIREN.
/// Outside the EU, the two identifiers our clients have: the Swiss UID (<see cref="SwissUid"/>) and the UK VAT
/// registration number (<see cref="UkVat"/>), each with its check digits.
/// </summary>
public static class VatNumber
{
    private static readonly Dictionary<string, (Regex Pattern, string Shape)> Formats = new(StringComparer.Ordinal)
    {
        ["AT"] = (Pattern(@"^U\d{8}$"), "ATU followed by 8 digits"),
        ["BE"] = (Pattern(@"^[01]\d{9}$"), "BE followed by 10 digits starting with 0 or 1"),
        ["BG"] = (Pattern(@"^\d{9,10}$"), "BG followed by 9 or 10 digits"),
        ["CY"] = (Pattern(@"^\d{8}[A-Z]$"), "CY followed by 8 digits and a letter"),
        ["CZ"] = (Pattern(@"^\d{8,10}$"), "CZ followed by 8 to 10 digits"),
        ["DE"] = (Pattern(@"^\d{9}$"), "DE followed by 9 digits"),
        ["DK"] = (Pattern(@"^\d{8}$"), "DK followed by 8 digits"),
        ["EE"] = (Pattern(@"^\d{9}$"), "EE followed by 9 digits"),
        ["EL"] = (Pattern(@"^\d{9}$"), "EL followed by 9 digits"),
        ["ES"] = (Pattern(@"^([A-Z]\d{7}[A-Z0-9]|\d{8}[A-Z])$"), "ES followed by a letter, 7 digits and a letter or digit (or 8 digits and a letter)"),
        ["FI"] = (Pattern(@"^\d{8}$"), "FI followed by 8 digits"),
        ["FR"] = (Pattern(@"^\d{11}$"), "FR followed by a 2-digit key and the 9-digit SIREN"),
        ["HR"] = (Pattern(@"^\d{11}$"), "HR followed by 11 digits"),
        ["HU"] = (Pattern(@"^\d{8}$"), "HU followed by 8 digits"),
        ["IE"] = (Pattern(@"^(\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$"), "IE followed by 7 digits and 1 or 2 letters"),
        ["IT"] = (Pattern(@"^\d{11}$"), "IT followed by 11 digits"),
        ["LT"] = (Pattern(@"^(\d{9}|\d{12})$"), "LT followed by 9 or 12 digits"),
        ["LU"] = (Pattern(@"^\d{8}$"), "LU followed by 8 digits"),
        ["LV"] = (Pattern(@"^\d{11}$"), "LV followed by 11 digits"),
        ["MT"] = (Pattern(@"^\d{8}$"), "MT followed by 8 digits"),
        ["NL"] = (Pattern(@"^\d{9}B\d{2}$"), "NL followed by 9 digits, B and 2 digits"),
        ["PL"] = (Pattern(@"^\d{10}$"), "PL followed by 10 digits"),
        ["PT"] = (Pattern(@"^\d{9}$"), "PT followed by 9 digits"),
        ["RO"] = (Pattern(@"^[1-9]\d{1,9}$"), "RO followed by 2 to 10 digits"),
        ["SE"] = (Pattern(@"^\d{10}01$"), "SE followed by 10 digits and 01"),
        ["SI"] = (Pattern(@"^\d{8}$"), "SI followed by 8 digits"),
        ["SK"] = (Pattern(@"^\d{10}$"), "SK followed by 10 digits"),
    };

    // ECMAScript semantics keep \d to ASCII digits (by default .NET matches any Unicode digit).
    private static Regex Pattern(string pattern) => new(pattern, RegexOptions.ECMAScript);

    /// <summary>
    /// The prefix of the VAT identifier of a business in <paramref name="countryCode"/>: an EU member state's VAT
    /// prefix, "CHE" for Switzerland, "GB" for the United Kingdom; null when we know no identifier for the country.
    /// </summary>
    public static string? PrefixFor(string countryCode)
    {
        var country = countryCode.ToUpperInvariant();
        return country switch
        {
            "CH" => SwissUid.Prefix,
            "GB" => UkVat.Prefix,
            _ => EuPrefixFor(country),
        };
    }

    /// <summary>The VAT prefix used by an EU member state, or null when the country is not in the EU VAT area.</summary>
    public static string? EuPrefixFor(string countryCode)
    {
        var prefix = countryCode.ToUpperInvariant() == "GR" ? "EL" : countryCode.ToUpperInvariant();
        return Formats.ContainsKey(prefix) ? prefix : null;
    }

    /// <summary>True for a valid intra-EU VAT number (not a Swiss or UK one).</summary>
    public static bool IsEuVatNumber(string value)
    {
        var check = Check(value);
        return check.IsValid && Formats.ContainsKey(check.Normalized[..2]) && !check.Normalized.StartsWith(SwissUid.Prefix, StringComparison.Ordinal);
    }

    public static IdentifierCheck Check(string value)
    {
        var compact = IdentifierText.Compact(value);
        if (compact.StartsWith(SwissUid.Prefix, StringComparison.Ordinal))
        {
            return SwissUid.Check(value);
        }
        if (compact.StartsWith(UkVat.Prefix, StringComparison.Ordinal))
        {
            return UkVat.Check(value);
        }
        if (compact.Length < 3 || !char.IsAsciiLetterUpper(compact[0]) || !char.IsAsciiLetterUpper(compact[1]))
        {
            return IdentifierCheck.Invalid(compact, "A VAT number starts with the 2-letter country prefix (e.g. FR, DE, BE).");
        }
        var prefix = compact[..2];
        if (!Formats.TryGetValue(prefix, out var format))
        {
            return IdentifierCheck.Invalid(compact, $"'{prefix}' is not an EU VAT prefix, nor CHE (Swiss UID) or GB (UK VAT).");
        }
        var national = compact[2..];
        if (!format.Pattern.IsMatch(national))
        {
            return IdentifierCheck.Invalid(compact, $"A {prefix} VAT number is {format.Shape}.");
        }
        if (prefix == "FR")
        {
            var siren = national[2..];
            if (national[..2] != FrenchKey(siren))
            {
                return IdentifierCheck.Invalid(compact, $"The key of this French VAT number does not match its SIREN {siren} (expected FR{FrenchKey(siren)}{siren}).");
            }
        }
        return IdentifierCheck.Valid(compact);
    }

    /// <summary>French VAT key: (12 + 3 × (SIREN mod 97)) mod 97, on two digits.</summary>
    public static string FrenchKey(string siren)
    {
        var key = (12 + 3 * (long.Parse(siren, CultureInfo.InvariantCulture) % 97)) % 97;
        return key.ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>The SIREN embedded in a normalised, valid French VAT number.</summary>
    public static string? SirenOf(string normalizedVat) =>
        normalizedVat.StartsWith("FR", StringComparison.Ordinal) && normalizedVat.Length == 13 ? normalizedVat[4..] : null;
}
