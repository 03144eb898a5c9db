using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Features.Seats;

/// <param name="EffectiveDate">For a release: the day it ended (today when omitted), never in the future nor before
/// the seat's assignment or the subscription's term start.</param>
public sealed record TransitionSeatRequest([property: Text(40), OneOf("requested", "invited", "active", "suspended", "released")] string? Status, [property: Text(1000, Multiline = true)] string? Reason,
    [property: BusinessDate] DateOnly? EffectiveDate = null);

public sealed record UnassignSeatRequest([property: Text(1000, Multiline = true)] string? Reason, [property: BusinessDate] DateOnly? EffectiveDate = null);

public sealed record ReassignSeatRequest(Guid? PersonId, [property: Text(1000, Multiline = true)] string? Reason);

internal static class ChangeSeat
{
    public static async Task<IResult> TransitionAsync(
        Guid tenantId, Guid seatId, TransitionSeatRequest request, ModuleDatabase<SeatsModule> db, TransferKicker kicker, CancellationToken ct)
    {
        if (!SeatLifecycle.TryParse(request.Status, out var to))
        {
            var errors = new ValidationErrors();
            errors.Add("status", "The target status must be one of requested, invited, active, suspended, released.");
            return errors.ToProblem();
        }
        return await db.WriteAsync<IResult>(async uow =>
        {
            var seat = await SeatLedger.FindAsync(uow, tenantId, seatId);
            if (seat is null)
            {
                return Problems.NotFound($"Seat {seatId} not found.");
            }
            var from = SeatLifecycle.Parse(seat.Status);
            if (!SeatLifecycle.CanMove(from, to))
            {
                var allowed = SeatLifecycle.NextStatuses(from).Select(SeatLifecycle.ToCode).ToList();
                return Problems.Conflict(
                    $"A {seat.Status} seat cannot become {request.Status}; allowed: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed))}.");
            }
            if (request.EffectiveDate is not null && to != SeatStatus.Released)
            {
                var errors = new ValidationErrors();
                errors.Add("effectiveDate", "Only a release can be dated; other moves happen now.");
                return errors.ToProblem();
            }
            if (to == SeatStatus.Released && SeatDates.Check(request.EffectiveDate, seat.AssignedOn, ParisCalendar.DateOf(uow.Now), "release") is { } badDate)
            {
                return badDate;
            }
            var moved = to == SeatStatus.Released
                ? await SeatLedger.ReleaseAsync(uow, seat, request.EffectiveDate ?? ParisCalendar.DateOf(uow.Now), request.Reason, applyCommitmentRule: false) is not null
                : await SeatLedger.TransitionAsync(uow, seat, from, to, request.Reason);
            if (!moved)
            {
                return Problems.Conflict("The seat changed meanwhile; read it again.");
            }
            var kicks = to == SeatStatus.Released
                ? await SeatWorkflows.ReleasedByHandAsync(uow, seat, request.Reason ?? "seat released by staff")
                : await SeatWorkflows.WaitingOnSeatAsync(uow, seat.Id);
            uow.OnCommitted(() => kicker.Kick(kicks));
            return TypedResults.Ok(await ReadAsync(uow, seatId));
        }, ct);
    }

    /// <summary>Ends the assignment; the committed seat stays paid and free for someone else.</summary>
    public static async Task<IResult> UnassignAsync(
        Guid tenantId, Guid seatId, UnassignSeatRequest? request, ModuleDatabase<SeatsModule> db, TransferKicker kicker, CancellationToken ct) =>
        await TransitionAsync(tenantId, seatId, new TransitionSeatRequest("released", request?.Reason ?? "unassigned by staff", request?.EffectiveDate), db, kicker, ct);

    /// <summary>Gives the seat's unit to another person: the old assignment is released and a new one starts.</summary>
    public static async Task<IResult> ReassignAsync(
        Guid tenantId, Guid seatId, ReassignSeatRequest request, ModuleDatabase<SeatsModule> db, TransferKicker kicker, CancellationToken ct)
    {
        if (request.PersonId is null || request.PersonId == Guid.Empty)
        {
            var errors = new ValidationErrors();
            errors.Add("personId", "The person to give the seat to is required.");
            return errors.ToProblem();
        }
        return await db.WriteAsync<IResult>(async uow =>
        {
            var seat = await SeatLedger.FindAsync(uow, tenantId, seatId);
            if (seat is null)
            {
                return Problems.NotFound($"Seat {seatId} not found.");
            }
            if (seat.Status == SeatLifecycle.ToCode(SeatStatus.Released))
            {
                return Problems.Conflict("A released seat cannot be reassigned; assign a new seat instead.");
            }
            var refusal = await AssignSeat.CheckPersonAsync(uow, tenantId, seat.SubscriptionId, request.PersonId!.Value);
            if (refusal is not null)
            {
                return refusal;
            }
            var reason = request.Reason ?? $"reassigned from seat {seat.Id}";
            if (await SeatLedger.ReleaseAsync(uow, seat, ParisCalendar.DateOf(uow.Now), $"reassigned to {request.PersonId}", applyCommitmentRule: false) is null)
            {
                return Problems.Conflict("The seat changed meanwhile; read it again.");
            }
            var released = await SeatWorkflows.ReleasedByHandAsync(uow, seat, $"seat reassigned to {request.PersonId}");
            var sub = (await SubscriptionLedger.FindAsync(uow, tenantId, seat.SubscriptionId))!;
            // The unit just freed is taken back in the same transaction, so nobody can slip in between.
            var claim = await SeatLedger.ClaimAsync(uow, sub, increaseAllowed: false, reason);
            if (claim == ClaimOutcome.Full)
            {
                throw new InvalidOperationException("The released seat could not be claimed back.");
            }
            var newSeatId = await SeatLedger.InsertAsync(uow, sub, request.PersonId!.Value, reason);
            var invite = await SeatWorkflows.InviteAsync(uow, tenantId, request.PersonId!.Value, sub.Id, newSeatId);
            uow.OnCommitted(() => kicker.Kick([.. released, .. invite]));
            return TypedResults.Created($"/api/tenants/{tenantId}/seats/{newSeatId}", await ReadAsync(uow, newSeatId));
        }, ct);
    }

    private static Task<SeatResponse?> ReadAsync(UnitOfWork uow, Guid seatId) =>
        uow.QuerySingleOrDefaultAsync<SeatResponse>(SeatResponse.SelectSql + " WHERE st.id = @seatId", new { seatId });
}
