namespace LicenceOps.Seats.Domain.Reports;

/// <summary>An accepted recommendation that was acted on (a resolved finding) and its monthly euro effect.</summary>
public sealed record ActedRecommendation(
    Guid FindingId, string Kind, string Summary, string RecommendedAction, decimal MonthlyEffectEur, string EffectBasis, DateOnly ActedOn);

public sealed record MonthSaving(string Month, decimal SavedEur);

public sealed record RecommendationSavings(
    Guid FindingId, string Kind, string Summary, string RecommendedAction, decimal MonthlyEffectEur, string EffectBasis, DateOnly ActedOn,
    IReadOnlyList<MonthSaving> Months, decimal TotalSavedEur);

public sealed record SavingsLedgerReport(string From, string To, IReadOnlyList<MonthSaving> Months, IReadOnlyList<RecommendationSavings> Recommendations, decimal TotalSavedEur);

/// <summary>
/// What each recommendation saved, month by month: from the day after it was acted on (the seat released that day is
/// still billed that day), its monthly effect pro rata of the month's days, until today; to the cent per month
/// (half away from zero). A recommendation with no saving effect (zero or a cost) saves nothing.
/// </summary>
public static class SavingsLedger
{
    public static SavingsLedgerReport Compute(DateOnly first, DateOnly last, DateOnly today, IReadOnlyList<ActedRecommendation> acted)
    {
        var months = new List<(DateOnly Start, DateOnly End)>();
        for (var m = new DateOnly(first.Year, first.Month, 1); m <= new DateOnly(last.Year, last.Month, 1); m = m.AddMonths(1))
        {
            months.Add((m, m.AddMonths(1).AddDays(-1)));
        }

        var rows = acted
            .Where(a => a.MonthlyEffectEur > 0)
            .OrderBy(a => a.ActedOn).ThenBy(a => a.FindingId)
            .Select(a =>
            {
                var perMonth = months.Select(m =>
                {
                    var from = Math.Max(a.ActedOn.AddDays(1).DayNumber, m.Start.DayNumber);
                    var to = Math.Min(m.End.DayNumber, today.DayNumber);
                    var days = Math.Max(to - from + 1, 0);
                    var inMonth = m.End.DayNumber - m.Start.DayNumber + 1;
                    return new MonthSaving($"{m.Start:yyyy-MM}", Cents.Round(a.MonthlyEffectEur * days / inMonth));
                }).ToList();
                return new RecommendationSavings(a.FindingId, a.Kind, a.Summary, a.RecommendedAction, a.MonthlyEffectEur, a.EffectBasis, a.ActedOn,
                    perMonth, perMonth.Sum(p => p.SavedEur));
            })
            .Where(r => r.TotalSavedEur != 0)
            .ToList();

        var totals = months.Select((m, i) => new MonthSaving($"{m.Start:yyyy-MM}", rows.Sum(r => r.Months[i].SavedEur))).ToList();
        return new SavingsLedgerReport($"{months[0].Start:yyyy-MM}", $"{months[^1].Start:yyyy-MM}", totals, rows, totals.Sum(t => t.SavedEur));
    }
}
