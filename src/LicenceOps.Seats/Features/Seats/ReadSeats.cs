using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain;

namespace LicenceOps.Seats.Features.Seats;

internal static class ReadSeats
{
    private static readonly Keyset<SeatResponse> Oldest = new("seats",
        SortKey.Asc<SeatResponse>("st.created_at", s => s.CreatedAt), SortKey.Asc<SeatResponse>("st.id", s => s.Id));

    private static readonly Keyset<SeatHistoryEntry> OldestChange = new("seat-history",
        SortKey.Asc<SeatHistoryEntry>("seq", h => h.Seq), SortKey.Asc<SeatHistoryEntry>("id", h => h.Id));

    public static async Task<IResult> ListAsync(
        Guid tenantId, Guid? personId, Guid? subscriptionId, string? status, PageRequest page, CurrentUser user, ModuleDatabase<SeatsModule> db,
        CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound("Tenant not found.");
        }
        if (status is not null && !SeatLifecycle.TryParse(status, out _))
        {
            var errors = new ValidationErrors();
            errors.Add("status", "Unknown seat status; use requested, invited, active, suspended or released.");
            return errors.ToProblem();
        }
        var seats = await Oldest.ReadAsync(db, SeatResponse.SelectSql,
            """
            st.tenant_id = @tenantId
               AND (@personId IS NULL OR st.person_id = @personId)
               AND (@subscriptionId IS NULL OR st.subscription_id = @subscriptionId)
               AND (@status IS NULL OR st.status = @status)
            """,
            new { tenantId, personId, subscriptionId, status }, page, ct);
        return TypedResults.Ok(seats);
    }

    public static async Task<IResult> GetAsync(Guid tenantId, Guid seatId, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var seat = user.CanAccessTenant(tenantId)
            ? await db.QuerySingleOrDefaultAsync<SeatResponse>(SeatResponse.SelectSql + " WHERE st.id = @seatId AND st.tenant_id = @tenantId",
                new { tenantId, seatId }, ct)
            : null;
        return seat is null ? Problems.NotFound($"Seat {seatId} not found.") : TypedResults.Ok(seat);
    }

    public static async Task<IResult> HistoryAsync(Guid tenantId, Guid seatId, PageRequest page, CurrentUser user, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId)
            || await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM seats WHERE id = @seatId AND tenant_id = @tenantId", new { seatId, tenantId }, ct) is null)
        {
            return Problems.NotFound($"Seat {seatId} not found.");
        }
        var history = await OldestChange.ReadAsync(db,
            """
            SELECT seq AS Seq, id AS Id, from_status AS FromStatus, to_status AS ToStatus, actor_id AS ActorId, actor_display AS ActorDisplay,
                   reason AS Reason, occurred_at AS OccurredAt
            FROM seat_history
            """,
            "seat_id = @seatId", new { seatId }, page, ct);
        return TypedResults.Ok(history);
    }
}
