namespace LicenceOps.Seats.Domain.Reports;

/// <summary>
/// Splits an amount in euros into parts proportional to weights, to the cent, so that the parts add up to the
/// amount exactly: each part is rounded down (towards zero), then the cents left over go one by one to the parts
/// with the largest remainders (ties: the earlier part). A report's per-month and per-department figures therefore
/// sum to what was invoiced, never a cent more or less.
/// </summary>
public static class Cents
{
    public static decimal[] Split(decimal amount, IReadOnlyList<long> weights)
    {
        var parts = new decimal[weights.Count];
        var total = weights.Sum();
        if (total <= 0 || weights.Count == 0)
        {
            return parts;
        }

        var cents = (long)decimal.Round(amount * 100m, 0, MidpointRounding.AwayFromZero);
        var sign = Math.Sign(cents);
        var magnitude = Math.Abs(cents);
        var floors = new long[weights.Count];
        var remainders = new (decimal Remainder, int Index)[weights.Count];
        long given = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = (decimal)magnitude * weights[i] / total;
            floors[i] = (long)decimal.Floor(exact);
            remainders[i] = (exact - floors[i], i);
            given += floors[i];
        }

        foreach (var (_, index) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Index).Take((int)(magnitude - given)))
        {
            floors[index]++;
        }

        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = sign * floors[i] / 100m;
        }

        return parts;
    }

    /// <summary>Euros rounded to the cent, half away from zero (docs/billing-rounding.md).</summary>
    public static decimal Round(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);
}
