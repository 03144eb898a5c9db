using LicenceOps.Contracts.Seats;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Reconciliation;

namespace LicenceOps.Seats.Reconciliation;

public sealed record FindingCounts(int Opened, int Updated, int Closed);

/// <summary>
/// Applies planned findings to the findings table for one vendor account: opens, reopens, refreshes and auto-closes per
/// <see cref="FindingMerge"/>, with an audit row per status change and the attention events once per opening.
/// </summary>
internal static class FindingStore
{
    public static async Task<FindingCounts> ApplyAsync(
        UnitOfWork uow, Guid tenantId, Guid accountId, string vendorCode, string vendorName, Guid? runId, IReadOnlyList<PlannedFinding> planned,
        IReadOnlyCollection<string> evaluatedKinds)
    {
        var kinds = evaluatedKinds.Concat(planned.Select(p => p.Kind)).Distinct().ToArray();
        var existing = await uow.QueryAsync<ExistingFindingRow>(ExistingSelectSql + " WHERE tenant_id = @tenantId AND kind IN @kinds", new { tenantId, kinds });
        return await ApplyAsync(uow, tenantId, accountId, vendorCode, vendorName, runId, planned, evaluatedKinds, existing);
    }

    /// <summary>The stored findings a merge needs; <c>TenantId</c> lets a batch read several tenants' findings at once.</summary>
    public const string ExistingSelectSql = """
        SELECT id AS Id, tenant_id AS TenantId, kind AS Kind, subject_key AS SubjectKey, status AS Status, vendor_account_id AS VendorAccountId,
               vendor_name AS VendorName, subscription_id AS SubscriptionId, seat_id AS SeatId, person_id AS PersonId, member_email AS MemberEmail,
               summary AS Summary, recommended_action AS RecommendedAction, needs_client AS NeedsClient,
               monthly_effect_cents AS MonthlyEffectCents, effect_basis AS EffectBasis
        FROM findings
        """;

    /// <summary>
    /// As above with the tenant's stored findings already read (a reconciliation batch reads them for all its tenants in one
    /// query, inside the same write transaction): only those of the kinds in play take part.
    /// </summary>
    public static async Task<FindingCounts> ApplyAsync(
        UnitOfWork uow, Guid tenantId, Guid accountId, string vendorCode, string vendorName, Guid? runId, IReadOnlyList<PlannedFinding> planned,
        IReadOnlyCollection<string> evaluatedKinds, IReadOnlyList<ExistingFindingRow> stored)
    {
        var kinds = evaluatedKinds.Concat(planned.Select(p => p.Kind)).ToHashSet();
        var existing = stored.Where(e => kinds.Contains(e.Kind)).ToList();
        var changes = FindingMerge.Merge(
            existing.Select(e => new ExistingFinding(e.Id, e.Kind, e.SubjectKey, e.Status, e.VendorAccountId)).ToList(), planned, evaluatedKinds, accountId);

        var rowsById = existing.ToDictionary(e => e.Id);
        var unchanged = new List<Guid>();
        int opened = 0, updated = 0, closed = 0;
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case FindingChangeKind.Open:
                {
                    var p = change.Planned!;
                    var id = Guid.NewGuid();
                    await uow.ExecuteAsync(
                        """
                        INSERT INTO findings (id, tenant_id, kind, subject_key, status, vendor_account_id, vendor_code, vendor_name, subscription_id, seat_id,
                            person_id, member_email, summary, recommended_action, needs_client, monthly_effect_cents, effect_basis, first_seen_at,
                            last_seen_at, first_run_id, last_run_id, opened_count, created_at, updated_at)
                        VALUES (@id, @tenantId, @Kind, @SubjectKey, 'open', @accountId, @vendorCode, @vendorName, @SubscriptionId, @SeatId,
                            @PersonId, @MemberEmail, @Summary, @RecommendedAction, @needsClient, @MonthlyEffectCents, @EffectBasis, @now,
                            @now, @runId, @runId, 1, @now, @now)
                        """,
                        new
                        {
                            id, tenantId, p.Kind, p.SubjectKey, accountId, vendorCode, vendorName, p.SubscriptionId, p.SeatId, p.PersonId, p.MemberEmail,
                            p.Summary, p.RecommendedAction, needsClient = p.NeedsClient ? 1 : 0, p.MonthlyEffectCents, p.EffectBasis, now = uow.Now, runId,
                        });
                    await uow.AuditAsync("finding", id, "opened", new { p.Kind, p.SubjectKey, p.MonthlyEffectCents, runId }, tenantId);
                    await PublishOpenedAsync(uow, id, tenantId, accountId, vendorName, p);
                    opened++;
                    break;
                }
                case FindingChangeKind.Reopen:
                {
                    var p = change.Planned!;
                    var e = change.Existing!;
                    var rows = await uow.ExecuteAsync(
                        """
                        UPDATE findings SET status = 'open', status_reason = @reason, status_changed_at = @now, status_changed_by = @actor, closed_at = NULL,
                            opened_count = opened_count + 1, vendor_account_id = @accountId, vendor_code = @vendorCode, vendor_name = @vendorName,
                            subscription_id = @SubscriptionId, seat_id = @SeatId, person_id = @PersonId, member_email = @MemberEmail, summary = @Summary,
                            recommended_action = @RecommendedAction, needs_client = @needsClient, monthly_effect_cents = @MonthlyEffectCents,
                            effect_basis = @EffectBasis, last_seen_at = @now, last_run_id = @runId, updated_at = @now
                        WHERE id = @id AND status = @previous
                        """,
                        new
                        {
                            id = e.Id, previous = e.Status, reason = "the cause was seen again", actor = uow.Actor.Display, accountId, vendorCode, vendorName,
                            p.SubscriptionId, p.SeatId, p.PersonId, p.MemberEmail, p.Summary, p.RecommendedAction, needsClient = p.NeedsClient ? 1 : 0,
                            p.MonthlyEffectCents, p.EffectBasis, now = uow.Now, runId,
                        });
                    if (rows == 1)
                    {
                        await uow.AuditAsync("finding", e.Id, "reopened", new { from = e.Status, p.MonthlyEffectCents, runId }, tenantId);
                        await PublishOpenedAsync(uow, e.Id, tenantId, accountId, vendorName, p);
                        opened++;
                    }
                    break;
                }
                case FindingChangeKind.Refresh:
                {
                    var p = change.Planned!;
                    updated++;
                    if (rowsById[change.Existing!.Id].Matches(p, accountId, vendorName))
                    {
                        unchanged.Add(change.Existing.Id);
                        break;
                    }
                    await uow.ExecuteAsync(
                        """
                        UPDATE findings SET vendor_account_id = @accountId, vendor_code = @vendorCode, vendor_name = @vendorName,
                            subscription_id = @SubscriptionId, seat_id = @SeatId, person_id = @PersonId, member_email = @MemberEmail, summary = @Summary,
                            recommended_action = @RecommendedAction, needs_client = @needsClient, monthly_effect_cents = @MonthlyEffectCents,
                            effect_basis = @EffectBasis, last_seen_at = @now, last_run_id = @runId, updated_at = @now
                        WHERE id = @id
                        """,
                        new
                        {
                            id = change.Existing!.Id, accountId, vendorCode, vendorName, p.SubscriptionId, p.SeatId, p.PersonId, p.MemberEmail, p.Summary,
                            p.RecommendedAction, needsClient = p.NeedsClient ? 1 : 0, p.MonthlyEffectCents, p.EffectBasis, now = uow.Now, runId,
                        });
                    break;
                }
                case FindingChangeKind.AutoClose:
                {
                    var e = change.Existing!;
                    var reason = runId is { } run ? $"the cause was no longer seen (run {run})" : "the cause was no longer seen";
                    var rows = await uow.ExecuteAsync(
                        """
                        UPDATE findings SET status = 'auto_closed', status_reason = @reason, status_changed_at = @now, status_changed_by = @actor,
                            closed_at = @now, updated_at = @now
                        WHERE id = @id AND status = @previous
                        """,
                        new { id = e.Id, previous = e.Status, reason, actor = uow.Actor.Display, now = uow.Now });
                    if (rows == 1)
                    {
                        await uow.AuditAsync("finding", e.Id, "auto_closed", new { from = e.Status, reason }, tenantId);
                        closed++;
                    }
                    break;
                }
            }
        }
        // Findings seen again exactly as stored only move their last seen, a handful of statements for any number.
        foreach (var chunk in unchanged.Chunk(500))
        {
            await uow.ExecuteAsync("UPDATE findings SET last_seen_at = @now, last_run_id = @runId, updated_at = @now WHERE id IN @ids",
                new { ids = chunk, now = uow.Now, runId });
        }
        return new FindingCounts(opened, updated, closed);
    }

    /// <summary>Once per opening (never on a refresh), so Support opens one ticket per situation.</summary>
    private static async Task PublishOpenedAsync(UnitOfWork uow, Guid findingId, Guid tenantId, Guid accountId, string vendorName, PlannedFinding p)
    {
        if (p.Kind == FindingKinds.WrongAccount)
        {
            await uow.PublishAsync(new WrongAccountActivationDetected(findingId, tenantId, accountId, p.SeatId, p.PersonId, vendorName, p.MemberEmail ?? "",
                p.ExpectedEmail, p.Summary, uow.Now));
        }
        if (p.NeedsClient)
        {
            await uow.PublishAsync(new ReconciliationFindingNeedsClient(findingId, tenantId, p.Kind, p.Summary, p.RecommendedAction,
                p.MonthlyEffectCents / 100m, uow.Now));
        }
    }
}
