using System.Text.Json;
using LicenceOps.Platform.Data;
using MimeKit;

namespace LicenceOps.Platform.Mail;

/// <summary>
/// Queues e-mail in the calling module's database, inside its transaction: the invoice is issued and its mail
/// queued together, or neither. <see cref="MailDispatcher"/> sends after commit, with retries.
/// </summary>
public static class MailQueue
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Never throws on a bad recipient: a business change must not roll back because an address on file is wrong.
    /// Such a message is stored as failed, with the reason, where the invoice or ticket shows it.
    /// </summary>
    public static async Task<QueuedMail> EnqueueMailAsync(this UnitOfWork uow, OutgoingMail mail)
    {
        var row = Prepare(mail);
        await uow.ExecuteAsync(
            """
            INSERT INTO mail_outbox (id, tenant_id, subject_type, subject_id, purpose, recipients, mail_subject, message_id,
                payload, status, attempts, next_attempt_at, last_error, created_at)
            VALUES (@Id, @TenantId, @SubjectType, @SubjectId, @Purpose, @Recipients, @Subject, @MessageId,
                @Payload, @Status, 0, @now, @Problem, @now)
            """,
            new
            {
                row.Id,
                mail.TenantId,
                mail.SubjectType,
                mail.SubjectId,
                mail.Purpose,
                row.Recipients,
                mail.Subject,
                row.MessageId,
                row.Payload,
                row.Status,
                row.Problem,
                now = uow.Now,
            });
        return new QueuedMail(row.Id, row.MessageId, row.Status);
    }

    /// <summary>What is stored for a message besides its own fields: the same rules for one message and for many.</summary>
    private sealed record PreparedMail(Guid Id, string MessageId, string Recipients, string Status, string? Problem, OutgoingMail Stored)
    {
        /// <summary>The payload column's text: the message as stored, with its Message-Id.</summary>
        public string Payload => JsonSerializer.Serialize(Stored, Json);
    }

    private static PreparedMail Prepare(OutgoingMail mail)
    {
        var id = RowIds.New();
        var messageId = mail.MessageId ?? NewMessageId(id, mail.From);
        var problem = Problem(mail);
        return new PreparedMail(id, messageId, string.Join(", ", mail.To.Concat(mail.Cc)), problem is null ? MailStatuses.Pending : MailStatuses.Failed,
            problem, mail with { MessageId = messageId });
    }

    /// <summary>
    /// Queues several messages in this transaction, in order, with the same rules as <see cref="EnqueueMailAsync"/>. On
    /// SQLite it is one statement for all of them (<c>jsonb_each</c>, as <see cref="UnitOfWork.PublishManyAsync"/>): an invoice
    /// run batch queues a mail per issued document (ADR 0042). SQL Server queues them one insert each.
    /// </summary>
    public static async Task<IReadOnlyList<QueuedMail>> EnqueueMailManyAsync(this UnitOfWork uow, IReadOnlyList<OutgoingMail> mails)
    {
        if (uow.Dialect != SqlDialect.Sqlite)
        {
            var queued = new List<QueuedMail>(mails.Count);
            foreach (var mail in mails)
            {
                queued.Add(await uow.EnqueueMailAsync(mail));
            }
            return queued;
        }
        if (mails.Count == 0)
        {
            return [];
        }
        var result = new List<QueuedMail>(mails.Count);
        var rows = new JsonRows();
        // Each payload serialized as UTF-8 into one scratch buffer and written into its row from there (escaped as a JSON string, as
        // a string would be): the same text as the one-mail path's, without a UTF-16 string of it per mail to transcode back.
        using var payload = new SerializedBody(Json);
        foreach (var mail in mails)
        {
            var row = Prepare(mail);
            rows.Row().Add(row.Id).Add(mail.TenantId).Add(mail.SubjectType).Add(mail.SubjectId).Add(mail.Purpose)
                .Add(row.Recipients).Add(mail.Subject).Add(row.MessageId);
            rows.Writer.WriteStringValue(payload.Of(row.Stored, typeof(OutgoingMail)));
            rows.Add(row.Status).Add(row.Problem);
            result.Add(new QueuedMail(row.Id, row.MessageId, row.Status));
        }
        await uow.ExecuteRowsAsync(
            """
            INSERT INTO mail_outbox (id, tenant_id, subject_type, subject_id, purpose, recipients, mail_subject, message_id,
                payload, status, attempts, next_attempt_at, last_error, created_at)
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7,
                value ->> 8, value ->> 9, 0, @now, value ->> 10, @now
            FROM jsonb_each(CAST(@rows AS TEXT))
            """,
            rows, new { now = uow.Now });
        return result;
    }

    /// <summary>A fresh msg-id on the sender's domain, without angle brackets.</summary>
    public static string NewMessageId(Guid id, string? from)
    {
        var domain = from is not null && MailboxAddress.TryParse(from, out var address) && address.Domain.Length > 0
            ? address.Domain
            : "licenceops.local";
        return $"{id:N}@{domain}";
    }

    private static string? Problem(OutgoingMail mail)
    {
        if (mail.To.Count == 0)
        {
            return "No recipient address.";
        }

        foreach (var address in mail.To.Concat(mail.Cc))
        {
            if (!IsAddress(address))
            {
                return $"Not a valid e-mail address: '{address}'.";
            }
        }

        return null;
    }

    /// <summary>One mailbox with a domain; the check MimeKit itself applies when the message is built.</summary>
    public static bool IsAddress(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && MailboxAddress.TryParse(ParserOptions.Default, value, out var mailbox)
        && mailbox.Domain.Contains('.', StringComparison.Ordinal)
        && mailbox.LocalPart.Length > 0;
}
