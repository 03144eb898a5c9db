using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Transfers;

namespace LicenceOps.Seats.Transfers;

/// <summary>Cancels superseded lanes (with their manual tasks and queued seat requests) and keeps transfer statuses true.</summary>
internal static class TransferLanes
{
    private static readonly string[] Unfinished = [StepStatuses.Pending, StepStatuses.Waiting, StepStatuses.NeedsAttention];

    /// <summary>The person's lanes that still have work, for <see cref="Convergence.Plan"/>.</summary>
    public static async Task<IReadOnlyList<OpenLane>> OpenAsync(UnitOfWork uow, Guid personId)
    {
        var steps = await uow.QueryAsync<TransferStepRow>(
            TransferStepRow.SelectSql + """
             WHERE transfer_id IN (SELECT id FROM transfers WHERE person_id = @personId AND status IN ('running', 'needs_attention'))
            """,
            new { personId });
        return steps
            .GroupBy(s => (s.TransferId, s.Lane))
            .Where(lane => lane.Any(s => Unfinished.Contains(s.Status)))
            .Select(lane => new OpenLane(
                lane.Key.TransferId,
                lane.Key.Lane,
                lane.All(s => TransferPlanner.IsOnboardingKind(s.Kind)),
                lane.First().SubscriptionId,
                lane.Select(s => s.SeatId).FirstOrDefault(id => id is not null),
                lane.Any(s => s.Status == StepStatuses.Completed),
                lane.Where(s => Unfinished.Contains(s.Status)).Min(s => s.NextAttemptAt)))
            .ToList();
    }

    /// <summary>Cancels the unfinished steps of a lane, their open manual tasks and the seat requests they queued.</summary>
    public static async Task CancelAsync(UnitOfWork uow, Guid tenantId, Guid transferId, int lane, string reason)
    {
        var stepIds = await uow.QueryAsync<Guid>(
            "SELECT id FROM transfer_steps WHERE transfer_id = @transferId AND lane = @lane AND status IN @unfinished",
            new { transferId, lane, unfinished = Unfinished });
        if (stepIds.Count == 0)
        {
            return;
        }
        await uow.ExecuteAsync(
            """
            UPDATE seat_requests SET status = 'cancelled', decision_reason = @reason, decided_at = @now, decided_by_id = @actorId, decided_by = @actorDisplay
            WHERE status = 'pending' AND id IN (SELECT seat_request_id FROM transfer_steps WHERE id IN @stepIds AND seat_request_id IS NOT NULL)
            """,
            new { stepIds, reason, now = uow.Now, actorId = uow.Actor.Id, actorDisplay = uow.Actor.Display });
        await uow.ExecuteAsync(
            "UPDATE manual_tasks SET status = 'cancelled', cancel_reason = @reason WHERE transfer_step_id IN @stepIds AND status = 'open'",
            new { stepIds, reason });
        await uow.ExecuteAsync(
            "UPDATE transfer_steps SET status = 'cancelled', cancel_reason = @reason, completed_at = @now WHERE id IN @stepIds AND status IN @unfinished",
            new { stepIds, reason, now = uow.Now, unfinished = Unfinished });
        await uow.AuditAsync("transfer", transferId, "lane_cancelled", new { lane, steps = stepIds.Count, reason }, tenantId);
    }

    /// <summary>Cancels every unfinished lane that works on <paramref name="seatId"/> and refreshes the transfers concerned.</summary>
    public static async Task<IReadOnlyList<Guid>> CancelForSeatAsync(UnitOfWork uow, Guid tenantId, Guid seatId, string reason, Func<string, bool> kinds)
    {
        var steps = await uow.QueryAsync<TransferStepRow>(
            TransferStepRow.SelectSql + " WHERE seat_id = @seatId AND status IN @unfinished", new { seatId, unfinished = Unfinished });
        var lanes = steps.Where(s => kinds(s.Kind)).Select(s => (s.TransferId, s.Lane)).Distinct().ToList();
        foreach (var (transferId, lane) in lanes)
        {
            await CancelAsync(uow, tenantId, transferId, lane, reason);
        }
        var transfers = lanes.Select(l => l.TransferId).Distinct().ToList();
        foreach (var transferId in transfers)
        {
            await RefreshAsync(uow, tenantId, transferId);
        }
        return transfers;
    }

    /// <summary>
    /// Derives the transfer's status from its steps: needs attention while a step does, running while any has work,
    /// otherwise completed (or cancelled when nothing was ever done).
    /// </summary>
    public static async Task RefreshAsync(UnitOfWork uow, Guid tenantId, Guid transferId)
    {
        var statuses = await uow.QueryAsync<string>("SELECT status FROM transfer_steps WHERE transfer_id = @transferId", new { transferId });
        if (statuses.Contains(StepStatuses.NeedsAttention))
        {
            return;
        }
        if (statuses.Any(s => s is StepStatuses.Pending or StepStatuses.Waiting))
        {
            await uow.ExecuteAsync(
                "UPDATE transfers SET status = 'running', attention_reason = NULL, updated_at = @now WHERE id = @transferId AND status IN ('running', 'needs_attention')",
                new { transferId, now = uow.Now });
            return;
        }
        var final = statuses.Contains(StepStatuses.Completed) ? TransferStatuses.Completed : TransferStatuses.Cancelled;
        var rows = await uow.ExecuteAsync(
            """
            UPDATE transfers SET status = @final, attention_reason = NULL, completed_at = @now, updated_at = @now
            WHERE id = @transferId AND status IN ('running', 'needs_attention')
            """,
            new { transferId, final, now = uow.Now });
        if (rows == 1)
        {
            await uow.AuditAsync("transfer", transferId, final, null, tenantId);
        }
    }
}
