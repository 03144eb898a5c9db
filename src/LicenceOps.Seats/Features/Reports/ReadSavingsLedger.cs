using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Seats.Features.Reports;

/// <param name="From">First month, YYYY-MM (default: 11 months before <paramref name="To"/>).</param>
/// <param name="To">Last month, YYYY-MM, not after the current month (default: the current month).</param>
public sealed record SavingsLedgerQuery(
    [property: Text(7)][FromQuery(Name = "from")] string? From,
    [property: Text(7)][FromQuery(Name = "to")] string? To);

/// <param name="Pending">Accepted recommendations not acted on yet, with what they would save each month.</param>
public sealed record SavingsLedgerResponse(
    Guid TenantId, string From, string To, IReadOnlyList<MonthSaving> Months, IReadOnlyList<RecommendationSavings> Recommendations,
    decimal TotalSavedEur, IReadOnlyList<PendingRecommendation> Pending);

public sealed record PendingRecommendation(Guid FindingId, string Kind, string Summary, string RecommendedAction, decimal MonthlyEffectEur, DateTimeOffset? AcceptedAt);

/// <summary>
/// GET /api/tenants/{tenantId}/reports/savings: what each acted-on recommendation (a finding resolved through LicenceOps,
/// e.g. a reclaimed seat) saved month by month (<see cref="SavingsLedger"/>), and what accepted ones would save once done.
/// A client reads its own; staff read any.
/// </summary>
public static class ReadSavingsLedger
{
    public static void Map(IEndpointRouteBuilder tenant) =>
        tenant.MapGet("/reports/savings", HandleAsync)
            .WithSummary("Savings ledger: what each acted-on recommendation saved per month, and accepted ones still pending.");

    private static async Task<Results<Ok<SavingsLedgerResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid tenantId, [AsParameters] SavingsLedgerQuery query, CurrentUser user, ModuleDatabase<SeatsModule> db, TimeProvider time, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound("Tenant not found.");
        }

        var today = ParisCalendar.Today(time);
        var errors = new ValidationErrors();
        var period = ReportPeriod.Parse(query.From, query.To, today, errors);
        if (period is null)
        {
            return errors.ToProblem();
        }

        var findings = await db.QueryAsync<FindingRow>(
            """
            SELECT id AS Id, kind AS Kind, summary AS Summary, recommended_action AS RecommendedAction, monthly_effect_cents AS MonthlyEffectCents,
                   effect_basis AS EffectBasis, status AS Status, status_changed_at AS StatusChangedAt, closed_at AS ClosedAt
            FROM findings
            WHERE tenant_id = @tenantId AND monthly_effect_cents > 0 AND (status = 'accepted' OR (status = 'resolved' AND closed_at IS NOT NULL))
            """, new { tenantId }, ct);
        var acted = findings.Where(f => f.Status == "resolved")
            .Select(f => new ActedRecommendation(f.Id, f.Kind, f.Summary, f.RecommendedAction, f.MonthlyEffectCents / 100m, f.EffectBasis,
                ParisCalendar.DateOf(f.ClosedAt!.Value)))
            .ToList();
        var ledger = SavingsLedger.Compute(period.Start, period.End, today, acted);
        var pending = findings.Where(f => f.Status == "accepted")
            .OrderByDescending(f => f.MonthlyEffectCents).ThenBy(f => f.Id)
            .Select(f => new PendingRecommendation(f.Id, f.Kind, f.Summary, f.RecommendedAction, f.MonthlyEffectCents / 100m, f.StatusChangedAt))
            .ToList();
        return TypedResults.Ok(new SavingsLedgerResponse(tenantId, ledger.From, ledger.To, ledger.Months, ledger.Recommendations, ledger.TotalSavedEur, pending));
    }

    private sealed record FindingRow(
        Guid Id, string Kind, string Summary, string RecommendedAction, long MonthlyEffectCents, string EffectBasis, string Status,
        DateTimeOffset? StatusChangedAt, DateTimeOffset? ClosedAt);
}
