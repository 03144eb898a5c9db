namespace LicenceOps.Seats.Transfers;

public sealed class TransferRow
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid PersonId { get; set; }
    public string Kind { get; set; } = "";
    public string Status { get; set; } = "";
    public string? AttentionReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    public const string SelectSql = """
        SELECT id AS Id, tenant_id AS TenantId, person_id AS PersonId, kind AS Kind, status AS Status,
               attention_reason AS AttentionReason, created_at AS CreatedAt, updated_at AS UpdatedAt, completed_at AS CompletedAt
        FROM transfers
        """;
}

public sealed class TransferStepRow
{
    public Guid Id { get; set; }
    public Guid TransferId { get; set; }
    public Guid TenantId { get; set; }
    public int Lane { get; set; }
    public int StepOrder { get; set; }
    public string Kind { get; set; } = "";
    public Guid SubscriptionId { get; set; }
    public Guid? SeatId { get; set; }
    public string? DataRule { get; set; }
    public string Status { get; set; } = "";
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public Guid? SeatRequestId { get; set; }
    public DateTimeOffset? WaitingSince { get; set; }
    public DateTimeOffset? LastReminderAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? CompletedBy { get; set; }
    public string? CancelReason { get; set; }

    public const string SelectSql = """
        SELECT id AS Id, transfer_id AS TransferId, tenant_id AS TenantId, lane AS Lane, step_order AS StepOrder, kind AS Kind,
               subscription_id AS SubscriptionId, seat_id AS SeatId, data_rule AS DataRule, status AS Status,
               attempts AS Attempts, next_attempt_at AS NextAttemptAt, last_error AS LastError,
               seat_request_id AS SeatRequestId, waiting_since AS WaitingSince, last_reminder_at AS LastReminderAt,
               completed_at AS CompletedAt, completed_by AS CompletedBy, cancel_reason AS CancelReason
        FROM transfer_steps
        """;
}
