using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Jobs;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Domain.Reports;
using LicenceOps.Seats.Features.Renewals;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Jobs;

/// <summary>
/// Hangfire recurring job (hourly; the stages move by the day): turns every tenant's renewals within 120 days and passed
/// ones into findings (<see cref="RenewalFindings"/>), merged with the stored ones like reconciliation's
/// (<see cref="FindingMerge"/>): a rerun refreshes, a decision or a new stage auto-closes. One transaction per tenant.
/// </summary>
internal sealed class RenewalFindingsJob(ModuleDatabase<SeatsModule> db, IOptions<SeatsOptions> options, TimeProvider clock)
{
    public const string Name = "seats:renewal-findings";

    public async Task RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Name);
        var today = ParisCalendar.Today(clock);
        var horizon = today.AddDays(RenewalPlanner.Horizons.Max());
        var tenants = await db.QueryAsync<Guid>(
            """
            SELECT DISTINCT tenant_id FROM subscriptions WHERE renewal_date <= @horizon
            UNION SELECT DISTINCT tenant_id FROM findings WHERE kind IN @kinds AND status IN ('open', 'accepted', 'dismissed')
            """, new { horizon, kinds = RenewalFindings.Kinds }, ct);
        foreach (var tenantId in tenants)
        {
            ct.ThrowIfCancellationRequested();
            var rows = await db.QueryAsync<RenewalRow>(RenewalRow.SelectSql + " WHERE s.tenant_id = @tenantId AND s.renewal_date <= @horizon",
                new { tenantId, horizon }, ct);
            var views = await RenewalViews.BuildAsync(db, rows, today, options.Value.RenewalHeadroomPercent, ct);
            var planned = RenewalFindings.Plan(views.Select(v => new RenewalSituation(v.SubscriptionId, v.PlanName, v.RenewalDate, v.CommittedQuantity,
                v.ActiveSeats, new RenewalPlan(v.DaysUntilRenewal, v.Stage, v.RecommendedQuantity, v.RecommendationBasis, v.QuantityDifference,
                    v.MonthlyDifferenceEur, v.AnnualDifferenceEur, v.PastRenewalWithoutDecision), v.MonthlyPricePerSeatEur, v.Decision is not null)));
            await db.WriteAsync(uow => ApplyAsync(uow, tenantId, planned), ct);
        }
    }

    private static async Task ApplyAsync(UnitOfWork uow, Guid tenantId, IReadOnlyList<PlannedFinding> planned)
    {
        var existing = await uow.QueryAsync<ExistingRow>(
            "SELECT id AS Id, kind AS Kind, subject_key AS SubjectKey, status AS Status FROM findings WHERE tenant_id = @tenantId AND kind IN @kinds",
            new { tenantId, kinds = RenewalFindings.Kinds });
        var changes = FindingMerge.Merge(existing.Select(e => new ExistingFinding(e.Id, e.Kind, e.SubjectKey, e.Status, null)).ToList(),
            planned, RenewalFindings.Kinds, scopeAccountId: null);
        foreach (var change in changes)
        {
            var p = change.Planned;
            var values = new
            {
                id = change.Existing?.Id ?? RowIds.New(), tenantId, previous = change.Existing?.Status, p?.Kind, p?.SubjectKey, p?.SubscriptionId,
                p?.Summary, p?.RecommendedAction, p?.MonthlyEffectCents, p?.EffectBasis, now = uow.Now, actor = uow.Actor.Display,
            };
            switch (change.Kind)
            {
                case FindingChangeKind.Open:
                    await uow.ExecuteAsync(
                        """
                        INSERT INTO findings (id, tenant_id, kind, subject_key, status, subscription_id, summary, recommended_action, needs_client,
                            monthly_effect_cents, effect_basis, first_seen_at, last_seen_at, opened_count, created_at, updated_at)
                        VALUES (@id, @tenantId, @Kind, @SubjectKey, 'open', @SubscriptionId, @Summary, @RecommendedAction, 0, @MonthlyEffectCents,
                            @EffectBasis, @now, @now, 1, @now, @now)
                        """, values);
                    await uow.AuditAsync("finding", values.id, "opened", new { p!.Kind, p.SubjectKey, p.MonthlyEffectCents }, tenantId);
                    break;
                case FindingChangeKind.Reopen:
                    await uow.ExecuteAsync(
                        """
                        UPDATE findings SET status = 'open', status_reason = 'the renewal is undecided again', status_changed_at = @now,
                            status_changed_by = @actor, closed_at = NULL, opened_count = opened_count + 1, summary = @Summary,
                            recommended_action = @RecommendedAction, monthly_effect_cents = @MonthlyEffectCents, effect_basis = @EffectBasis,
                            last_seen_at = @now, updated_at = @now
                        WHERE id = @id AND status = @previous
                        """, values);
                    await uow.AuditAsync("finding", values.id, "reopened", new { from = values.previous }, tenantId);
                    break;
                case FindingChangeKind.Refresh:
                    await uow.ExecuteAsync(
                        """
                        UPDATE findings SET summary = @Summary, recommended_action = @RecommendedAction, monthly_effect_cents = @MonthlyEffectCents,
                            effect_basis = @EffectBasis, last_seen_at = @now, updated_at = @now
                        WHERE id = @id
                        """, values);
                    break;
                case FindingChangeKind.AutoClose:
                    await uow.ExecuteAsync(
                        """
                        UPDATE findings SET status = 'auto_closed', status_reason = 'renewal decided, moved or at its next stage',
                            status_changed_at = @now, status_changed_by = @actor, closed_at = @now, updated_at = @now
                        WHERE id = @id AND status = @previous
                        """, values);
                    await uow.AuditAsync("finding", values.id, "auto_closed", new { from = values.previous }, tenantId);
                    break;
            }
        }
    }

    private sealed record ExistingRow(Guid Id, string Kind, string SubjectKey, string Status);
}
