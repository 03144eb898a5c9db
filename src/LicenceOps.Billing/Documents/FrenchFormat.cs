using System.Globalization;

namespace LicenceOps.Billing.Documents;

/// <summary>French typographic conventions for printed amounts: "1 234,56 €", "20 %", "21/11/2026".</summary>
internal static class FrenchFormat
{
    // A no-break space keeps "1 234,56 €" on one line and never depends on the machine's ICU data.
    public const char NoBreakSpace = '\u00A0';

    private static readonly NumberFormatInfo Numbers = new()
    {
        NumberDecimalSeparator = ",",
        NumberGroupSeparator = NoBreakSpace.ToString(),
        NumberGroupSizes = [3],
        NegativeSign = "-",
    };

    public static string Money(decimal amount) => Amount(amount) + NoBreakSpace + "€";

    public static string Amount(decimal amount) =>
        decimal.Round(amount, 2, MidpointRounding.AwayFromZero).ToString("#,##0.00", Numbers);

    /// <summary>Unit prices converted from USD may carry more than two decimals; show up to four.</summary>
    public static string UnitPrice(decimal amount) => amount.ToString("#,##0.00##", Numbers) + NoBreakSpace + "€";

    public static string Quantity(decimal quantity) => quantity.ToString("#,##0.###", Numbers);

    public static string Percent(decimal rate) => rate.ToString("0.##", Numbers) + NoBreakSpace + "%";

    public static string ExchangeRate(decimal unitsPerEuro) => unitsPerEuro.ToString("0.0000######", Numbers);

    public static string Date(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
}
