using System.Globalization;
using LicenceOps.Seats.Domain.Reconciliation;

namespace LicenceOps.Seats.Domain.Reports;

/// <summary>A subscription's renewal as the findings planner needs it: its plan (from <see cref="RenewalPlanner"/>) and names.</summary>
public sealed record RenewalSituation(
    Guid SubscriptionId, string PlanName, DateOnly RenewalDate, int CommittedQuantity, int? ActiveSeats, RenewalPlan Plan,
    decimal? MonthlyPricePerSeatEur, bool Decided);

/// <summary>
/// Renewals as findings, beside reconciliation's (same table, same statuses): one <c>renewal_due</c> finding per
/// subscription and horizon (120, 90, 30 days: the subject names the stage, so reaching the next horizon closes one and
/// opens the next) until a decision is recorded, and a <c>renewal_without_decision</c> finding once the date passed
/// undecided. The monthly effect is what renewing at the recommended quantity saves (positive) or costs (negative).
/// </summary>
public static class RenewalFindings
{
    public const string Due = FindingKinds.RenewalDue;
    public const string WithoutDecision = FindingKinds.RenewalWithoutDecision;
    public static readonly string[] Kinds = [Due, WithoutDecision];

    public static IReadOnlyList<PlannedFinding> Plan(IEnumerable<RenewalSituation> renewals)
    {
        var findings = new List<PlannedFinding>();
        foreach (var r in renewals.Where(r => !r.Decided))
        {
            var date = r.RenewalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var seats = r.ActiveSeats is { } active ? $"{active} in use" : "usage not reported";
            var effect = r.Plan.MonthlyDifferenceEur is { } difference ? (long)decimal.Round(-difference * 100m, 0, MidpointRounding.AwayFromZero) : 0;
            var basis = r.MonthlyPricePerSeatEur is { } price
                ? string.Create(CultureInfo.InvariantCulture,
                    $"({r.CommittedQuantity} committed − {r.Plan.RecommendedQuantity} recommended) seats × {price:0.00} EUR per seat-month")
                : "no EUR sale price: effect unknown";
            var action = $"Decide the renewal: {r.Plan.RecommendedQuantity} seats recommended ({r.Plan.RecommendationBasis} + headroom) instead of {r.CommittedQuantity}.";
            if (r.Plan.Stage is "due_120" or "due_90" or "due_30")
            {
                findings.Add(new PlannedFinding(Due, $"renewal:{r.SubscriptionId:D}:{date}:{r.Plan.Stage}", r.SubscriptionId, null, null, null,
                    $"{r.PlanName} renews on {date} (in {r.Plan.DaysUntilRenewal} days): {r.CommittedQuantity} seats committed, {seats}.",
                    action, false, effect, basis));
            }
            else if (r.Plan.PastRenewalWithoutDecision)
            {
                findings.Add(new PlannedFinding(WithoutDecision, $"renewal:{r.SubscriptionId:D}:{date}", r.SubscriptionId, null, null, null,
                    $"{r.PlanName} passed its renewal date {date} without a recorded decision.", action, false, effect, basis));
            }
        }

        return findings;
    }
}
