using LicenceOps.Contracts.Seats;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Vendors;
using Microsoft.Extensions.Options;
using LicenceOps.Seats.Domain.Transfers;

namespace LicenceOps.Seats.Transfers;

/// <summary>
/// Advances workflows whose state lives only in transfers/transfer_steps: each step runs in its own transaction,
/// so a crash loses at most the step in flight, which runs again after a restart. A step that calls a vendor API is
/// planned in one transaction, calls the vendor with none open, and records the outcome in a second one, only if the
/// step is still pending/waiting with the attempt count it was planned with (see <see cref="StepExecutor"/>).
/// </summary>
internal sealed class TransferEngine(
    ModuleDatabase<SeatsModule> db, StepExecutor executor, StepRetryPolicy retryPolicy, TimeProvider time, IOptions<SeatsOptions> options)
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
        StepPlan.VendorCall? call = null;
        try
        {
            var (completed, vendorCall) = await db.WriteAsync(async uow =>
            {
                // Re-read inside the transaction: another sweeper may have moved it meanwhile.
                var step = await RunnableStepAsync(uow, stepId);
                if (step is null)
                {
                    return (false, null);
                }
                return await executor.PlanAsync(uow, transfer, step, ct) switch
                {
                    StepPlan.Finished finished => (await RecordProgressAsync(uow, transfer, step, finished.Progress), (StepPlan.VendorCall?)null),
                    StepPlan.VendorCall planned => (false, await LeaseAsync(uow, step, planned)),
                    var other => throw new InvalidOperationException($"Unexpected plan {other}."),
                };
            }, ct);
            if (vendorCall is null)
            {
                return completed;
            }

            // The vendor call runs with no transaction open; its outcome is recorded only if the step is where it was.
            call = vendorCall;
            var outcome = await StepExecutor.CallAsync(vendorCall, ct);
            return await db.WriteAsync(async uow =>
            {
                var step = await uow.QuerySingleOrDefaultAsync<TransferStepRow>(TransferStepRow.SelectSql + " WHERE id = @stepId", new { stepId });
                if (step is null || step.Status is not (StepStatuses.Pending or StepStatuses.Waiting)
                    || step.Attempts != vendorCall.Attempts || step.NextAttemptAt != vendorCall.LeasedUntil)
                {
                    return false;
                }
                var progress = await executor.RecordAsync(uow, transfer, step, vendorCall, outcome);
                return await RecordProgressAsync(uow, transfer, step, progress);
            }, ct);
        }
        catch (StepMovedException)
        {
            // Another sweeper (or staff) recorded this step while we were calling the vendor: theirs stands.
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await db.WriteAsync(async uow =>
            {
                await RecordFailureAsync(uow, transfer, stepId, ex);
                if (call?.Member.Account.Connection is { } connection && ex is VendorConnectorException)
                {
                    // Staff look at the vendor account first when a vendor misbehaves: its last error says what the step saw.
                    await uow.ExecuteAsync(
                        "UPDATE vendor_accounts SET last_error = @error, last_error_at = @now WHERE id = @id AND tenant_id = @tenantId",
                        new { id = connection.Id, tenantId = transfer.TenantId, error = ex.Message, now = uow.Now });
                }
            }, ct);
            return false;
        }
    }

    /// <summary>
    /// Pushes the step's next attempt past the vendor call, so a concurrent sweeper does not call the vendor for it too;
    /// the lease end identifies this attempt when its outcome is recorded.
    /// </summary>
    private async Task<StepPlan.VendorCall> LeaseAsync(UnitOfWork uow, TransferStepRow step, StepPlan.VendorCall planned)
    {
        var until = uow.Now.AddSeconds(options.Value.Vendors.StepCallLeaseSeconds);
        await UpdateStepAsync(uow, "UPDATE transfer_steps SET next_attempt_at = @until WHERE id = @id AND attempts = @attempts AND next_attempt_at = @due",
            new { id = step.Id, until, attempts = step.Attempts, due = step.NextAttemptAt });
        step.NextAttemptAt = until;
        return planned with { LeasedUntil = until };
    }

    private static async Task<TransferStepRow?> RunnableStepAsync(UnitOfWork uow, Guid stepId)
    {
        var step = await uow.QuerySingleOrDefaultAsync<TransferStepRow>(TransferStepRow.SelectSql + " WHERE id = @stepId", new { stepId });
        return step is null || step.Status is not (StepStatuses.Pending or StepStatuses.Waiting) || step.NextAttemptAt > uow.Now ? null : step;
    }

    /// <summary>The step's row changed between our read and our conditional update: roll back what this attempt wrote.</summary>
    private sealed class StepMovedException() : Exception("The transfer step moved while its vendor call ran.");

    private static async Task UpdateStepAsync(UnitOfWork uow, string sql, object param)
    {
        if (await uow.ExecuteAsync(sql, param) != 1)
        {
            throw new StepMovedException();
        }
    }

    private static async Task<bool> RecordProgressAsync(UnitOfWork uow, TransferRow transfer, TransferStepRow step, StepProgress progress)
    {
        switch (progress)
        {
            case StepProgress.Completed done:
                await UpdateStepAsync(uow,
                    """
                    UPDATE transfer_steps SET status = 'completed', completed_at = @now, completed_by = @by,
                        seat_id = COALESCE(@seatId, seat_id), last_error = NULL
                    WHERE id = @id AND status IN ('pending', 'waiting') AND attempts = @attempts
                    """,
                    new { id = step.Id, now = uow.Now, by = done.By, seatId = done.SeatId, attempts = step.Attempts });
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
                await UpdateStepAsync(uow,
                    """
                    UPDATE transfer_steps SET status = 'waiting', waiting_since = COALESCE(waiting_since, @now),
                        seat_request_id = COALESCE(@requestId, seat_request_id)
                    WHERE id = @id AND status IN ('pending', 'waiting') AND attempts = @attempts
                    """,
                    new { id = step.Id, now = uow.Now, requestId = waiting.SeatRequestId, attempts = step.Attempts });
                return false;
            default:
                throw new InvalidOperationException($"Unexpected progress {progress}.");
        }
    }

    private async Task RecordFailureAsync(UnitOfWork uow, TransferRow transfer, Guid stepId, Exception error)
    {
        var step = await uow.QuerySingleOrDefaultAsync<TransferStepRow>(TransferStepRow.SelectSql + " WHERE id = @stepId", new { stepId });
        if (step is null || step.Status is not (StepStatuses.Pending or StepStatuses.Waiting))
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
        // Support opens (or adds to) the one ticket of this step, keyed by the step id.
        await uow.PublishAsync(new TransferStepNeedsAttention(stepId, transfer.Id, transfer.TenantId, transfer.PersonId, step.SeatId,
            transfer.Kind, step.Kind, reason, uow.Now));
    }
}
