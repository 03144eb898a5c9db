using LicenceOps.Platform.Mail;

namespace LicenceOps.Support.Features.Tickets;

public sealed record TicketSummary(
    Guid Id,
    string Number,
    Guid? TenantId,
    bool Triage,
    string Subject,
    string RequesterEmail,
    string Category,
    string Priority,
    string Status,
    string? AssignedAgent,
    IReadOnlyList<string> Tags,
    string SlaState,
    DateTimeOffset FirstResponseDue,
    DateTimeOffset? FirstResponseAt,
    DateTimeOffset ResolutionDue,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static TicketSummary From(TicketRow t) => new(t.Id, t.DisplayNumber, t.TenantId, t.TenantId is null, t.Subject, t.RequesterEmail,
        t.Category, t.Priority, t.Status, t.AssignedAgent, t.TagList, t.SlaState, t.FirstResponseDue, t.FirstResponseAt, t.ResolutionDue,
        t.CreatedAt, t.UpdatedAt);
}

public sealed record AttachmentView(Guid Id, string FileName, string ContentType, long SizeBytes);

public sealed record MessageView(
    Guid Id,
    string Kind,
    string Author,
    string? FromAddress,
    string BodyText,
    bool IsAutomatic,
    DateTimeOffset CreatedAt,
    IReadOnlyList<AttachmentView> Attachments,
    MailDeliveryView? Delivery);

public sealed record TicketView(
    Guid Id,
    string Number,
    Guid? TenantId,
    bool Triage,
    string Subject,
    string RequesterEmail,
    string? RequesterName,
    Guid? PersonId,
    Guid? SeatId,
    string Category,
    string Priority,
    string Status,
    string? AssignedAgent,
    IReadOnlyList<string> Tags,
    string Source,
    string SlaState,
    DateTimeOffset FirstResponseDue,
    DateTimeOffset? FirstResponseAt,
    DateTimeOffset ResolutionDue,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? ClosedAt,
    DateTimeOffset? EscalatedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<MessageView> Messages);
