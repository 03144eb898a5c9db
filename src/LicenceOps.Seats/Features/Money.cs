namespace LicenceOps.Seats.Features;

internal static class Money
{
    /// <summary>Prices are accepted to the cent (list prices to 4 places, as vendors quote fractions); never rounded silently.</summary>
    public static bool HasAtMostDecimals(decimal value, int decimals) =>
        decimal.Round(value, decimals, MidpointRounding.AwayFromZero) == value;
}
