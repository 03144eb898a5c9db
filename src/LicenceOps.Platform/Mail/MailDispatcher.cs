using System.Text.Json;
using LicenceOps.Platform.Data;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;
using MimeKit.Utils;

namespace LicenceOps.Platform.Mail;

/// <summary>
/// Sends one module's queued mail. A row is claimed with a conditional update (several hosts may share the
/// database), sent, then marked sent; a failure is retried with exponential back-off, and a permanent refusal
/// (SMTP 5xx) or the last attempt marks it failed with the reason. A crash between sending and marking sends
/// the message again with the same Message-Id: delivery is at least once, never lost. Each claim carries a fresh
/// token and every mark is conditional on it: a dispatcher whose claim lapsed while it was sending (a slow server)
/// records nothing over the dispatcher that took the row over, so a row is marked sent once, by its current owner.
/// </summary>
public sealed partial class MailDispatcher(
    ModuleDatabase database,
    IMailTransport transport,
    IEnumerable<IMailAttachmentResolver> resolvers,
    MailOptions options,
    TimeProvider time,
    ILogger<MailDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 20;

    /// <summary>
    /// A sweep's messages: the first due and unclaimed pending ones in queue order. The literal <c>'pending'</c> is what lets
    /// both databases use <c>ix_mail_outbox_pending</c>, the index of pending messages in that order (migration 1780), and stop
    /// after the batch instead of reading every pending row.
    /// </summary>
    internal const string DueSql = """
        SELECT id FROM mail_outbox
        WHERE status = 'pending' AND next_attempt_at <= @now AND (locked_until IS NULL OR locked_until < @now)
        ORDER BY seq
        """;
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(5);

    public string Module => database.Module;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(0.05, options.PollIntervalSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSweepFailed(ex, database.Module);
            }

            try
            {
                // Real time on purpose: tests move a fake TimeProvider that never advances by itself.
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <returns>How many messages were sent in this sweep.</returns>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = await database.QueryAsync<Guid>(
            database.Dialect.Top(DueSql, "@batch"),
            new { now, batch = BatchSize },
            ct);
        var sent = 0;
        foreach (var id in due)
        {
            if (await SendOneAsync(id, ct))
            {
                sent++;
            }
        }

        return sent;
    }

    private async Task<bool> SendOneAsync(Guid id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var token = Guid.NewGuid();
        // The claim and the marks below are writes like any other of the module, so they take its write gate (ADR 0032,
        // ADR 0083). As autocommit statements on a connection of their own they met SQLite's lock instead: a module writer
        // that found one of them holding it (an invoice run's batch, every few milliseconds while mail goes out) slept in
        // SQLite's busy handler (1, 2, 5, 10 ms…) instead of being handed the turn when it was free (docs/performance.md,
        // feat/i16ot).
        var row = await database.WriteAsync(async uow =>
            await uow.ExecuteAsync(
                """
                UPDATE mail_outbox SET locked_until = @until, lock_token = @token
                WHERE id = @id AND status = 'pending' AND next_attempt_at <= @now AND (locked_until IS NULL OR locked_until < @now)
                """,
                new { id, now, until = now + ClaimFor, token }) == 0
                ? null
                : await uow.QuerySingleOrDefaultAsync<ClaimedMail>(
                    "SELECT payload AS Payload, attempts AS Attempts FROM mail_outbox WHERE id = @id", new { id }), ct);
        if (row is null)
        {
            return false;
        }

        try
        {
            var mail = JsonSerializer.Deserialize<OutgoingMail>(row.Payload, MailQueue.Json)
                ?? throw new InvalidOperationException($"Mail {id} has an empty payload.");
            var message = await BuildAsync(mail, ct);
            await transport.SendAsync(message, ct);
            var marked = await database.WriteAsync(uow => uow.ExecuteAsync(
                """
                UPDATE mail_outbox SET status = 'sent', sent_at = @at, attempts = attempts + 1, locked_until = NULL, lock_token = NULL, last_error = NULL
                WHERE id = @id AND lock_token = @token AND status = 'pending'
                """,
                new { id, at = time.GetUtcNow(), token }), CancellationToken.None);
            if (marked != 1)
            {
                // Sent, but the claim lapsed and another dispatcher owns the row now: it records the outcome (the
                // recipient may get the message twice, with the same Message-Id, which at-least-once allows).
                LogLostClaim(database.Module, id);
                return false;
            }
            LogSent(database.Module, id, mail.Purpose);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var attempts = row.Attempts + 1;
            var permanent = IsPermanent(ex);
            var failed = permanent || attempts >= options.MaxAttempts;
            var delay = TimeSpan.FromSeconds(Math.Min(options.MaxBackoffSeconds, options.BaseBackoffSeconds * Math.Pow(2, attempts - 1)));
            var marked = await database.WriteAsync(uow => uow.ExecuteAsync(
                """
                UPDATE mail_outbox SET attempts = @attempts, status = @status, next_attempt_at = @next, locked_until = NULL, lock_token = NULL, last_error = @error
                WHERE id = @id AND lock_token = @token AND status = 'pending'
                """,
                new
                {
                    id,
                    token,
                    attempts,
                    status = failed ? MailStatuses.Failed : MailStatuses.Pending,
                    next = time.GetUtcNow() + delay,
                    error = (permanent ? "Refused: " : "") + Describe(ex),
                }), CancellationToken.None);
            if (marked != 1)
            {
                LogLostClaim(database.Module, id);
                return false;
            }
            LogSendFailed(ex, database.Module, id, attempts, failed);
            return false;
        }
    }

    /// <summary>A claimed message's stored payload and the attempts made so far.</summary>
    private sealed record ClaimedMail(string Payload, int Attempts);

    /// <summary>What an operator needs to read on the invoice or ticket: the SMTP reply code when there is one.</summary>
    private static string Describe(Exception ex) => ex switch
    {
        SmtpCommandException command => $"SMTP {(int)command.StatusCode} {command.Message}"
            + (command.Mailbox is { } mailbox ? $" ({mailbox.Address})" : ""),
        SmtpProtocolException protocol => $"SMTP protocol error: {protocol.Message}",
        _ => ex.Message,
    };

    /// <summary>The server refused the message or a recipient for good (5xx): retrying cannot help.</summary>
    private static bool IsPermanent(Exception ex) =>
        ex is SmtpCommandException command && (int)command.StatusCode >= 500
        || ex is ParseException
        || ex is JsonException;

    internal async Task<MimeMessage> BuildAsync(OutgoingMail mail, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(mail.From ?? options.From));
        foreach (var to in mail.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        foreach (var cc in mail.Cc)
        {
            message.Cc.Add(MailboxAddress.Parse(cc));
        }

        if (mail.ReplyTo is not null)
        {
            message.ReplyTo.Add(MailboxAddress.Parse(mail.ReplyTo));
        }

        message.Subject = mail.Subject;
        message.MessageId = mail.MessageId ?? MimeUtils.GenerateMessageId();
        message.Date = time.GetUtcNow();
        if (mail.InReplyTo is not null)
        {
            message.InReplyTo = mail.InReplyTo;
        }

        foreach (var reference in mail.References)
        {
            message.References.Add(reference);
        }

        foreach (var (name, value) in mail.Headers)
        {
            message.Headers.Add(name, value);
        }

        var body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = mail.HtmlBody };
        foreach (var attachment in mail.Attachments)
        {
            var content = attachment.Content ?? await ResolveAsync(attachment, ct);
            body.Attachments.Add(attachment.FileName, content, ContentType.Parse(attachment.ContentType));
        }

        message.Body = body.ToMessageBody();
        return message;
    }

    private Task<byte[]> ResolveAsync(MailAttachment attachment, CancellationToken ct)
    {
        var resolver = resolvers.FirstOrDefault(r => r.Kind == attachment.ResolverKind)
            ?? throw new InvalidOperationException(
                $"No attachment resolver '{attachment.ResolverKind}' in this host; the module that queued the mail must run here.");
        return resolver.ResolveAsync(attachment.Reference ?? string.Empty, ct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Module}: mail sweep failed")]
    private partial void LogSweepFailed(Exception ex, string module);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Module}: mail {MailId} ({Purpose}) sent")]
    private partial void LogSent(string module, Guid mailId, string purpose);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Module}: mail {MailId}: this dispatcher's claim lapsed while sending; the dispatcher that took the row over records its outcome")]
    private partial void LogLostClaim(string module, Guid mailId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Module}: sending mail {MailId} failed (attempt {Attempts}, given up: {GivenUp})")]
    private partial void LogSendFailed(Exception ex, string module, Guid mailId, int attempts, bool givenUp);
}
