using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Features.Seats;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Features.SeatRequests;

public sealed record CreateSeatRequestRequest(Guid? SubscriptionId, Guid? PersonId, string? Note);

public sealed record DecideSeatRequestRequest(string? Reason);

public sealed record SeatRequestResponse(
    Guid Id, Guid SubscriptionId, Guid PersonId, string Status, string? Note, string RequestedBy, DateTimeOffset RequestedAt,
    string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason, Guid? SeatId)
{
    internal static SeatRequestResponse From(SeatRequestRow r) => new(r.Id, r.SubscriptionId, r.PersonId, r.Status, r.Note,
        r.RequestedBy, r.RequestedAt, r.DecidedBy, r.DecidedAt, r.DecisionReason, r.SeatId);
}

/// <summary>A client admin asks for a seat for one of their people; staff approve (assigning the seat) or reject.</summary>
internal static class SeatRequestEndpoints
{
    private static readonly Keyset<SeatRequestRow> Oldest = new("seat-requests",
        SortKey.Asc<SeatRequestRow>("requested_at", r => r.RequestedAt), SortKey.Asc<SeatRequestRow>("id", r => r.Id));

    public static async Task<IResult> ListAsync(Guid tenantId, string? status, PageRequest page, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound("Tenant not found.");
        }
        var rows = await Oldest.ReadAsync(db, SeatRequestRow.SelectSql, "tenant_id = @tenantId AND (@status IS NULL OR status = @status)",
            new { tenantId, status }, page, ct);
        return TypedResults.Ok(rows.Map(SeatRequestResponse.From));
    }

    public static async Task<IResult> CreateAsync(
        Guid tenantId, CreateSeatRequestRequest request, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound("Tenant not found.");
        }
        if (!user.IsStaff && !user.IsInRole(Roles.ClientAdmin))
        {
            return TypedResults.Forbid();
        }
        var errors = new ValidationErrors();
        if (request.SubscriptionId is null || request.SubscriptionId == Guid.Empty)
        {
            errors.Add("subscriptionId", "The subscription is required.");
        }
        if (request.PersonId is null || request.PersonId == Guid.Empty)
        {
            errors.Add("personId", "The person is required.");
        }
        if (request.Note is { Length: > 1000 })
        {
            errors.Add("note", "The note has at most 1000 characters.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        return await db.WriteAsync<IResult>(async uow =>
        {
            var sub = await SubscriptionLedger.FindAsync(uow, tenantId, request.SubscriptionId!.Value);
            if (sub is null)
            {
                return Problems.NotFound($"Subscription {request.SubscriptionId} not found.");
            }
            var refusal = await AssignSeat.CheckPersonAsync(uow, tenantId, sub.Id, request.PersonId!.Value);
            if (refusal is not null)
            {
                return refusal;
            }
            var pending = await uow.QuerySingleOrDefaultAsync<Guid?>(
                "SELECT id FROM seat_requests WHERE subscription_id = @subscriptionId AND person_id = @personId AND status = 'pending'",
                new { subscriptionId = sub.Id, personId = request.PersonId });
            if (pending is not null)
            {
                return Problems.Conflict($"A request for this person and subscription is already pending ({pending}).");
            }
            var id = await SeatRequestLedger.CreateAsync(uow, tenantId, sub.Id, request.PersonId!.Value, request.Note);
            var created = (await SeatRequestLedger.FindAsync(uow, tenantId, id))!;
            return TypedResults.Created($"/api/tenants/{tenantId}/seat-requests/{id}", SeatRequestResponse.From(created));
        }, ct);
    }

    /// <summary>Approval assigns the seat, adding one to the committed quantity if none is free: it is the staff decision the policy waits for.</summary>
    public static async Task<IResult> ApproveAsync(Guid tenantId, Guid requestId, DecideSeatRequestRequest? request,
        ModuleDatabase<SeatsModule> db, TransferKicker kicker, CancellationToken ct) =>
        await db.WriteAsync<IResult>(async uow =>
        {
            var seatRequest = await SeatRequestLedger.FindAsync(uow, tenantId, requestId);
            if (seatRequest is null)
            {
                return Problems.NotFound($"Seat request {requestId} not found.");
            }
            if (seatRequest.Status != SeatRequestStatuses.Pending)
            {
                return Problems.Conflict($"The request is already {seatRequest.Status}.");
            }
            var sub = (await SubscriptionLedger.FindAsync(uow, tenantId, seatRequest.SubscriptionId))!;
            var refusal = await AssignSeat.CheckPersonAsync(uow, tenantId, sub.Id, seatRequest.PersonId);
            if (refusal is not null)
            {
                return refusal;
            }
            var reason = $"seat request {requestId} approved";
            if (await SeatLedger.ClaimAsync(uow, sub, increaseAllowed: true, reason) == ClaimOutcome.Full)
            {
                return Problems.Conflict("The subscription changed meanwhile; try again.");
            }
            var seatId = await SeatLedger.InsertAsync(uow, sub, seatRequest.PersonId, reason);
            if (!await DecideAsync(uow, seatRequest, SeatRequestStatuses.Approved, request?.Reason, seatId))
            {
                throw new InvalidOperationException($"Seat request {requestId} was decided while being approved.");
            }
            // A workflow that queued the request continues with its own invite; a client's request gets one now.
            var waiting = await WaitingWorkflowsAsync(uow, requestId);
            var kicks = waiting.Count > 0 ? waiting : await SeatWorkflows.InviteAsync(uow, tenantId, seatRequest.PersonId, sub.Id, seatId);
            uow.OnCommitted(() => kicker.Kick(kicks));
            return TypedResults.Ok(SeatRequestResponse.From((await SeatRequestLedger.FindAsync(uow, tenantId, requestId))!));
        }, ct);

    public static async Task<IResult> RejectAsync(Guid tenantId, Guid requestId, DecideSeatRequestRequest request,
        ModuleDatabase<SeatsModule> db, TransferKicker kicker, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 1000)
        {
            var errors = new ValidationErrors();
            errors.Add("reason", "Say why the request is rejected (at most 1000 characters).");
            return errors.ToProblem();
        }
        return await db.WriteAsync<IResult>(async uow =>
        {
            var seatRequest = await SeatRequestLedger.FindAsync(uow, tenantId, requestId);
            if (seatRequest is null)
            {
                return Problems.NotFound($"Seat request {requestId} not found.");
            }
            if (seatRequest.Status != SeatRequestStatuses.Pending)
            {
                return Problems.Conflict($"The request is already {seatRequest.Status}.");
            }
            if (!await DecideAsync(uow, seatRequest, SeatRequestStatuses.Rejected, request.Reason, null))
            {
                return Problems.Conflict("The request was decided meanwhile; read it again.");
            }
            var waiting = await WaitingWorkflowsAsync(uow, requestId);
            uow.OnCommitted(() => kicker.Kick(waiting));
            return TypedResults.Ok(SeatRequestResponse.From((await SeatRequestLedger.FindAsync(uow, tenantId, requestId))!));
        }, ct);
    }

    private static Task<IReadOnlyList<Guid>> WaitingWorkflowsAsync(UnitOfWork uow, Guid requestId) =>
        uow.QueryAsync<Guid>("SELECT DISTINCT transfer_id FROM transfer_steps WHERE seat_request_id = @requestId AND status IN ('pending', 'waiting')",
            new { requestId });

    /// <summary>False when another decision won the race (the guarded update touched no row).</summary>
    private static async Task<bool> DecideAsync(UnitOfWork uow, SeatRequestRow seatRequest, string status, string? reason, Guid? seatId)
    {
        var decided = await uow.ExecuteAsync(
            """
            UPDATE seat_requests SET status = @status, decided_by_id = @actorId, decided_by = @actorDisplay, decided_at = @now,
                decision_reason = @reason, seat_id = @seatId
            WHERE id = @id AND status = 'pending'
            """,
            new { id = seatRequest.Id, status, actorId = uow.Actor.Id, actorDisplay = uow.Actor.Display, now = uow.Now, reason, seatId });
        if (decided != 1)
        {
            return false;
        }
        await uow.AuditAsync("seat_request", seatRequest.Id, status, new { reason, seatId }, seatRequest.TenantId);
        return true;
    }
}
