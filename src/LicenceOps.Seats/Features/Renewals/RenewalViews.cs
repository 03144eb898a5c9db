using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Reports;
using LicenceOps.Seats.Reconciliation;

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

/// <summary>Turns a page of subscriptions into renewal views: their seats, latest usage sheets and decisions, read in four queries.</summary>
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
        // A held seat counts as active when its latest usage state does (reconciliation applies the tenant's inactivity policy,
        // and writes a sheet when that flag changes: ADR 0044, the latest state is the seat's however old): its entry in its
        // subscription's latest sheet (ADR 0056). "Reported" counts held seats the vendor reports activity for at all.
        var held = await db.QueryAsync<HeldSeat>(
            "SELECT subscription_id AS SubscriptionId, id AS SeatId FROM seats WHERE subscription_id IN @ids AND status <> 'released'", new { ids }, ct);
        var states = new Dictionary<Guid, SheetEntry>();
        foreach (var sheet in await UsageSheets.LatestAsync(db, ids, DateOnly.MaxValue, ct))
        {
            foreach (var entry in UsageSheets.Read(sheet.Seats))
            {
                states[entry.SeatId] = entry;
            }
        }
        var seats = held.GroupBy(h => h.SubscriptionId).ToDictionary(g => g.Key, g =>
        {
            var reported = g.Select(h => states.TryGetValue(h.SeatId, out var state) && state.ActivityReported ? state : (SheetEntry?)null)
                .OfType<SheetEntry>().ToList();
            return new SeatUsage(g.Key, g.Count(), reported.Count(r => r.Active), reported.Count);
        });
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

    private sealed record HeldSeat(Guid SubscriptionId, Guid SeatId);

    private sealed record DecisionRow(
        Guid SubscriptionId, DateOnly RenewalDate, string Decision, int? Quantity, string? Note, string DecidedBy, DateTimeOffset DecidedAt);
}
