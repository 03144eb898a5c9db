namespace LicenceOps.Contracts.Billing;

/// <summary>
/// An invoice (or credit note) received its legal number and became immutable. <see cref="Lines"/> (added later, so
/// null in older messages) says what was invoiced per subscription and service period: Seats' usage reports read the
/// euros actually invoiced from it. Amounts are as printed on the document, positive; on a credit note
/// (<see cref="Kind"/> "credit-note") they are amounts given back.
/// </summary>
public sealed record InvoiceIssued(
    Guid InvoiceId,
    Guid TenantId,
    string Number,
    string Kind,
    DateOnly IssueDate,
    DateOnly DueDate,
    decimal TotalExclVat,
    decimal TotalVat,
    decimal TotalInclVat,
    string Currency,
    DateTimeOffset OccurredAt,
    IReadOnlyList<InvoicedLine>? Lines = null);

/// <summary>One line of an issued document: net euros excl. VAT for a subscription (null: not a subscription charge) over a service period.</summary>
public sealed record InvoicedLine(
    int LineNumber,
    Guid? SubscriptionId,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    decimal NetAmountExclVat);

/// <summary>Stripe confirmed the payment of an issued invoice.</summary>
public sealed record InvoicePaid(
    Guid InvoiceId,
    Guid TenantId,
    string Number,
    decimal AmountPaid,
    string Currency,
    DateTimeOffset PaidAt);

/// <summary>Stripe reported that collecting an invoice failed.</summary>
public sealed record PaymentFailed(
    Guid InvoiceId,
    Guid TenantId,
    string Number,
    string Reason,
    DateTimeOffset OccurredAt);

/// <summary>An issued invoice is still unpaid N days (7, 15, 30) after its due date; Support emails the client.</summary>
public sealed record InvoicePaymentReminderDue(
    Guid InvoiceId,
    Guid TenantId,
    string Number,
    int DaysOverdue,
    DateOnly DueDate,
    decimal AmountDue,
    string Currency,
    string BillingEmail,
    DateTimeOffset OccurredAt);
