namespace LicenceOps.Platform.Identifiers;

/// <summary>French establishment identifier: the 9-digit SIREN followed by a 5-digit establishment number (NIC).</summary>
public static class Siret
{
    public const int Length = 14;

    // La Poste registered its establishments under one SIREN before the Luhn rule could cover them all;
    // INSEE validates those with "sum of digits is a multiple of 5". Its head office keeps a Luhn-valid SIRET.
    internal const string LaPosteSiren = "356000000";
    internal const string LaPosteHeadOffice = "35600000000048";

    public static IdentifierCheck Check(string value)
    {
        var compact = IdentifierText.Compact(value);
        if (compact.Length != Length || !IdentifierText.AllAsciiDigits(compact))
        {
            return IdentifierCheck.Invalid(compact, "A SIRET is exactly 14 digits (SIREN + 5-digit establishment number).");
        }
        if (!Luhn.IsValid(compact[..Siren.Length]))
        {
            return IdentifierCheck.Invalid(compact, "The first 9 digits of this SIRET are not a valid SIREN (Luhn).");
        }
        var checksumOk = compact.StartsWith(LaPosteSiren, StringComparison.Ordinal) && compact != LaPosteHeadOffice
            ? compact.Sum(c => c - '0') % 5 == 0
            : Luhn.IsValid(compact);
        return checksumOk
            ? IdentifierCheck.Valid(compact)
            : IdentifierCheck.Invalid(compact, "This SIRET fails its check digit; check for a typo.");
    }

    public static string SirenOf(string normalizedSiret) => normalizedSiret[..Siren.Length];
}
