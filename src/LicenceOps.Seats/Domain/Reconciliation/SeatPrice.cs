using System.Globalization;

namespace LicenceOps.Seats.Domain.Reconciliation;

/// <summary>
/// What one seat of a subscription is worth per month in euros, and why: the basis of every finding's monthly effect.
/// The reseller's EUR sale price per seat comes first (what the client pays); without one, an EUR list price (what
/// Billing would charge); a USD list price without a fixed EUR price has no rate here (Billing owns the ECB rates), so
/// the effect is left at zero and the basis says so rather than guessing.
/// </summary>
public sealed record SeatPrice(decimal? MonthlyEur, string Basis)
{
    public static readonly SeatPrice Unknown = new(null, "no subscription is connected to this vendor account, so no price applies");

    public static SeatPrice Of(decimal? salePricePerSeatEur, decimal listPrice, string priceCurrency, string priceUnit)
    {
        var yearly = priceUnit == "per_seat_year";
        string Per(decimal price, string what) => yearly
            ? $"{Eur(price)} EUR {what} per seat per year ÷ 12"
            : $"{Eur(price)} EUR {what} per seat per month";
        if (salePricePerSeatEur is { } sale)
        {
            return new(yearly ? sale / 12m : sale, Per(sale, "sale price"));
        }
        if (priceCurrency == "EUR")
        {
            return new(yearly ? listPrice / 12m : listPrice, Per(listPrice, "list price (no sale price fixed)"));
        }
        return new(null, $"list price {listPrice.ToString(CultureInfo.InvariantCulture)} {priceCurrency} and no EUR sale price fixed: effect not computed");
    }

    /// <summary>The monthly effect of <paramref name="seats"/> seats in euro cents, rounded half away from zero, with its basis.</summary>
    public (long Cents, string Basis) Times(int seats)
    {
        if (MonthlyEur is not { } monthly)
        {
            return (0, Basis);
        }
        var euros = decimal.Round(seats * monthly, 2, MidpointRounding.AwayFromZero);
        return ((long)(euros * 100m), $"{seats} seat(s) × {Basis} = {Eur(euros)} EUR per month");
    }

    private static string Eur(decimal value) => value.ToString("0.00##", CultureInfo.InvariantCulture);
}
