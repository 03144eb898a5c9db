using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Transfers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Seats.Features.Findings;

/// <summary>
/// POST /api/tenants/{tenantId}/findings/{id}/reclaim: one action for an inactive seat (or the little-used one of two
/// overlapping tools): the seat is released today, the committed quantity drops when the plan allows it before renewal,
/// and a seat_release workflow removes the member at the vendor through its connector (data handed over per the plan's
/// rule). The finding becomes resolved; SeatReleased (and SubscriptionQuantityChanged) reach Billing via the outbox.
/// </summary>
internal static class ReclaimSeat
{
    public static void Map(IEndpointRouteBuilder tenant) =>
        tenant.MapPost("/findings/{findingId:guid}/reclaim", HandleAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Reclaim the seat of an inactive-seat or overlapping-tools finding: release it and remove the member at the vendor.");

    private static readonly string[] Reclaimable = [FindingKinds.InactiveSeat, FindingKinds.OverlappingTools];

    private static async Task<Results<Ok<FindingResponse>, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid findingId, ModuleDatabase<SeatsModule> db, TransferKicker kicker, CancellationToken ct) =>
        await db.WriteAsync<Results<Ok<FindingResponse>, ProblemHttpResult>>(async uow =>
        {
            var finding = await FindingResponse.LoadAsync(uow, tenantId, findingId);
            if (finding is null)
            {
                return Problems.NotFound($"Finding {findingId} not found.");
            }
            if (!Reclaimable.Contains(finding.Kind) || finding.SeatId is not { } seatId)
            {
                return Problems.Conflict($"Only {string.Join(" and ", Reclaimable)} findings reclaim a seat; this one is {finding.Kind}.");
            }
            if (finding.Status is not (FindingStatuses.Open or FindingStatuses.Accepted))
            {
                return Problems.Conflict($"The finding is {finding.Status}: only an open or accepted finding can be acted on.");
            }
            var seat = await SeatLedger.FindAsync(uow, tenantId, seatId);
            if (seat is null || seat.Status == "released")
            {
                return Problems.Conflict("The seat is already released.");
            }
            var reason = $"reclaimed: {finding.Summary}";
            if (await SeatLedger.ReleaseAsync(uow, seat, ParisCalendar.DateOf(uow.Now), reason, applyCommitmentRule: true) is null)
            {
                return Problems.Conflict("The seat changed meanwhile; read the finding again.");
            }
            var kicks = await SeatWorkflows.ReleasedByHandAsync(uow, seat, "seat reclaimed from a finding");
            // Resolved, the finding is no longer seen by its account's comparisons: its last seen is frozen (ADR 0055).
            var rows = await uow.ExecuteAsync(
                $"""
                UPDATE findings SET status = 'resolved', status_reason = 'seat reclaimed', status_changed_at = @now, status_changed_by = @actor,
                    closed_at = @now, updated_at = @now, {FindingSightings.FreezeSql}
                WHERE id = @findingId AND tenant_id = @tenantId AND status = @previous
                """,
                new { findingId, tenantId, now = uow.Now, actor = uow.Actor.Display, previous = finding.Status });
            if (rows != 1)
            {
                throw new InvalidOperationException("The finding changed during the reclaim; nothing was committed.");
            }
            await uow.AuditAsync("finding", findingId, "reclaimed", new { seatId, transfers = kicks }, tenantId);
            uow.OnCommitted(() => kicker.Kick(kicks));
            return TypedResults.Ok((await FindingResponse.LoadAsync(uow, tenantId, findingId))!);
        }, ct);
}
