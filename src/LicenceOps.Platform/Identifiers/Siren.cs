namespace LicenceOps.Platform.Identifiers;

/// <summary>French company identifier: 9 digits, the last one a Luhn check digit.</summary>
public static class Siren
{
    public const int Length = 9;

    public static IdentifierCheck Check(string value)
    {
        var compact = IdentifierText.Compact(value);
        if (compact.Length != Length || !IdentifierText.AllAsciiDigits(compact))
        {
            return IdentifierCheck.Invalid(compact, "A SIREN is exactly 9 digits.");
        }
        return Luhn.IsValid(compact)
            ? IdentifierCheck.Valid(compact)
            : IdentifierCheck.Invalid(compact, "This SIREN fails its check digit (Luhn); check for a typo.");
    }
}
