using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Transfers;

namespace LicenceOps.Seats.Transfers;

/// <summary>
/// Advances workflows whose state lives only in transfers/transfer_steps: each step runs in its own transaction,
/// so a crash loses at most the step in flight, which runs again after a restart.
/// </summary>
internal sealed class TransferEngine(ModuleDatabase<SeatsModule> db, StepExecutor executor, StepRetryPolicy retryPolicy, TimeProvider time)
{
    private const int MaxRoundsPerRun = 20;

    public async Task AdvanceAllAsync(CancellationToken ct)
    {
        var running = await db.QueryAsync<Guid>("SELECT id FROM transfers WHERE status = 'running' ORDER BY created_at", ct: ct);
        foreach (var transferId in running)
        {
            await AdvanceAsync(transferId, ct);
        }
    }

    public async Task AdvanceAsync(Guid transferId, CancellationToken ct)
    {
        for (var round = 0; round < MaxRoundsPerRun; round++)
        {
            var transfer = await db.QuerySingleOrDefaultAsync<TransferRow>(TransferRow.SelectSql + " WHERE id = @transferId",
                new { transferId }, ct);
            if (transfer is null || transfer.Status != TransferStatuses.Running)
            {
                return;
            }
            var steps = await db.QueryAsync<TransferStepRow>(TransferStepRow.SelectSql + " WHERE transfer_id = @transferId",
                new { transferId }, ct);
            var due = ReadySteps(steps, time.GetUtcNow());
            var completedAny = false;
            foreach (var step in due)
            {
                completedAny |= await RunStepAsync(transfer, step.Id, ct);
            }
            await db.WriteAsync(uow => TransferLanes.RefreshAsync(uow, transfer.TenantId, transfer.Id), ct);
            if (!completedAny)
            {
                return;
            }
        }
    }

    /// <summary>The first unfinished step of each lane, if it may run now. A lane stops at a step needing attention.</summary>
    internal static IReadOnlyList<TransferStepRow> ReadySteps(IEnumerable<TransferStepRow> steps, DateTimeOffset now) =>
        steps.GroupBy(s => s.Lane)
            .Select(lane => lane.OrderBy(s => s.StepOrder).FirstOrDefault(s => s.Status is not (StepStatuses.Completed or StepStatuses.Cancelled)))
            .Where(s => s is not null && s.Status is StepStatuses.Pending or StepStatuses.Waiting && s.NextAttemptAt <= now)
            .Select(s => s!)
            .ToList();

    private async Task<bool> RunStepAsync(TransferRow transfer, Guid stepId, CancellationToken ct)
    {
        try
        {
            return await db.WriteAsync(async uow =>
            {
                // Claim the step before acting: a conditional no-op UPDATE that takes the row's write lock (SQL Server's read
                // committed would let two sweepers both read it as pending; SQLite's BEGIN IMMEDIATE already queues them).
                // The loser waits for the winner's commit, then matches no row and leaves the step alone.
                var claimed = await uow.ExecuteAsync(
                    "UPDATE transfer_steps SET next_attempt_at = next_attempt_at WHERE id = @stepId AND status IN ('pending', 'waiting') AND next_attempt_at <= @now",
                    new { stepId, now = uow.Now });
                var step = claimed == 1
                    ? await uow.QuerySingleOrDefaultAsync<TransferStepRow>(TransferStepRow.SelectSql + " WHERE id = @stepId", new { stepId })
                    : null;
                if (step is null)
                {
                    return false;
                }
                var progress = await executor.ExecuteAsync(uow, transfer, step, ct);
                return await RecordProgressAsync(uow, transfer, step, progress);
            }, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await db.WriteAsync(uow => RecordFailureAsync(uow, transfer, stepId, ex), ct);
            return false;
        }
    }

    private static async Task<bool> RecordProgressAsync(UnitOfWork uow, TransferRow transfer, TransferStepRow step, StepProgress progress)
    {
        switch (progress)
        {
            case StepProgress.Completed done:
                await uow.ExecuteAsync(
                    """
                    UPDATE transfer_steps SET status = 'completed', completed_at = @now, completed_by = @by,
                        seat_id = COALESCE(@seatId, seat_id), last_error = NULL
                    WHERE id = @id
                    """,
                    new { id = step.Id, now = uow.Now, by = done.By, seatId = done.SeatId });
                if (done.SeatId is not null)
                {
                    // Later steps of the lane act on the seat this step found or created.
                    await uow.ExecuteAsync(
                        "UPDATE transfer_steps SET seat_id = @seatId WHERE transfer_id = @transferId AND lane = @lane AND seat_id IS NULL",
                        new { seatId = done.SeatId, transferId = transfer.Id, lane = step.Lane });
                }
                await uow.AuditAsync("transfer_step", step.Id, "completed", new { step.Kind, by = done.By, done.SeatId }, transfer.TenantId);
                return true;
            case StepProgress.Cancelled cancelled:
                // The step found its purpose gone (seat released, person left): the rest of its lane goes with it.
                await TransferLanes.CancelAsync(uow, transfer.TenantId, transfer.Id, step.Lane, cancelled.Reason);
                return true;
            case StepProgress.Waiting waiting:
                await uow.ExecuteAsync(
                    """
                    UPDATE transfer_steps SET status = 'waiting', waiting_since = COALESCE(waiting_since, @now),
                        seat_request_id = COALESCE(@requestId, seat_request_id)
                    WHERE id = @id
                    """,
                    new { id = step.Id, now = uow.Now, requestId = waiting.SeatRequestId });
                return false;
            default:
                throw new InvalidOperationException($"Unexpected progress {progress}.");
        }
    }

    private async Task RecordFailureAsync(UnitOfWork uow, TransferRow transfer, Guid stepId, Exception error)
    {
        var step = await uow.QuerySingleOrDefaultAsync<TransferStepRow>(TransferStepRow.SelectSql + " WHERE id = @stepId", new { stepId });
        if (step is null)
        {
            return;
        }
        var attempts = step.Attempts + 1;
        var decision = error is StepBlockedException ? new RetryDecision.GiveUp() : retryPolicy.AfterFailure(attempts, uow.Now);
        if (decision is RetryDecision.RetryAt retry)
        {
            await uow.ExecuteAsync(
                "UPDATE transfer_steps SET attempts = @attempts, next_attempt_at = @next, last_error = @error WHERE id = @id",
                new { id = stepId, attempts, next = retry.When, error = error.Message });
            await uow.AuditAsync("transfer_step", stepId, "failed", new { step.Kind, attempts, error = error.Message, retryAt = retry.When }, transfer.TenantId);
            return;
        }
        var reason = $"{step.Kind} failed after {attempts} attempt(s): {error.Message}";
        await uow.ExecuteAsync(
            "UPDATE transfer_steps SET status = 'needs_attention', attempts = @attempts, last_error = @error WHERE id = @id",
            new { id = stepId, attempts, error = error.Message });
        await uow.ExecuteAsync(
            "UPDATE transfers SET status = 'needs_attention', attention_reason = @reason, updated_at = @now WHERE id = @id",
            new { id = transfer.Id, reason, now = uow.Now });
        await uow.AuditAsync("transfer", transfer.Id, "needs_attention", new { stepId, reason }, transfer.TenantId);
    }
}
