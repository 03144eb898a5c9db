using LicenceOps.Contracts.Seats;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Shared;

namespace LicenceOps.Seats.Reconciliation;

public sealed record FindingCounts(int Opened, int Updated, int Closed);

/// <summary>
/// A finding a comparison opened, as its run's audit entry lists it (ADR 0057): what the finding's own <c>opened</c> entry
/// held before, the run being the entry's entity.
/// </summary>
public sealed record FindingOpening(Guid Id, string Kind, string SubjectKey, long MonthlyEffectCents);

/// <summary>
/// Applies planned findings to the findings table for one vendor account: opens, reopens, refreshes and auto-closes per
/// <see cref="FindingMerge"/>, with an audit row per status change and the attention events once per opening; the openings of a
/// comparison (a run id given) are audited by the run's own entry instead, which lists them (<see cref="Applied.Openings"/>,
/// ADR 0057). A comparison
/// (a run id given) writes no finding it sees again exactly as stored and already following its account: it records itself once on
/// the account instead (<see cref="FindingSightings"/>, ADR 0055).
/// </summary>
internal static class FindingStore
{
    public static async Task<FindingCounts> ApplyAsync(
        UnitOfWork uow, Guid tenantId, Guid accountId, string vendorCode, string vendorName, Guid? runId, IReadOnlyList<PlannedFinding> planned,
        IReadOnlyCollection<string> evaluatedKinds)
    {
        if (runId is not null)
        {
            // A run's openings are audited by the run's own entry (ADR 0057), which only the overload below hands back.
            throw new ArgumentException("A comparison applies its findings through the overload that returns its openings.", nameof(runId));
        }
        var kinds = evaluatedKinds.Concat(planned.Select(p => p.Kind)).Distinct().ToArray();
        var existing = await uow.QueryAsync<ExistingFindingRow>(ExistingSelectSql + " WHERE tenant_id = @tenantId AND kind IN @kinds", new { tenantId, kinds });
        return (await ApplyAsync(uow, tenantId, accountId, vendorCode, vendorName, runId, planned, evaluatedKinds, existing)).Counts;
    }

    /// <summary>
    /// What a merge did, and the stored findings it was given as its writes left them (the inputs of the account's next comparison,
    /// ADR 0052); null when a conditional update found a row in another state than the one read, so what it holds is not known here.
    /// <paramref name="Openings"/>: the findings a comparison opened, which the caller must audit in its run's entry in the same
    /// transaction (ADR 0057); empty outside a comparison, where each opening has its own entry. <paramref name="Changed"/>: whether
    /// any finding now reads differently (opened, reopened, refreshed with other texts, links or effect, closed); findings only
    /// seen again as stored change nothing anyone reads but their last seen (ADR 0063).
    /// </summary>
    public sealed record Applied(FindingCounts Counts, IReadOnlyList<ExistingFindingRow>? After, IReadOnlyList<FindingOpening> Openings, bool Changed);

    /// <summary>The stored findings a merge needs; <c>TenantId</c> lets a batch read several tenants' findings at once.</summary>
    public const string ExistingSelectSql = """
        SELECT id AS Id, tenant_id AS TenantId, kind AS Kind, subject_key AS SubjectKey, status AS Status, vendor_account_id AS VendorAccountId,
               vendor_name AS VendorName, subscription_id AS SubscriptionId, seat_id AS SeatId, person_id AS PersonId, member_email AS MemberEmail,
               summary AS Summary, recommended_action AS RecommendedAction, needs_client AS NeedsClient,
               monthly_effect_cents AS MonthlyEffectCents, effect_basis AS EffectBasis, seen_by_account AS SeenByAccount
        FROM findings
        """;

    /// <summary>
    /// As above with the tenant's stored findings already read (a reconciliation batch reads them for all its tenants in one
    /// query, inside the same write transaction): only those of the kinds in play take part.
    /// </summary>
    /// <param name="membersRead">
    /// A comparison whose reading was the vendor's whole member list: its record on the account also moves when the list was last
    /// read (<see cref="FindingSightings.RecordComparisonAsync"/>), which the caller then does not write itself.
    /// </param>
    public static async Task<Applied> ApplyAsync(
        UnitOfWork uow, Guid tenantId, Guid accountId, string vendorCode, string vendorName, Guid? runId, IReadOnlyList<PlannedFinding> planned,
        IReadOnlyCollection<string> evaluatedKinds, IReadOnlyList<ExistingFindingRow> stored, bool membersRead = false)
    {
        // The given rows as this merge leaves them, each replaced by a new row where it writes (a row given is never changed: it
        // may be a remembered input shared with another comparison).
        var after = stored.ToDictionary(e => e.Id);
        var afterKnown = true;
        var kinds = evaluatedKinds.Concat(planned.Select(p => p.Kind)).ToHashSet();
        var existing = stored.Where(e => kinds.Contains(e.Kind)).ToList();
        var changes = FindingMerge.Merge(
            existing.Select(e => new ExistingFinding(e.Id, e.Kind, e.SubjectKey, e.Status, e.VendorAccountId)).ToList(), planned, evaluatedKinds, accountId);

        var rowsById = existing.ToDictionary(e => e.Id);
        // A comparison's sightings follow the account (one write on it below); an observation recorded outside a run moves the
        // finding's own last seen, and the finding stops following (the account's last comparison did not see what it saw).
        var comparison = runId is not null;
        var unchanged = new List<Guid>();
        var seen = new HashSet<Guid>();
        // Openings are inserted together after the loop, with their audit rows and events: a first run opens dozens per
        // account, and one statement per row was most of its writer's time (docs/performance.md, first run).
        var openings = new List<(Guid Id, PlannedFinding Planned)>();
        var openedByRun = new List<FindingOpening>();
        // Refreshes with new texts or effects are written together too: a change of policy or price refreshes every finding
        // it touches, dozens per account (texts name dates, not counts of days, so a new day alone refreshes none).
        var refreshed = new List<(Guid Id, PlannedFinding Planned)>();
        var audits = new List<UnitOfWork.AuditEntry>();
        var events = new List<object>();
        int opened = 0, updated = 0, closed = 0;
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case FindingChangeKind.Open:
                {
                    var p = change.Planned!;
                    var id = RowIds.New();
                    openings.Add((id, p));
                    after[id] = ExistingFindingRow.Written(id, tenantId, p.Kind, p.SubjectKey, FindingStatuses.Open, p, accountId, vendorName, comparison);
                    if (comparison)
                    {
                        // A first comparison opens dozens per account: one entry per finding was a third of its openings' cost.
                        openedByRun.Add(new FindingOpening(id, p.Kind, p.SubjectKey, p.MonthlyEffectCents));
                    }
                    else
                    {
                        audits.Add(new UnitOfWork.AuditEntry("finding", id, "opened", new { p.Kind, p.SubjectKey, p.MonthlyEffectCents, runId }, tenantId));
                    }
                    Events(uow, events, id, tenantId, accountId, vendorName, p);
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
                            effect_basis = @EffectBasis, last_seen_at = @now, last_run_id = @runId, seen_by_account = @comparison, updated_at = @now
                        WHERE id = @id AND status = @previous
                        """,
                        new
                        {
                            id = e.Id, previous = e.Status, reason = "the cause was seen again", actor = uow.Actor.Display, accountId, vendorCode, vendorName,
                            p.SubscriptionId, p.SeatId, p.PersonId, p.MemberEmail, p.Summary, p.RecommendedAction, needsClient = p.NeedsClient ? 1 : 0,
                            p.MonthlyEffectCents, p.EffectBasis, now = uow.Now, runId, comparison,
                        });
                    seen.Add(e.Id);
                    if (rows == 1)
                    {
                        audits.Add(new UnitOfWork.AuditEntry("finding", e.Id, "reopened", new { from = e.Status, p.MonthlyEffectCents, runId }, tenantId));
                        Events(uow, events, e.Id, tenantId, accountId, vendorName, p);
                        opened++;
                        after[e.Id] = rowsById[e.Id].With(p, accountId, vendorName, comparison, FindingStatuses.Open);
                    }
                    else
                    {
                        afterKnown = false;
                    }
                    break;
                }
                case FindingChangeKind.Refresh:
                {
                    var p = change.Planned!;
                    var row = rowsById[change.Existing!.Id];
                    updated++;
                    seen.Add(row.Id);
                    if (row.Matches(p, accountId, vendorName))
                    {
                        // Already following the account: this comparison's record on the account is its sighting, no write.
                        if (!comparison || !row.SeenByAccount)
                        {
                            unchanged.Add(row.Id);
                            after[row.Id] = row.Following(comparison);
                        }
                        break;
                    }
                    refreshed.Add((row.Id, p));
                    after[row.Id] = row.With(p, accountId, vendorName, comparison);
                    break;
                }
                case FindingChangeKind.AutoClose:
                {
                    var e = change.Existing!;
                    var reason = runId is { } run ? $"the cause was no longer seen (run {run})" : "the cause was no longer seen";
                    var rows = await uow.ExecuteAsync(
                        $"""
                        UPDATE findings SET status = 'auto_closed', status_reason = @reason, status_changed_at = @now, status_changed_by = @actor,
                            closed_at = @now, updated_at = @now, {FindingSightings.FreezeSql}
                        WHERE id = @id AND status = @previous
                        """,
                        new { id = e.Id, previous = e.Status, reason, actor = uow.Actor.Display, now = uow.Now });
                    if (rows == 1)
                    {
                        audits.Add(new UnitOfWork.AuditEntry("finding", e.Id, "auto_closed", new { from = e.Status, reason }, tenantId));
                        closed++;
                        after[e.Id] = rowsById[e.Id].With(FindingStatuses.AutoClosed);
                    }
                    else
                    {
                        afterKnown = false;
                    }
                    break;
                }
            }
        }
        // Findings seen again exactly as stored that do not follow the account yet (or seen outside a comparison) only move their
        // last seen, a handful of statements for any number; once a comparison has seen one, the next ones do not write it again.
        foreach (var chunk in unchanged.Chunk(500))
        {
            await uow.ExecuteAsync(
                "UPDATE findings SET last_seen_at = @now, last_run_id = @runId, seen_by_account = @comparison, updated_at = @now WHERE id IN @ids",
                new { ids = chunk, now = uow.Now, runId, comparison });
        }
        if (comparison)
        {
            await FollowAsync(uow, accountId, runId!.Value, stored, seen, after, membersRead);
        }
        await RefreshAsync(uow, accountId, vendorCode, vendorName, runId, refreshed);
        await InsertOpeningsAsync(uow, tenantId, accountId, vendorCode, vendorName, runId, openings);
        await uow.AuditManyAsync(audits);
        await uow.PublishManyAsync(events);
        return new Applied(new FindingCounts(opened, updated, closed), afterKnown ? after.Values.ToList() : null, openedByRun,
            opened + closed + refreshed.Count > 0);
    }

    /// <summary>
    /// Ends a comparison's findings: a live finding of the account that follows it but that this comparison neither saw nor closed
    /// (its kind not evaluated: a reading that cannot see activity) keeps the last seen it had, frozen before the account records
    /// this comparison as the one its following findings were last seen by.
    /// </summary>
    private static async Task FollowAsync(
        UnitOfWork uow, Guid accountId, Guid runId, IReadOnlyList<ExistingFindingRow> stored, HashSet<Guid> seen, Dictionary<Guid, ExistingFindingRow> after,
        bool membersRead)
    {
        var unseen = stored.Where(e => e.VendorAccountId == accountId && !seen.Contains(e.Id) && after[e.Id] is { SeenByAccount: true } now
                                       && FindingStatuses.IsLive(now.Status))
            .Select(e => e.Id).ToList();
        foreach (var chunk in unseen.Chunk(500))
        {
            await uow.ExecuteAsync($"UPDATE findings SET {FindingSightings.FreezeSql} WHERE id IN @ids AND seen_by_account = 1", new { ids = chunk });
        }
        foreach (var id in unseen)
        {
            after[id] = after[id].Following(false);
        }
        await FindingSightings.RecordComparisonAsync(uow, accountId, runId, membersRead);
    }

    /// <summary>
    /// Live findings seen again with other texts, links or effect: every column a run plans is rewritten and last seen moves (and
    /// follows the account after a comparison). One
    /// <c>UPDATE … FROM jsonb_each</c> on SQLite, one update per finding on SQL Server.
    /// </summary>
    private static async Task RefreshAsync(
        UnitOfWork uow, Guid accountId, string vendorCode, string vendorName, Guid? runId, List<(Guid Id, PlannedFinding Planned)> refreshed)
    {
        if (refreshed.Count == 0)
        {
            return;
        }
        if (uow.Dialect == SqlDialect.Sqlite)
        {
            var rows = new JsonRows(ExpectedBytes(refreshed));
            foreach (var (id, p) in refreshed)
            {
                rows.Row().Add(id).Add(p.SubscriptionId).Add(p.SeatId).Add(p.PersonId).Add(p.MemberEmail).Add(p.Summary).Add(p.RecommendedAction)
                    .Add(p.NeedsClient).Add(p.MonthlyEffectCents).Add(p.EffectBasis);
            }
            await uow.ExecuteRowsAsync(
                """
                UPDATE findings SET vendor_account_id = @accountId, vendor_code = @vendorCode, vendor_name = @vendorName,
                    subscription_id = r.value ->> 1, seat_id = r.value ->> 2, person_id = r.value ->> 3, member_email = r.value ->> 4,
                    summary = r.value ->> 5, recommended_action = r.value ->> 6, needs_client = r.value ->> 7, monthly_effect_cents = r.value ->> 8,
                    effect_basis = r.value ->> 9, last_seen_at = @now, last_run_id = @runId, seen_by_account = @comparison, updated_at = @now
                FROM jsonb_each(CAST(@rows AS TEXT)) AS r
                WHERE findings.id = r.value ->> 0
                """, rows, new { accountId, vendorCode, vendorName, now = uow.Now, runId, comparison = runId is not null });
            return;
        }
        await uow.ExecuteAsync(
            """
            UPDATE findings SET vendor_account_id = @accountId, vendor_code = @vendorCode, vendor_name = @vendorName,
                subscription_id = @SubscriptionId, seat_id = @SeatId, person_id = @PersonId, member_email = @MemberEmail, summary = @Summary,
                recommended_action = @RecommendedAction, needs_client = @needsClient, monthly_effect_cents = @MonthlyEffectCents,
                effect_basis = @EffectBasis, last_seen_at = @now, last_run_id = @runId, seen_by_account = @comparison, updated_at = @now
            WHERE id = @id
            """,
            refreshed.Select(r => new
            {
                r.Id, accountId, vendorCode, vendorName, r.Planned.SubscriptionId, r.Planned.SeatId, r.Planned.PersonId, r.Planned.MemberEmail,
                r.Planned.Summary, r.Planned.RecommendedAction, needsClient = r.Planned.NeedsClient ? 1 : 0, r.Planned.MonthlyEffectCents,
                r.Planned.EffectBasis, now = uow.Now, runId, comparison = runId is not null,
            }).ToList());
    }

    /// <summary>
    /// About the length of the findings' JSON rows, so their buffer is sized once instead of doubling from 256 bytes up to a first
    /// run's 30 KB per account (each step copies what it holds): the texts' lengths (exact for ASCII) and the ids, numbers and JSON
    /// around them.
    /// </summary>
    private static int ExpectedBytes(List<(Guid Id, PlannedFinding Planned)> findings)
    {
        var bytes = 2;
        foreach (var (_, p) in findings)
        {
            bytes += 220 + p.Kind.Length + p.SubjectKey.Length + (p.MemberEmail?.Length ?? 0) + p.Summary.Length + p.RecommendedAction.Length
                     + p.EffectBasis.Length;
        }
        return bytes;
    }

    private const string InsertColumns = """
        INSERT INTO findings (id, tenant_id, kind, subject_key, status, vendor_account_id, vendor_code, vendor_name, subscription_id, seat_id,
            person_id, member_email, summary, recommended_action, needs_client, monthly_effect_cents, effect_basis, first_seen_at,
            last_seen_at, first_run_id, last_run_id, seen_by_account, opened_count, created_at, updated_at)
        """;

    /// <summary>New findings, all open: one statement for all of them on SQLite (jsonb_each over the rows' UTF-8 bytes, bound where they were written: <see cref="UnitOfWork.ExecuteRowsAsync"/>), one insert per finding on SQL Server.</summary>
    private static async Task InsertOpeningsAsync(
        UnitOfWork uow, Guid tenantId, Guid accountId, string vendorCode, string vendorName, Guid? runId, List<(Guid Id, PlannedFinding Planned)> openings)
    {
        if (openings.Count == 0)
        {
            return;
        }
        if (uow.Dialect == SqlDialect.Sqlite)
        {
            var rows = new JsonRows(ExpectedBytes(openings));
            foreach (var (id, p) in openings)
            {
                rows.Row().Add(id).Add(p.Kind).Add(p.SubjectKey).Add(p.SubscriptionId).Add(p.SeatId).Add(p.PersonId).Add(p.MemberEmail).Add(p.Summary)
                    .Add(p.RecommendedAction).Add(p.NeedsClient).Add(p.MonthlyEffectCents).Add(p.EffectBasis);
            }
            await uow.ExecuteRowsAsync(InsertColumns + """
                SELECT value ->> 0, @tenantId, value ->> 1, value ->> 2, 'open', @accountId, @vendorCode, @vendorName, value ->> 3, value ->> 4,
                    value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11, @now,
                    @now, @runId, @runId, @comparison, 1, @now, @now
                FROM jsonb_each(CAST(@rows AS TEXT))
                """, rows, new { tenantId, accountId, vendorCode, vendorName, now = uow.Now, runId, comparison = runId is not null });
            return;
        }
        await uow.ExecuteAsync(InsertColumns + """
            VALUES (@id, @tenantId, @Kind, @SubjectKey, 'open', @accountId, @vendorCode, @vendorName, @SubscriptionId, @SeatId,
                @PersonId, @MemberEmail, @Summary, @RecommendedAction, @needsClient, @MonthlyEffectCents, @EffectBasis, @now,
                @now, @runId, @runId, @comparison, 1, @now, @now)
            """,
            openings.Select(o => new
            {
                o.Id, tenantId, o.Planned.Kind, o.Planned.SubjectKey, accountId, vendorCode, vendorName, o.Planned.SubscriptionId, o.Planned.SeatId,
                o.Planned.PersonId, o.Planned.MemberEmail, o.Planned.Summary, o.Planned.RecommendedAction, needsClient = o.Planned.NeedsClient ? 1 : 0,
                o.Planned.MonthlyEffectCents, o.Planned.EffectBasis, now = uow.Now, runId, comparison = runId is not null,
            }).ToList());
    }

    /// <summary>Once per opening (never on a refresh), so Support opens one ticket per situation.</summary>
    private static void Events(UnitOfWork uow, List<object> events, Guid findingId, Guid tenantId, Guid accountId, string vendorName, PlannedFinding p)
    {
        if (p.Kind == FindingKinds.WrongAccount)
        {
            events.Add(new WrongAccountActivationDetected(findingId, tenantId, accountId, p.SeatId, p.PersonId, vendorName, p.MemberEmail ?? "",
                p.ExpectedEmail, p.Summary, uow.Now));
        }
        if (p.NeedsClient)
        {
            events.Add(new ReconciliationFindingNeedsClient(findingId, tenantId, p.Kind, p.Summary, p.RecommendedAction,
                p.MonthlyEffectCents / 100m, uow.Now));
        }
    }
}
