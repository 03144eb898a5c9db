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

/// <summary>What asking to resend a mail did.</summary>
public abstract record MailResendOutcome
{
    public sealed record Requeued(MailDeliveryView Mail) : MailResendOutcome;

    /// <summary>No mail with this id belongs to the subject.</summary>
    public sealed record NotFound : MailResendOutcome;

    /// <summary>The mail is not failed (pending or already sent): nothing to resend.</summary>
    public sealed record NotFailed(string Status) : MailResendOutcome;
}

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

    /// <summary>
    /// Puts a failed mail of one subject (invoice, ticket) back in the queue for a fresh series of attempts, once staff
    /// fixed its cause (the address, the server). Conditional on the row still being failed, so two clicks resend once;
    /// audited. The dispatcher sends it at its next pass with the same Message-Id.
    /// </summary>
    public static async Task<MailResendOutcome> RequeueFailedAsync(UnitOfWork uow, string subjectType, Guid subjectId, Guid mailId, Guid? tenantId)
    {
        var row = await uow.QuerySingleOrDefaultAsync<Row>(
            $"SELECT {Columns} FROM mail_outbox WHERE id = @mailId AND subject_type = @subjectType AND subject_id = @subjectId",
            new { mailId, subjectType, subjectId });
        if (row is null)
        {
            return new MailResendOutcome.NotFound();
        }

        var changed = await uow.ExecuteAsync(
            """
            UPDATE mail_outbox SET status = 'pending', attempts = 0, next_attempt_at = @now, locked_until = NULL
            WHERE id = @mailId AND status = 'failed'
            """,
            new { mailId, now = uow.Now });
        if (changed != 1)
        {
            return new MailResendOutcome.NotFailed(row.Status);
        }

        await uow.AuditAsync("mail", mailId, "resend", new { subjectType, subjectId, previousError = row.LastError, previousAttempts = row.Attempts }, tenantId);
        row.Status = MailStatuses.Pending;
        row.Attempts = 0;
        row.NextAttemptAt = uow.Now;
        return new MailResendOutcome.Requeued(row.ToView());
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
