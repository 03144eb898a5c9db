namespace LicenceOps.Portal.Api;

// The portal's reading of the API's JSON: only the fields the pages show. These are views, not rules: every
// decision (who sees what, what is allowed) stays with the module that answers.

public sealed record TenantDto(Guid Id, string LegalName, string CountryCode, string Status, string BillingEmail);

public sealed record DepartmentDto(Guid Id, string Name);

public sealed record PersonDto(
    Guid Id, string Email, string DisplayName, Guid? DepartmentId, bool IsExternal, string Status, DateOnly StartDate, DateOnly? EndDate);

public sealed record SubscriptionDto(
    Guid Id, string PlanCode, string PlanName, string VendorName, int CommittedQuantity, int OccupiedSeats, int FreeSeats,
    DateOnly RenewalDate, decimal? SalePricePerSeatEur);

public sealed record SeatDto(
    Guid Id, Guid SubscriptionId, string PlanCode, Guid PersonId, string? PersonEmail, string Status, DateOnly AssignedOn, DateOnly? ReleasedOn)
{
    public bool IsReleased => Status.Equals("released", StringComparison.OrdinalIgnoreCase);
}

public sealed record InvoiceDto(
    Guid Id, string Kind, string? Number, string Status, string Period, DateOnly? IssueDate, DateOnly? DueDate,
    decimal TotalExclVat, decimal TotalVat, decimal TotalInclVat, string Currency)
{
    public bool IsCreditNote => Kind == "credit-note";

    public bool IsDraft => Status == "draft";

    /// <summary>Unpaid after its due date: the Billing module marks it overdue, or the due date has passed since.</summary>
    public bool IsOverdue(DateOnly today) => Status == "overdue" || (Status == "issued" && !IsCreditNote && DueDate < today);
}

public sealed record TransferStepDto(string Kind, string Status, int Attempts, string? LastError);

public sealed record TransferDto(
    Guid Id, Guid PersonId, string Kind, string Status, string? AttentionReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    IReadOnlyList<TransferStepDto> Steps)
{
    public bool NeedsAttention => Status == "needs_attention";
}

public sealed record ManualTaskDto(
    Guid Id, Guid PersonId, Guid SubscriptionId, string VendorCode, string Action, string Instructions, string Status, DateTimeOffset CreatedAt);

public sealed record SeatRequestDto(
    Guid Id, Guid SubscriptionId, Guid PersonId, string Status, string? Note, string RequestedBy, DateTimeOffset RequestedAt,
    string? DecidedBy, string? DecisionReason);

public sealed record RunFailureDto(Guid TenantId, string Reason);

public sealed record InvoiceRunDto(
    Guid Id, string Period, bool Issue, string State, int TenantsTotal, int TenantsDone, int Drafted, int AlreadyInvoiced, int Issued,
    IReadOnlyList<RunFailureDto> Failures, string RequestedBy, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string? Error)
{
    public bool Finished => State is "completed" or "failed";
}

public sealed record InvoiceRunSummaryDto(
    Guid Id, string Period, bool Issue, string State, int TenantsTotal, int TenantsDone, int Drafted, int Issued, int Failed,
    string RequestedBy, DateTimeOffset CreatedAt);

public sealed record TicketDto(
    Guid Id, string Number, Guid? TenantId, string Subject, string RequesterEmail, string Category, string Priority, string Status,
    string SlaState, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? AssignedAgent = null,
    DateTimeOffset? FirstResponseDue = null, DateTimeOffset? FirstResponseAt = null, DateTimeOffset? ResolutionDue = null)
{
    /// <summary>The SLA deadline that matters now: the first answer until it is given, then the resolution.</summary>
    public DateTimeOffset? NextDeadline => Status is "resolved" or "closed" ? null : FirstResponseAt is null ? FirstResponseDue : ResolutionDue;
}

public sealed record TicketAttachmentDto(Guid Id, string FileName, string ContentType, long SizeBytes);

public sealed record TicketMailDto(string Status, int Attempts, string? LastError = null);

public sealed record TicketMessageDto(
    Guid Id, string Kind, string Author, string? FromAddress, string BodyText, bool IsAutomatic, DateTimeOffset CreatedAt,
    IReadOnlyList<TicketAttachmentDto> Attachments, TicketMailDto? Delivery)
{
    public bool IsNote => Kind == "note";
}

/// <summary>One ticket with its conversation (the Support API leaves internal notes out for client users).</summary>
public sealed record TicketDetailDto(
    Guid Id, string Number, Guid? TenantId, string Subject, string RequesterEmail, string? RequesterName, string Category, string Priority,
    string Status, string? AssignedAgent, string Source, string SlaState, DateTimeOffset FirstResponseDue, DateTimeOffset? FirstResponseAt,
    DateTimeOffset ResolutionDue, DateTimeOffset CreatedAt, IReadOnlyList<TicketMessageDto> Messages)
{
    public bool IsClosed => Status == "closed";
}

/// <summary>A page of a cursor-paged list: the rows and the cursor of the next page (null on the last).</summary>
public sealed record CursorPage<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>A reconciliation finding: what differs between the vendor and our records, what to do, and what it is worth per month.</summary>
public sealed record FindingDto(
    Guid Id, Guid TenantId, string Kind, string Status, string? StatusReason, string? VendorName, Guid? SeatId, string? MemberEmail,
    string Summary, string RecommendedAction, bool NeedsClient, decimal MonthlyEffectEur, string EffectBasis, DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt)
{
    /// <summary>Reclaiming releases the seat and removes the member at the vendor: only for a seat nobody really uses.</summary>
    public bool CanReclaim => SeatId is not null && Kind is "inactive_seat" or "overlapping_tools" && Status is "open" or "accepted";

    public bool CanAccept => Status is "open" or "dismissed";

    public bool CanDismiss => Status is "open" or "accepted";
}

// The Seats usage report (GET .../reports/usage), savings ledger and renewals: the fields the usage page shows.

public sealed record UsageFiguresDto(
    int Purchased, int Assigned, int Active, int Inactive, decimal? AdoptionRate, decimal CostEur, decimal? CostPerActiveUserEur,
    int ReclaimableSeats, decimal MonthlySavingEur);

public sealed record ProductUsageDto(string Product, string Vendor, UsageFiguresDto Figures);

public sealed record MonthUsageDto(string Month, UsageFiguresDto Totals, IReadOnlyList<ProductUsageDto> Products);

public sealed record UsageReportDto(string From, string To, IReadOnlyList<MonthUsageDto> Months);

public sealed record MonthSavingDto(string Month, decimal SavedEur);

public sealed record SavingsLedgerDto(string From, string To, IReadOnlyList<MonthSavingDto> Months, decimal TotalSavedEur);

public sealed record RenewalDto(
    Guid SubscriptionId, Guid TenantId, string VendorName, string PlanName, DateOnly RenewalDate, int DaysUntilRenewal, string Stage, int CommittedQuantity,
    int? ActiveSeats, int RecommendedQuantity, string RecommendationBasis, int QuantityDifference, decimal? AnnualDifferenceEur,
    bool PastRenewalWithoutDecision);

/// <summary>A vendor account with its reconciliation: schedule, last run, next run, open findings (GET /api/vendor-accounts).</summary>
public sealed record VendorAccountOverviewDto(
    VendorAccountDto Account, IReadOnlyList<ConnectedSubscriptionDto> Subscriptions, ReconciliationRunDto? LastRun, DateTimeOffset? NextRunAt,
    int OpenFindings, IReadOnlyList<int> AllowedIntervalMinutes);

public sealed record VendorAccountDto(
    Guid Id, Guid TenantId, string VendorCode, string Connector, string DisplayName, DateTimeOffset? LastCheckedAt, bool? LastCheckOk,
    string? LastError, ReconciliationScheduleDto Reconciliation);

/// <param name="NotScheduledBecause">Why the account has no recurring job, when it has none.</param>
public sealed record ReconciliationScheduleDto(int IntervalMinutes, bool IntervalIsDefault, bool Enabled, string? NotScheduledBecause);

public sealed record ConnectedSubscriptionDto(Guid Id, string ProductName, int CommittedQuantity);

public sealed record ReconciliationRunDto(
    Guid RunId, string State, string? FailureReason, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int MembersRead, int SeatsCompared,
    int FindingsOpened, int FindingsUpdated, int FindingsClosed, int SeatsActivated);

public sealed record PurchasedQuantityDto(Guid Id, int Quantity, DateOnly ObservedOn, string Source, string? Reference, string RecordedBy, DateTimeOffset RecordedAt);
