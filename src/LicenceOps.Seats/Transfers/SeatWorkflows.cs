using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Domain.Transfers;
using LicenceOps.Seats.Shared;

namespace LicenceOps.Seats.Transfers;

/// <summary>
/// The vendor side of seats staff change by hand: every seat assigned outside a workflow (directly, by approving a
/// client's request, by reassigning) gets its invite, and every invited seat released by hand gets its removal.
/// </summary>
internal static class SeatWorkflows
{
    public static async Task<IReadOnlyList<Guid>> InviteAsync(UnitOfWork uow, Guid tenantId, Guid personId, Guid subscriptionId, Guid seatId)
    {
        var id = await TransferStarter.StartAsync(uow, tenantId, personId, TransferKinds.SeatAssignment, $"seat-invite:{seatId}",
            TransferPlanner.InviteSeat(subscriptionId, seatId), uow.Now);
        return id is { } transferId ? [transferId] : [];
    }

    /// <summary>
    /// After <paramref name="seat"/> (as read before its release) was released by hand: its invite and activation
    /// steps have no purpose any more, and a member the vendor already knows must be removed there, unless an
    /// offboarding lane already does it.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> ReleasedByHandAsync(UnitOfWork uow, SeatRow seat, string why)
    {
        var touched = (await TransferLanes.CancelForSeatAsync(uow, seat.TenantId, seat.Id, $"superseded: {why}", TransferPlanner.IsOnboardingKind)).ToList();
        var atVendor = SeatLifecycle.Parse(seat.Status) is SeatStatus.Invited or SeatStatus.Active or SeatStatus.Suspended;
        var removing = await uow.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM transfer_steps WHERE seat_id = @seatId AND kind IN ('hand_over_data', 'revoke_access') AND status IN ('pending', 'waiting', 'needs_attention')",
            new { seatId = seat.Id });
        if (atVendor && removing == 0)
        {
            var rule = await uow.ExecuteScalarAsync<string>(
                "SELECT p.offboarding_data_rule FROM subscriptions s JOIN catalogue_plans p ON p.code = s.plan_code WHERE s.id = @id",
                new { id = seat.SubscriptionId });
            var id = await TransferStarter.StartAsync(uow, seat.TenantId, seat.PersonId, TransferKinds.SeatRelease, $"seat-revoke:{seat.Id}",
                TransferPlanner.RevokeSeat(new HeldSeat(seat.Id, seat.SubscriptionId, seat.PlanCode, rule ?? "none")), uow.Now);
            if (id is { } transferId)
            {
                touched.Add(transferId);
            }
        }
        return touched;
    }

    /// <summary>Workflows with work left on the seat: a status change by hand (e.g. activated) lets them move on now.</summary>
    public static Task<IReadOnlyList<Guid>> WaitingOnSeatAsync(UnitOfWork uow, Guid seatId) =>
        uow.QueryAsync<Guid>(
            "SELECT DISTINCT transfer_id FROM transfer_steps WHERE seat_id = @seatId AND status IN ('pending', 'waiting')", new { seatId });
}
