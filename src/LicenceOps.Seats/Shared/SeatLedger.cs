using LicenceOps.Platform;
using LicenceOps.Contracts.Seats;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain;

namespace LicenceOps.Seats.Shared;

internal enum ClaimOutcome
{
    Claimed,
    ClaimedWithIncrease,
    Full,
}

/// <summary>Seat writes shared by the API and the workflows. Each keeps quantity, history, outbox and audit in step.</summary>
internal static class SeatLedger
{
    public static Task<SeatRow?> FindAsync(UnitOfWork uow, Guid tenantId, Guid seatId) =>
        uow.QuerySingleOrDefaultAsync<SeatRow>(SeatRow.SelectSql + " WHERE st.id = @seatId AND st.tenant_id = @tenantId",
            new { seatId, tenantId });

    public static Task<SeatRow?> FindOpenAsync(UnitOfWork uow, Guid subscriptionId, Guid personId) =>
        uow.QuerySingleOrDefaultAsync<SeatRow>(
            SeatRow.SelectSql + " WHERE st.subscription_id = @subscriptionId AND st.person_id = @personId AND st.status <> 'released'",
            new { subscriptionId, personId });

    /// <summary>
    /// Takes one unit of the committed quantity. The conditional UPDATE is the race guard: of two writers wanting
    /// the last free seat, only one sees an affected row.
    /// </summary>
    public static async Task<ClaimOutcome> ClaimAsync(UnitOfWork uow, SubscriptionRow sub, bool increaseAllowed, string reason)
    {
        var claimed = await uow.ExecuteAsync(
            """
            UPDATE subscriptions SET occupied_seats = occupied_seats + 1, updated_at = @now
            WHERE id = @id AND occupied_seats < committed_quantity
            """,
            new { id = sub.Id, now = uow.Now });
        if (claimed == 1)
        {
            return ClaimOutcome.Claimed;
        }
        if (!increaseAllowed)
        {
            return ClaimOutcome.Full;
        }
        var current = await SubscriptionLedger.FindAsync(uow, sub.TenantId, sub.Id);
        if (current is null || current.OccupiedSeats < current.CommittedQuantity)
        {
            return ClaimOutcome.Full;
        }
        return await SubscriptionLedger.IncreaseByOneAsync(uow, current, reason) is null
            ? ClaimOutcome.Full
            : ClaimOutcome.ClaimedWithIncrease;
    }

    /// <summary>
    /// The holder's address and name as the seat row keeps them (migration 2070, ADR 0092: the reconciliation read-ahead reads them from
    /// the seat instead of joining people). Written with the seat, so its row is written once; the database's triggers would copy them
    /// otherwise, and keep them when the person changes.
    /// </summary>
    private const string HolderSql =
        "(SELECT p.email FROM people p WHERE p.person_id = @personId), (SELECT p.display_name FROM people p WHERE p.person_id = @personId)";

    /// <summary>Inserts the seat for a unit already claimed, assigned today or on <paramref name="assignedOn"/> (a dated past assignment).</summary>
    public static async Task<Guid> InsertAsync(UnitOfWork uow, SubscriptionRow sub, Guid personId, string? reason, DateOnly? assignedOn = null)
    {
        var seatId = RowIds.New();
        var today = assignedOn ?? ParisCalendar.DateOf(uow.Now);
        await uow.ExecuteAsync(
            $"""
            INSERT INTO seats (id, tenant_id, subscription_id, person_id, status, assigned_on, released_on, created_at, updated_at, person_email, person_name)
            SELECT @seatId, @tenantId, @subscriptionId, @personId, @status, @today, NULL, @now, @now, {HolderSql}
            """,
            new { seatId, tenantId = sub.TenantId, subscriptionId = sub.Id, personId, status = SeatLifecycle.ToCode(SeatStatus.Requested), today, now = uow.Now });
        await AddHistoryAsync(uow, seatId, sub.TenantId, null, SeatStatus.Requested, reason);
        await uow.PublishAsync(new SeatAssigned(seatId, sub.TenantId, sub.Id, personId, sub.PlanCode, today, uow.Now));
        await uow.AuditAsync("seat", seatId, "assigned", new { subscriptionId = sub.Id, personId, reason }, sub.TenantId);
        return seatId;
    }

    /// <summary>
    /// Records a seat the vendor already had when the reseller took the estate over: it starts on the vendor's date in the
    /// status the vendor reports (invited or active), for a unit already claimed.
    /// </summary>
    public static async Task<Guid> InsertTakenOverAsync(UnitOfWork uow, SubscriptionRow sub, Guid personId, SeatStatus status, DateOnly assignedOn, string reason)
    {
        var seatId = RowIds.New();
        await uow.ExecuteAsync(
            $"""
            INSERT INTO seats (id, tenant_id, subscription_id, person_id, status, assigned_on, released_on, created_at, updated_at, person_email, person_name)
            SELECT @seatId, @tenantId, @subscriptionId, @personId, @status, @assignedOn, NULL, @now, @now, {HolderSql}
            """,
            new { seatId, tenantId = sub.TenantId, subscriptionId = sub.Id, personId, status = SeatLifecycle.ToCode(status), assignedOn, now = uow.Now });
        await AddHistoryAsync(uow, seatId, sub.TenantId, null, status, reason);
        await uow.PublishAsync(new SeatAssigned(seatId, sub.TenantId, sub.Id, personId, sub.PlanCode, assignedOn, uow.Now));
        if (status == SeatStatus.Active)
        {
            await uow.PublishAsync(new SeatActivated(seatId, sub.TenantId, sub.Id, personId, uow.Now));
        }
        await uow.AuditAsync("seat", seatId, "taken_over", new { subscriptionId = sub.Id, personId, status = SeatLifecycle.ToCode(status), assignedOn, reason }, sub.TenantId);
        return seatId;
    }

    /// <summary>Moves a seat between two non-released statuses. False when the seat was not in <paramref name="from"/> any more.</summary>
    public static async Task<bool> TransitionAsync(UnitOfWork uow, SeatRow seat, SeatStatus from, SeatStatus to, string? reason)
    {
        if (to == SeatStatus.Released || !SeatLifecycle.CanMove(from, to))
        {
            throw new InvalidOperationException($"Use ReleaseAsync, or check CanMove before moving {from} to {to}.");
        }
        var rows = await uow.ExecuteAsync(
            "UPDATE seats SET status = @to, updated_at = @now WHERE id = @id AND status = @from",
            new { id = seat.Id, to = SeatLifecycle.ToCode(to), from = SeatLifecycle.ToCode(from), now = uow.Now });
        if (rows != 1)
        {
            return false;
        }
        await AddHistoryAsync(uow, seat.Id, seat.TenantId, from, to, reason);
        if (from == SeatStatus.Invited && to == SeatStatus.Active)
        {
            await uow.PublishAsync(new SeatActivated(seat.Id, seat.TenantId, seat.SubscriptionId, seat.PersonId, uow.Now));
        }
        await uow.AuditAsync("seat", seat.Id, $"status_{SeatLifecycle.ToCode(to)}",
            new { from = SeatLifecycle.ToCode(from), to = SeatLifecycle.ToCode(to), reason }, seat.TenantId);
        return true;
    }

    /// <summary>
    /// Ends the assignment. With <paramref name="applyCommitmentRule"/> the committed quantity drops by one when the
    /// plan allows a reduction before renewal; otherwise the paid seat stays free for the next person.
    /// </summary>
    public static async Task<ReleaseOutcome?> ReleaseAsync(
        UnitOfWork uow, SeatRow seat, DateOnly effectiveDate, string? reason, bool applyCommitmentRule)
    {
        var from = SeatLifecycle.Parse(seat.Status);
        if (!SeatLifecycle.CanMove(from, SeatStatus.Released))
        {
            return null;
        }
        var rows = await uow.ExecuteAsync(
            "UPDATE seats SET status = 'released', released_on = @effectiveDate, updated_at = @now WHERE id = @id AND status = @from",
            new { id = seat.Id, effectiveDate, from = seat.Status, now = uow.Now });
        if (rows != 1)
        {
            return null;
        }
        await AddHistoryAsync(uow, seat.Id, seat.TenantId, from, SeatStatus.Released, reason);
        await uow.ExecuteAsync(
            "UPDATE subscriptions SET occupied_seats = occupied_seats - 1, updated_at = @now WHERE id = @id",
            new { id = seat.SubscriptionId, now = uow.Now });
        await uow.PublishAsync(new SeatReleased(seat.Id, seat.TenantId, seat.SubscriptionId, seat.PersonId, seat.PlanCode, effectiveDate, uow.Now));

        var sub = (await SubscriptionLedger.FindAsync(uow, seat.TenantId, seat.SubscriptionId))!;
        var outcome = ReleaseOutcome.KeepFreeUntilRenewal;
        if (applyCommitmentRule)
        {
            outcome = ReleaseDecision.Decide(sub.SeatsReducibleBeforeRenewal, sub.CommittedQuantity);
            if (outcome == ReleaseOutcome.ReduceQuantity)
            {
                await uow.ExecuteAsync(
                    "UPDATE subscriptions SET committed_quantity = committed_quantity - 1, updated_at = @now WHERE id = @id",
                    new { id = sub.Id, now = uow.Now });
                var after = (await SubscriptionLedger.FindAsync(uow, sub.TenantId, sub.Id))!;
                await SubscriptionLedger.RecordAsync(uow, after, SubscriptionChangeKinds.Quantity, sub.CommittedQuantity,
                    sub.SalePricePerSeatEur, effectiveDate, $"seat {seat.Id} released");
            }
        }
        await uow.AuditAsync("seat", seat.Id, "released",
            new { from = seat.Status, effectiveDate, reason, quantity = outcome == ReleaseOutcome.ReduceQuantity ? "reduced" : "kept_free" },
            seat.TenantId);
        return outcome;
    }

    private static Task AddHistoryAsync(UnitOfWork uow, Guid seatId, Guid tenantId, SeatStatus? from, SeatStatus to, string? reason) =>
        uow.ExecuteAsync(
            """
            INSERT INTO seat_history (id, seat_id, tenant_id, seq, from_status, to_status, actor_id, actor_display, reason, occurred_at)
            VALUES (@id, @seatId, @tenantId, (SELECT COALESCE(MAX(seq), 0) + 1 FROM seat_history WHERE seat_id = @seatId), @from, @to, @actorId, @actorDisplay, @reason, @now)
            """,
            new
            {
                id = RowIds.New(), seatId, tenantId, from = from is null ? null : SeatLifecycle.ToCode(from.Value),
                to = SeatLifecycle.ToCode(to), actorId = uow.Actor.Id, actorDisplay = uow.Actor.Display, reason, now = uow.Now,
            });
}
