using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Features.Seats;

/// <param name="EffectiveDate">When the seat was assigned, for an estate taken over or a late record: today when
/// omitted, never in the future nor before the subscription's term start. Billing regularises an invoiced month.</param>
public sealed record AssignSeatRequest(Guid? SubscriptionId, Guid? PersonId, string? Reason, DateOnly? EffectiveDate = null);

internal static class AssignSeat
{
    public static async Task<IResult> HandleAsync(
        Guid tenantId, AssignSeatRequest request, ModuleDatabase<SeatsModule> db, TransferKicker kicker, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request.SubscriptionId is null || request.SubscriptionId == Guid.Empty)
        {
            errors.Add("subscriptionId", "The subscription to take the seat from is required.");
        }
        if (request.PersonId is null || request.PersonId == Guid.Empty)
        {
            errors.Add("personId", "The person to give the seat to is required.");
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
            if (SeatDates.Check(request.EffectiveDate, sub.TermStart, ParisCalendar.DateOf(uow.Now), "assignment") is { } badDate)
            {
                return badDate;
            }
            var refusal = await CheckPersonAsync(uow, tenantId, sub.Id, request.PersonId!.Value);
            if (refusal is not null)
            {
                return refusal;
            }
            var claim = await SeatLedger.ClaimAsync(uow, sub, SeatAllocation.AllowsIncrease(sub.AutoIncreasePolicy), request.Reason ?? "assigned by staff");
            if (claim == ClaimOutcome.Full)
            {
                return Problems.Conflict(
                    $"All {sub.CommittedQuantity} committed seats of {sub.PlanName} are taken and the subscription requires staff " +
                    "approval to add one: raise the quantity first.");
            }
            var seatId = await SeatLedger.InsertAsync(uow, sub, request.PersonId!.Value, request.Reason, request.EffectiveDate);
            // The vendor must still learn about the member: the seat's invite workflow starts with it.
            var invite = await SeatWorkflows.InviteAsync(uow, tenantId, request.PersonId!.Value, sub.Id, seatId);
            uow.OnCommitted(() => kicker.Kick(invite));
            var seat = await uow.QuerySingleOrDefaultAsync<SeatResponse>(SeatResponse.SelectSql + " WHERE st.id = @seatId", new { seatId });
            return TypedResults.Created($"/api/tenants/{tenantId}/seats/{seatId}", seat);
        }, ct);
    }

    /// <summary>The person must be one of the tenant's (known from Tenants' events) and not already hold a seat of the subscription.</summary>
    internal static async Task<IResult?> CheckPersonAsync(UnitOfWork uow, Guid tenantId, Guid subscriptionId, Guid personId)
    {
        var person = await uow.QuerySingleOrDefaultAsync<PersonRow>(PersonRow.SelectSql + " WHERE person_id = @personId AND tenant_id = @tenantId",
            new { personId, tenantId });
        if (person is null)
        {
            var errors = new ValidationErrors();
            errors.Add("personId", $"Person {personId} is not a person of this tenant.");
            return errors.ToProblem();
        }
        if (person.Status == "left")
        {
            return Problems.Conflict($"{person.Email} has left the company.");
        }
        if (await SeatLedger.FindOpenAsync(uow, subscriptionId, personId) is not null)
        {
            return Problems.Conflict($"{person.Email} already holds a seat of this subscription.");
        }
        return null;
    }
}
