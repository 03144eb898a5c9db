using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Reports;

namespace LicenceOps.Seats.Features.Renewals;

public sealed record RenewalDecisionView(string Decision, int? Quantity, string? Note, string DecidedBy, DateTimeOffset DecidedAt);

/// <summary>One subscription's renewal: when, where it stands (stage), what to renew and what it changes in euros.</summary>
public sealed record RenewalView(
    Guid SubscriptionId,
    Guid TenantId,
    string VendorName,
    string Product,
    string PlanCode,
    string PlanName,
    DateOnly RenewalDate,
    int DaysUntilRenewal,
    string Stage,
    int CommittedQuantity,
    int AssignedSeats,
    int? ActiveSeats,
    decimal HeadroomPercent,
    int RecommendedQuantity,
    string RecommendationBasis,
    int QuantityDifference,
    decimal? MonthlyPricePerSeatEur,
    decimal? MonthlyDifferenceEur,
    decimal? AnnualDifferenceEur,
    bool PastRenewalWithoutDecision,
    RenewalDecisionView? Decision);

internal sealed record RenewalRow(
    Guid Id, Guid TenantId, string VendorName, string ProductName, string PlanCode, string PlanName, int CommittedQuantity, DateOnly RenewalDate,
    decimal? SalePricePerSeatEur, string PriceUnit)
{
    public const string SelectSql = """
        SELECT s.id AS Id, s.tenant_id AS TenantId, p.vendor_name AS VendorName, p.product_name AS ProductName, s.plan_code AS PlanCode,
               p.plan_name AS PlanName, s.committed_quantity AS CommittedQuantity, s.renewal_date AS RenewalDate,
               s.sale_price_per_seat_eur AS SalePricePerSeatEur, p.price_unit AS PriceUnit
        FROM subscriptions s JOIN catalogue_plans p ON p.code = s.plan_code
        """;

    /// <summary>The price of one seat for one month: a yearly price is a twelfth of it per month.</summary>
    public decimal? MonthlyPricePerSeatEur => SalePricePerSeatEur is { } price
        ? PriceUnit == "per_seat_year" ? Cents.Round(price / 12m) : price
        : null;
}

/// <summary>Turns a page of subscriptions into renewal views: their seats, latest usage and decisions, read in three queries.</summary>
internal static class RenewalViews
{
    public static async Task<IReadOnlyList<RenewalView>> BuildAsync(
        ModuleDatabase db, IReadOnlyList<RenewalRow> rows, DateOnly today, decimal headroomPercent, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(r => r.Id).ToArray();
        // A held seat counts as active when its latest usage snapshot does (reconciliation applies the tenant's inactivity policy,
        // and writes a row when that flag changes: ADR 0044, the latest row is the seat's state however old);
        // "reported" counts held seats the vendor reports activity for at all.
        var seats = (await db.QueryAsync<SeatUsage>(
            """
            SELECT s.subscription_id AS SubscriptionId, COUNT(*) AS Assigned,
                   SUM(CASE WHEN u.active = 1 THEN 1 ELSE 0 END) AS Active,
                   SUM(CASE WHEN u.seat_id IS NULL THEN 0 ELSE 1 END) AS Reported
            FROM seats s
            LEFT JOIN seat_usage_days u ON u.tenant_id = s.tenant_id AND u.seat_id = s.id AND u.activity_reported = 1
                AND u.day = (SELECT MAX(x.day) FROM seat_usage_days x WHERE x.tenant_id = s.tenant_id AND x.seat_id = s.id)
            WHERE s.subscription_id IN @ids AND s.status <> 'released'
            GROUP BY s.subscription_id
            """, new { ids }, ct)).ToDictionary(s => s.SubscriptionId);
        var decisions = (await db.QueryAsync<DecisionRow>(
            """
            SELECT subscription_id AS SubscriptionId, renewal_date AS RenewalDate, decision AS Decision, quantity AS Quantity, note AS Note,
                   decided_by AS DecidedBy, decided_at AS DecidedAt
            FROM renewal_decisions WHERE subscription_id IN @ids
            """, new { ids }, ct)).ToDictionary(d => (d.SubscriptionId, d.RenewalDate));

        return rows.Select(row =>
        {
            var usage = seats.GetValueOrDefault(row.Id);
            var decision = decisions.GetValueOrDefault((row.Id, row.RenewalDate));
            int? active = usage is { Reported: > 0 } ? (int)usage.Active : null;
            var plan = RenewalPlanner.Plan(new RenewalFacts(today, row.RenewalDate, row.CommittedQuantity, (int)(usage?.Assigned ?? 0), active,
                row.MonthlyPricePerSeatEur, decision is not null), headroomPercent);
            return new RenewalView(row.Id, row.TenantId, row.VendorName, row.ProductName, row.PlanCode, row.PlanName, row.RenewalDate,
                plan.DaysUntilRenewal, plan.Stage, row.CommittedQuantity, (int)(usage?.Assigned ?? 0), active, headroomPercent,
                plan.RecommendedQuantity, plan.RecommendationBasis, plan.QuantityDifference, row.MonthlyPricePerSeatEur, plan.MonthlyDifferenceEur,
                plan.AnnualDifferenceEur, plan.PastRenewalWithoutDecision,
                decision is null ? null : new RenewalDecisionView(decision.Decision, decision.Quantity, decision.Note, decision.DecidedBy, decision.DecidedAt));
        }).ToList();
    }

    private sealed record SeatUsage(Guid SubscriptionId, long Assigned, long Active, long Reported);

    private sealed record DecisionRow(
        Guid SubscriptionId, DateOnly RenewalDate, string Decision, int? Quantity, string? Note, string DecidedBy, DateTimeOffset DecidedAt);
}
