using LicenceOps.Platform.Data;

namespace LicenceOps.Seats.Shared;

internal static class SeatRequestStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";

    /// <summary>Queued by a workflow lane that was superseded (the person left or changed department).</summary>
    public const string Cancelled = "cancelled";
}

internal sealed class SeatRequestRow
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid SubscriptionId { get; set; }
    public Guid PersonId { get; set; }
    public string Status { get; set; } = "";
    public string? Note { get; set; }
    public string RequestedById { get; set; } = "";
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecisionReason { get; set; }
    public Guid? SeatId { get; set; }

    public const string SelectSql = """
        SELECT id AS Id, tenant_id AS TenantId, subscription_id AS SubscriptionId, person_id AS PersonId, status AS Status,
               note AS Note, requested_by_id AS RequestedById, requested_by AS RequestedBy, requested_at AS RequestedAt,
               decided_by AS DecidedBy, decided_at AS DecidedAt, decision_reason AS DecisionReason, seat_id AS SeatId
        FROM seat_requests
        """;
}

/// <summary>Requests for a seat that wait for a staff decision (from a client admin, or a workflow on a full subscription).</summary>
internal static class SeatRequestLedger
{
    public static Task<SeatRequestRow?> FindAsync(UnitOfWork uow, Guid tenantId, Guid requestId) =>
        uow.QuerySingleOrDefaultAsync<SeatRequestRow>(SeatRequestRow.SelectSql + " WHERE id = @requestId AND tenant_id = @tenantId",
            new { requestId, tenantId });

    public static async Task<Guid> CreateAsync(UnitOfWork uow, Guid tenantId, Guid subscriptionId, Guid personId, string? note)
    {
        var id = RowIds.New();
        await uow.ExecuteAsync(
            """
            INSERT INTO seat_requests (id, tenant_id, subscription_id, person_id, status, note, requested_by_id, requested_by, requested_at)
            VALUES (@id, @tenantId, @subscriptionId, @personId, 'pending', @note, @actorId, @actorDisplay, @now)
            """,
            new { id, tenantId, subscriptionId, personId, note, actorId = uow.Actor.Id, actorDisplay = uow.Actor.Display, now = uow.Now });
        await uow.AuditAsync("seat_request", id, "requested", new { subscriptionId, personId, note }, tenantId);
        return id;
    }
}
