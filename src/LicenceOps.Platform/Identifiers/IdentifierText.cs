namespace LicenceOps.Platform.Identifiers;

internal static class IdentifierText
{
    /// <summary>People type identifiers with spaces, dots or dashes ("732 829 320"); we store them bare.</summary>
    public static string Compact(string value)
    {
        var chars = value.Where(c => !char.IsWhiteSpace(c) && c is not '.' and not '-').ToArray();
        return new string(chars).ToUpperInvariant();
    }

    public static bool AllAsciiDigits(string value) => value.Length > 0 && value.All(char.IsAsciiDigit);
}
