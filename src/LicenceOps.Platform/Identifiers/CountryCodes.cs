namespace LicenceOps.Platform.Identifiers;

/// <summary>ISO 3166-1 alpha-2 country codes (officially assigned).</summary>
public static class CountryCodes
{
    private static readonly HashSet<string> Assigned = new(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
        JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
        MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
        RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
        TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
        StringComparer.Ordinal);

    public static int Count => Assigned.Count;

    public static bool IsAssigned(string code) => Assigned.Contains(code);

    /// <summary>Upper-cased, trimmed code, or an error message when it is not an assigned ISO 3166-1 alpha-2 code.</summary>
    public static IdentifierCheck Check(string value)
    {
        var code = value.Trim().ToUpperInvariant();
        return IsAssigned(code)
            ? IdentifierCheck.Valid(code)
            : IdentifierCheck.Invalid(code, $"'{value}' is not an ISO 3166-1 alpha-2 country code (e.g. FR, DE, BE).");
    }
}
