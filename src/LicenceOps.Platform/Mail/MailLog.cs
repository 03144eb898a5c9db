using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http.Paging;

namespace LicenceOps.Platform.Mail;

/// <summary>What happened to the mail about one invoice or ticket: the failure is shown where it matters.</summary>
public sealed record MailDeliveryView(
    Guid Id,
    string Purpose,
    string Recipients,
    string Subject,
    string MessageId,
    string Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? NextAttemptAt,
    string? LastError);

public static class MailLog
{
    private const string Columns = """
        id AS Id, purpose AS Purpose, recipients AS Recipients, mail_subject AS Subject, message_id AS MessageId,
        status AS Status, attempts AS Attempts, created_at AS CreatedAt, sent_at AS SentAt,
        next_attempt_at AS NextAttemptAt, last_error AS LastError
        """;

    public static async Task<IReadOnlyList<MailDeliveryView>> ForSubjectAsync(
        ModuleDatabase database, string subjectType, Guid subjectId, CancellationToken ct)
    {
        var rows = await database.QueryAsync<Row>(
            $"SELECT {Columns} FROM mail_outbox WHERE subject_type = @subjectType AND subject_id = @subjectId ORDER BY seq",
            new { subjectType, subjectId }, ct);
        return rows.Select(r => r.ToView()).ToList();
    }

    /// <summary>In the order the mails were queued (seq); seq is unique, so it alone orders the page.</summary>
    private static readonly Keyset<Row> Queued = new("mail-log", SortKey.Asc<Row>("seq", r => r.Seq));

    /// <summary>One page of the mails about a subject, oldest first (the shared keyset pager).</summary>
    public static async Task<Page<MailDeliveryView>> PageForSubjectAsync(
        ModuleDatabase database, string subjectType, Guid subjectId, PageRequest page, CancellationToken ct) =>
        (await Queued.ReadAsync(database, $"SELECT seq AS Seq, {Columns} FROM mail_outbox",
            "subject_type = @subjectType AND subject_id = @subjectId", new { subjectType, subjectId }, page, ct)).Map(r => r.ToView());

    /// <summary>Latest delivery status per subject, for lists (e.g. tickets whose last mail failed).</summary>
    public static async Task<IReadOnlyDictionary<Guid, MailDeliveryView>> LatestAsync(
        ModuleDatabase database, string subjectType, IReadOnlyCollection<Guid> subjectIds, CancellationToken ct)
    {
        if (subjectIds.Count == 0)
        {
            return new Dictionary<Guid, MailDeliveryView>();
        }

        var rows = await database.QueryAsync<Row>(
            $"SELECT subject_id AS SubjectId, {Columns} FROM mail_outbox WHERE subject_type = @subjectType AND subject_id IN @subjectIds ORDER BY seq",
            new { subjectType, subjectIds }, ct);
        return rows.GroupBy(r => r.SubjectId).ToDictionary(g => g.Key, g => g.Last().ToView());
    }

    private sealed class Row
    {
        public Guid SubjectId { get; set; }
        public long Seq { get; set; }
        public Guid Id { get; set; }
        public string Purpose { get; set; } = "";
        public string Recipients { get; set; } = "";
        public string Subject { get; set; } = "";
        public string MessageId { get; set; } = "";
        public string Status { get; set; } = "";
        public int Attempts { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? SentAt { get; set; }
        public DateTimeOffset NextAttemptAt { get; set; }
        public string? LastError { get; set; }

        public MailDeliveryView ToView() => new(Id, Purpose, Recipients, Subject, MessageId, Status, Attempts, CreatedAt, SentAt,
            Status == MailStatuses.Pending ? NextAttemptAt : null, LastError);
    }
}
