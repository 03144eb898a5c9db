namespace LicenceOps.Contracts.Seats;

// Situations in Seats that need a person to act. Support turns each into one ticket, de-duplicated by the key
// documented in docs/messaging.md, so a publisher may send the same situation again (every reconciliation run,
// every retry) without opening a second ticket.

/// <summary>
/// Reconciliation found a company seat held by an identity that is not the expected one: an e-mail outside the
/// tenant's domains, a personal account, or another person than the one we assigned the seat to.
/// </summary>
public sealed record WrongAccountActivationDetected(
    Guid FindingId,
    Guid TenantId,
    Guid VendorAccountId,
    Guid? SeatId,
    Guid? PersonId,
    string VendorName,
    string MemberEmail,
    string? ExpectedEmail,
    string Reason,
    DateTimeOffset DetectedAt);

/// <summary>
/// A reconciliation finding whose recommended action needs the client (e.g. a shadow user at the vendor that no
/// seat of ours covers). <see cref="MonthlyEffectEur"/> is the finding's monthly euro effect, rounded to the cent.
/// </summary>
public sealed record ReconciliationFindingNeedsClient(
    Guid FindingId,
    Guid TenantId,
    string Kind,
    string Summary,
    string RecommendedAction,
    decimal MonthlyEffectEur,
    DateTimeOffset DetectedAt);

/// <summary>
/// An onboarding, offboarding, move or seat transfer step stopped at <c>needs_attention</c>: retrying will not fix
/// it without someone (a failed vendor call after the last attempt, a rejected request, a manual hand-over).
/// </summary>
public sealed record TransferStepNeedsAttention(
    Guid StepId,
    Guid TransferId,
    Guid TenantId,
    Guid? PersonId,
    Guid? SeatId,
    string TransferKind,
    string StepKind,
    string Reason,
    DateTimeOffset OccurredAt);
