namespace LicenceOps.Seats.Domain.Reports;

/// <summary>What is known of one subscription's coming (or passed) renewal.</summary>
/// <param name="ActiveSeats">Held seats whose latest usage snapshot counts them in use; null when the vendor reports no usage for it.</param>
/// <param name="MonthlyPricePerSeatEur">The EUR sale price of one seat for one month; null when Billing derives it from a USD list price.</param>
public sealed record RenewalFacts(
    DateOnly Today,
    DateOnly RenewalDate,
    int CommittedQuantity,
    int AssignedSeats,
    int? ActiveSeats,
    decimal? MonthlyPricePerSeatEur,
    bool Decided);

/// <param name="Stage">"due_30", "due_90", "due_120" (renewal within that many days), "later", "past" (date passed).</param>
/// <param name="RecommendationBasis">"usage" (active seats + headroom) or "assigned" (no usage reported: assigned seats + headroom).</param>
/// <param name="PastRenewalWithoutDecision">The renewal date passed and nobody recorded what was decided: flagged for staff.</param>
public sealed record RenewalPlan(
    int DaysUntilRenewal,
    string Stage,
    int RecommendedQuantity,
    string RecommendationBasis,
    int QuantityDifference,
    decimal? MonthlyDifferenceEur,
    decimal? AnnualDifferenceEur,
    bool PastRenewalWithoutDecision);

/// <summary>
/// Renewal planning: at 120, 90 and 30 days before a renewal, the quantity to renew is the seats really in use plus a
/// headroom (default 10 %, rounded up: room for joiners without paying for idle seats), and the euro difference with
/// today's commitment at the seat's monthly sale price (negative = saving). Without usage data the assigned seats
/// stand in for the active ones, and the plan says so.
/// </summary>
public static class RenewalPlanner
{
    public static readonly int[] Horizons = [30, 90, 120];

    public static RenewalPlan Plan(RenewalFacts facts, decimal headroomPercent)
    {
        var days = facts.RenewalDate.DayNumber - facts.Today.DayNumber;
        var stage = days < 0 ? "past" : Horizons.FirstOrDefault(h => days <= h) is var h and > 0 ? $"due_{h}" : "later";
        var basisSeats = facts.ActiveSeats ?? facts.AssignedSeats;
        var recommended = (int)decimal.Ceiling(basisSeats * (1m + headroomPercent / 100m));
        var difference = recommended - facts.CommittedQuantity;
        decimal? monthly = facts.MonthlyPricePerSeatEur is { } price ? Cents.Round(difference * price) : null;
        return new RenewalPlan(days, stage, recommended, facts.ActiveSeats is null ? "assigned" : "usage", difference, monthly,
            monthly * 12, days < 0 && !facts.Decided);
    }
}
