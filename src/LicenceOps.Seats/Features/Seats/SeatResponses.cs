namespace LicenceOps.Seats.Features.Seats;

public sealed class SeatResponse
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public Guid SubscriptionId { get; init; }
    public string PlanCode { get; init; } = "";
    public Guid PersonId { get; init; }
    public string? PersonEmail { get; init; }
    public string Status { get; init; } = "";
    public DateOnly AssignedOn { get; init; }
    public DateOnly? ReleasedOn { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public const string SelectSql = """
        SELECT st.id AS Id, st.tenant_id AS TenantId, st.subscription_id AS SubscriptionId, sb.plan_code AS PlanCode,
               st.person_id AS PersonId, pe.email AS PersonEmail, st.status AS Status, st.assigned_on AS AssignedOn,
               st.released_on AS ReleasedOn, st.created_at AS CreatedAt
        FROM seats st JOIN subscriptions sb ON sb.id = st.subscription_id LEFT JOIN people pe ON pe.person_id = st.person_id
        """;
}

public sealed class SeatHistoryEntry
{
    /// <summary>Position in the seat's history: the paging key, not part of the answer.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long Seq { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public Guid Id { get; init; }
    public string? FromStatus { get; init; }
    public string ToStatus { get; init; } = "";
    public string ActorId { get; init; } = "";
    public string ActorDisplay { get; init; } = "";
    public string? Reason { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}
