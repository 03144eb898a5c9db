using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Features.Transfers;

public sealed record TransferStepResponse(
    Guid Id, int Lane, int Order, string Kind, Guid SubscriptionId, Guid? SeatId, string? DataRule, string Status, int Attempts,
    DateTimeOffset NextAttemptAt, string? LastError, Guid? SeatRequestId, DateTimeOffset? CompletedAt, string? CompletedBy,
    string? CancelReason = null);

public sealed record TransferResponse(
    Guid Id, Guid PersonId, string Kind, string Status, string? AttentionReason, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt, IReadOnlyList<TransferStepResponse> Steps);

/// <summary>Workflows are driven by events and the sweeper; the API shows them and lets staff retry one that needs attention.</summary>
internal static class TransferEndpoints
{
    private static readonly Keyset<TransferRow> Oldest = new("transfers",
        SortKey.Asc<TransferRow>("created_at", t => t.CreatedAt), SortKey.Asc<TransferRow>("id", t => t.Id));

    /// <summary>One page of transfers, then the steps of the whole page in one query: two queries whatever the page size.</summary>
    public static async Task<IResult> ListAsync(
        Guid tenantId, Guid? personId, string? status, PageRequest page, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound("Tenant not found.");
        }
        var transfers = await Oldest.ReadAsync(db, TransferRow.SelectSql,
            "tenant_id = @tenantId AND (@personId IS NULL OR person_id = @personId) AND (@status IS NULL OR status = @status)",
            new { tenantId, personId, status }, page, ct);
        var ids = transfers.Items.Select(t => t.Id).ToList();
        var steps = ids.Count == 0
            ? []
            : await db.QueryAsync<TransferStepRow>(TransferStepRow.SelectSql + " WHERE tenant_id = @tenantId AND transfer_id IN @ids ORDER BY lane, step_order",
                new { tenantId, ids }, ct);
        var byTransfer = steps.ToLookup(s => s.TransferId);
        return TypedResults.Ok(transfers.Map(t => ToResponse(t, byTransfer[t.Id])));
    }

    public static async Task<IResult> GetAsync(Guid tenantId, Guid transferId, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var transfer = user.CanAccessTenant(tenantId)
            ? await db.QuerySingleOrDefaultAsync<TransferRow>(TransferRow.SelectSql + " WHERE id = @transferId AND tenant_id = @tenantId",
                new { transferId, tenantId }, ct)
            : null;
        return transfer is null ? Problems.NotFound($"Transfer {transferId} not found.") : TypedResults.Ok(await WithStepsAsync(db, transfer, ct));
    }

    /// <summary>After a person fixed the cause, the steps that needed attention get a fresh set of attempts.</summary>
    public static async Task<IResult> RetryAsync(Guid tenantId, Guid transferId, ModuleDatabase<SeatsModule> db, TransferEngine engine, CancellationToken ct)
    {
        var result = await db.WriteAsync<IResult?>(async uow =>
        {
            var transfer = await uow.QuerySingleOrDefaultAsync<TransferRow>(TransferRow.SelectSql + " WHERE id = @transferId AND tenant_id = @tenantId",
                new { transferId, tenantId });
            if (transfer is null)
            {
                return Problems.NotFound($"Transfer {transferId} not found.");
            }
            if (transfer.Status != "needs_attention")
            {
                return Problems.Conflict($"Only a transfer that needs attention can be retried; this one is {transfer.Status}.");
            }
            // Guarded on the status just read: of two retries at once (or a retry racing the engine), one wins, the other is a 409.
            var retried = await uow.ExecuteAsync(
                "UPDATE transfers SET status = 'running', attention_reason = NULL, updated_at = @now WHERE id = @transferId AND status = 'needs_attention'",
                new { transferId, now = uow.Now });
            if (retried != 1)
            {
                return Problems.Conflict("The transfer changed meanwhile; reload it.");
            }
            await uow.ExecuteAsync(
                """
                UPDATE transfer_steps SET status = 'pending', attempts = 0, next_attempt_at = @now, seat_request_id = NULL
                WHERE transfer_id = @transferId AND status = 'needs_attention'
                """,
                new { transferId, now = uow.Now });
            await uow.AuditAsync("transfer", transferId, "retried", new { previousReason = transfer.AttentionReason }, tenantId);
            return null;
        }, ct);
        if (result is not null)
        {
            return result;
        }
        await engine.AdvanceAsync(transferId, ct);
        var after = (await db.QuerySingleOrDefaultAsync<TransferRow>(TransferRow.SelectSql + " WHERE id = @transferId", new { transferId }, ct))!;
        return TypedResults.Ok(await WithStepsAsync(db, after, ct));
    }

    private static async Task<TransferResponse> WithStepsAsync(ModuleDatabase<SeatsModule> db, TransferRow t, CancellationToken ct)
    {
        var steps = await db.QueryAsync<TransferStepRow>(TransferStepRow.SelectSql + " WHERE transfer_id = @id ORDER BY lane, step_order",
            new { id = t.Id }, ct);
        return ToResponse(t, steps);
    }

    private static TransferResponse ToResponse(TransferRow t, IEnumerable<TransferStepRow> steps) =>
        new(t.Id, t.PersonId, t.Kind, t.Status, t.AttentionReason, t.CreatedAt, t.UpdatedAt, t.CompletedAt,
            steps.Select(s => new TransferStepResponse(s.Id, s.Lane, s.StepOrder, s.Kind, s.SubscriptionId, s.SeatId, s.DataRule, s.Status,
                s.Attempts, s.NextAttemptAt, s.LastError, s.SeatRequestId, s.CompletedAt, s.CompletedBy, s.CancelReason)).ToList());
}
