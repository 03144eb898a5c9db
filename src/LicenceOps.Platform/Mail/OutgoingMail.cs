namespace LicenceOps.Platform.Mail;

/// <summary>
/// A message to queue with <see cref="MailQueue.EnqueueMailAsync"/>. <see cref="SubjectType"/>/<see cref="SubjectId"/> name
/// what the message is about (an invoice, a ticket) so its delivery status can be shown there.
/// </summary>
public sealed record OutgoingMail(
    string Purpose,
    string SubjectType,
    Guid SubjectId,
    Guid? TenantId,
    IReadOnlyList<string> To,
    string Subject,
    string TextBody)
{
    public string? HtmlBody { get; init; }

    public IReadOnlyList<string> Cc { get; init; } = [];

    /// <summary>Overrides <see cref="MailOptions.From"/>, e.g. the support mailbox.</summary>
    public string? From { get; init; }

    public string? ReplyTo { get; init; }

    /// <summary>Without angle brackets. Generated when null; callers that thread replies choose it themselves.</summary>
    public string? MessageId { get; init; }

    public string? InReplyTo { get; init; }

    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>Extra headers, e.g. Auto-Submitted: auto-replied (RFC 3834) on acknowledgements.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<MailAttachment> Attachments { get; init; } = [];
}

/// <summary>
/// Either inline bytes, or a reference resolved at send time by the module's <see cref="IMailAttachmentResolver"/> of
/// <see cref="ResolverKind"/>: an invoice PDF need not be rendered inside the transaction that issues the invoice.
/// </summary>
public sealed record MailAttachment(string FileName, string ContentType, byte[]? Content, string? ResolverKind, string? Reference)
{
    public static MailAttachment Inline(string fileName, string contentType, byte[] content) => new(fileName, contentType, content, null, null);

    public static MailAttachment Resolved(string kind, string reference, string fileName, string contentType) =>
        new(fileName, contentType, null, kind, reference);
}

/// <summary>Produces the bytes of a late-bound attachment. Registered by the module that queues such mail.</summary>
public interface IMailAttachmentResolver
{
    string Kind { get; }

    Task<byte[]> ResolveAsync(string reference, CancellationToken ct);
}

public sealed record QueuedMail(Guid Id, string MessageId, string Status);

public static class MailStatuses
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}
