namespace LicenceOps.Seats.Reconciliation;

internal sealed class RunSubscriptionRow
{
    public Guid Id { get; set; }
    public string ProductName { get; set; } = "";
    public int CommittedQuantity { get; set; }
    public decimal? SalePricePerSeatEur { get; set; }
    public decimal ListPrice { get; set; }
    public string PriceCurrency { get; set; } = "";
    public string PriceUnit { get; set; } = "";
}

internal sealed class RunSeatRow
{
    public Guid SeatId { get; set; }
    public Guid SubscriptionId { get; set; }
    public Guid PersonId { get; set; }
    public string Email { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Status { get; set; } = "";
    public DateOnly AssignedOn { get; set; }
    public string? VendorMemberId { get; set; }
    public DateTimeOffset? InvitedAt { get; set; }
}

internal sealed class RunOtherToolRow
{
    public Guid PersonId { get; set; }
    public Guid SubscriptionId { get; set; }
    public string VendorCode { get; set; } = "";
    public string ProductName { get; set; } = "";
    public DateOnly? LastActiveOn { get; set; }
}

internal sealed class PolicyRow
{
    public string EmailDomains { get; set; } = "";
    public int InactiveAfterDays { get; set; }
    public int StaleInviteAfterDays { get; set; }
}

internal sealed class ExistingFindingRow
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public string SubjectKey { get; set; } = "";
    public string Status { get; set; } = "";
    public Guid? VendorAccountId { get; set; }
}

internal sealed class BaselineRow
{
    public string SettingKey { get; set; } = "";
    public string Label { get; set; } = "";
    public string ExpectedValue { get; set; } = "";
}

internal sealed class ObservationRow
{
    public string SettingKey { get; set; } = "";
    public string ObservedValue { get; set; } = "";
    public DateOnly ObservedOn { get; set; }
}

/// <summary>Outcome of one reconciliation run, as the API and the job report it.</summary>
public sealed record ReconciliationRunResult(
    Guid RunId, Guid VendorAccountId, string State, string? FailureReason, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int MembersRead,
    int SeatsCompared, int FindingsOpened, int FindingsUpdated, int FindingsClosed, int SeatsActivated, int UsageRows);
