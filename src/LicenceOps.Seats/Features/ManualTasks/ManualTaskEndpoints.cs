using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Transfers;
using LicenceOps.Seats.Vendors.Manual;

namespace LicenceOps.Seats.Features.ManualTasks;

public sealed record ManualTaskResponse(
    Guid Id, Guid? TransferStepId, Guid PersonId, Guid SubscriptionId, string VendorCode, string Action, string Instructions,
    string Status, DateTimeOffset CreatedAt, string? ConfirmedBy, DateTimeOffset? ConfirmedAt, string? CancelReason = null)
{
    internal static ManualTaskResponse From(ManualTaskRow r) => new(r.Id, r.TransferStepId, r.PersonId, r.SubscriptionId, r.VendorCode,
        r.Action, r.Instructions, r.Status, r.CreatedAt, r.ConfirmedBy, r.ConfirmedAt, r.CancelReason);
}

/// <summary>The manual connector's to-do list: staff do the action in the vendor's console and confirm it here.</summary>
internal static class ManualTaskEndpoints
{
    private static readonly Keyset<ManualTaskRow> Oldest = new("manual-tasks",
        SortKey.Asc<ManualTaskRow>("created_at", t => t.CreatedAt), SortKey.Asc<ManualTaskRow>("id", t => t.Id));

    public static async Task<IResult> ListAsync(Guid tenantId, string? status, PageRequest page, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound("Tenant not found.");
        }
        var rows = await Oldest.ReadAsync(db, ManualTaskRow.SelectSql, "tenant_id = @tenantId AND (@status IS NULL OR status = @status)",
            new { tenantId, status }, page, ct);
        return TypedResults.Ok(rows.Map(ManualTaskResponse.From));
    }

    public static async Task<IResult> ConfirmAsync(Guid tenantId, Guid taskId, ModuleDatabase<SeatsModule> db, TransferEngine engine, CancellationToken ct)
    {
        var (result, transferId) = await db.WriteAsync<(IResult, Guid?)>(async uow =>
        {
            var task = await uow.QuerySingleOrDefaultAsync<ManualTaskRow>(ManualTaskRow.SelectSql + " WHERE id = @taskId AND tenant_id = @tenantId",
                new { taskId, tenantId });
            if (task is null)
            {
                return (Problems.NotFound($"Manual task {taskId} not found."), null);
            }
            var rows = await uow.ExecuteAsync(
                """
                UPDATE manual_tasks SET status = 'confirmed', confirmed_by_id = @actorId, confirmed_by = @actorDisplay, confirmed_at = @now
                WHERE id = @taskId AND status = 'open'
                """,
                new { taskId, actorId = uow.Actor.Id, actorDisplay = uow.Actor.Display, now = uow.Now });
            if (rows == 0)
            {
                return (Problems.Conflict(task.Status == ManualTaskStatuses.Cancelled
                    ? $"The task was cancelled: {task.CancelReason}"
                    : $"The task was already confirmed by {task.ConfirmedBy} at {task.ConfirmedAt:u}."), null);
            }
            await uow.AuditAsync("manual_task", taskId, "confirmed", new { task.Action, task.TransferStepId }, tenantId);
            // The waiting step is due again now, so the workflow moves on without waiting for the next sweep.
            var stepTransfer = task.TransferStepId is null
                ? null
                : await uow.QuerySingleOrDefaultAsync<Guid?>("SELECT transfer_id FROM transfer_steps WHERE id = @id", new { id = task.TransferStepId });
            var confirmed = (await uow.QuerySingleOrDefaultAsync<ManualTaskRow>(ManualTaskRow.SelectSql + " WHERE id = @taskId", new { taskId }))!;
            return (TypedResults.Ok(ManualTaskResponse.From(confirmed)), stepTransfer);
        }, ct);
        if (transferId is { } id)
        {
            await engine.AdvanceAsync(id, ct);
        }
        return result;
    }
}
