using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LicenceOps.Platform.Mail;
using LicenceOps.Support.Features.Tickets;
using MimeKit;
using MimeKit.Text;

namespace LicenceOps.Support.Features.Inbound;

/// <summary>What Support keeps of one inbound message, whatever its MIME shape and charsets.</summary>
public sealed record ParsedInbound(
    string MessageId,
    string FromAddress,
    string? FromName,
    string Subject,
    string BodyText,
    string? BodyHtml,
    IReadOnlyList<string> ReferencedIds,
    string? AutomaticReason,
    IReadOnlyList<NewAttachment> Attachments)
{
    public bool IsAutomatic => AutomaticReason is not null;
}

/// <summary>
/// Raw RFC 5322 bytes to <see cref="ParsedInbound"/> with MimeKit. Pure: no I/O beyond the buffer. Text bodies are
/// decoded with their declared charset (ISO-8859-1, Windows-1252...); HTML-only mail gets a text rendering.
/// </summary>
public static partial class InboundMailParser
{
    static InboundMailParser()
    {
        // .NET ships only the Unicode and Latin-1 encodings; without the code-page provider MimeKit would read a
        // windows-1252 body as Latin-1 and turn "€" or curly quotes into control characters.
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
    }

    public static (ParsedInbound? Mail, string? Problem) Parse(byte[] raw)
    {
        MimeMessage message;
        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            message = MimeMessage.Load(ParserOptions.Default, stream);
        }
        catch (Exception e) when (e is FormatException or ParseException)
        {
            return (null, $"Not an RFC 5322 message: {e.Message}");
        }

        var from = message.From.Mailboxes.FirstOrDefault() ?? message.Sender;
        if (from is null || !MailQueue.IsAddress(from.Address))
        {
            return (null, "The message has no usable From address.");
        }

        if (message.Body is null)
        {
            return (null, "The message has no body.");
        }

        var html = message.HtmlBody;
        var text = message.TextBody ?? (html is null ? null : HtmlToText(html)) ?? "";
        var subject = string.IsNullOrWhiteSpace(message.Subject) ? "(no subject)" : message.Subject.Trim();
        if (subject.Length > TicketInput.MaxSubject)
        {
            subject = subject[..TicketInput.MaxSubject];
        }

        var references = new List<string>();
        if (!string.IsNullOrWhiteSpace(message.InReplyTo))
        {
            references.Add(message.InReplyTo);
        }

        references.AddRange(message.References.Reverse().Where(r => !references.Contains(r)));
        // A message without Message-Id still needs a stable identity, so a provider's retry is recognised as the same.
        var messageId = string.IsNullOrWhiteSpace(message.MessageId)
            ? $"sha256-{Convert.ToHexStringLower(SHA256.HashData(raw))}@inbound.licenceops"
            : message.MessageId;
        return (new ParsedInbound(messageId, from.Address.ToLowerInvariant(), string.IsNullOrWhiteSpace(from.Name) ? null : from.Name,
            subject, text.Trim(), html, references, AutomaticMail.Reason(message), Attachments(message)), null);
    }

    private static List<NewAttachment> Attachments(MimeMessage message)
    {
        var files = new List<NewAttachment>();
        var n = 0;
        foreach (var entity in message.Attachments)
        {
            n++;
            using var buffer = new MemoryStream();
            string name;
            if (entity is MessagePart { Message: not null } forwarded)
            {
                forwarded.Message!.WriteTo(buffer);
                name = (forwarded.ContentDisposition?.FileName ?? forwarded.Message.Subject ?? $"message-{n}") + ".eml";
            }
            else if (entity is MimePart part && part.Content is not null)
            {
                part.Content.DecodeTo(buffer);
                name = part.FileName ?? $"attachment-{n}";
            }
            else
            {
                continue;
            }

            files.Add(new NewAttachment(SafeFileName(name), entity.ContentType.MimeType, buffer.ToArray()));
        }

        return files;
    }

    private static string SafeFileName(string name)
    {
        var clean = new string(Path.GetFileName(name.Replace('\\', '/')).Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length == 0 ? "attachment" : clean.Length > 200 ? clean[^200..] : clean;
    }

    /// <summary>Readable text of an HTML-only message: data kept, script/style dropped, blocks on their own lines.</summary>
    public static string HtmlToText(string html)
    {
        var output = new StringBuilder();
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        var skipping = 0;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Name is "script" or "style" or "head":
                    skipping += tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1;
                    skipping = Math.Max(0, skipping);
                    break;
                case HtmlTagToken tag when tag.Name is "br" or "p" or "div" or "li" or "tr" or "h1" or "h2" or "h3" or "h4" or "blockquote":
                    output.Append('\n');
                    break;
                case HtmlDataToken data when skipping == 0:
                    output.Append(data.Data);
                    break;
            }
        }

        var lines = output.ToString().Split('\n').Select(l => Spaces().Replace(l, " ").Trim());
        return BlankLines().Replace(string.Join('\n', lines), "\n\n").Trim();
    }

    [GeneratedRegex(@"[ \t\u00A0]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
}

/// <summary>
/// Mail no person wrote (out-of-office, bounces, delivery reports, mailing lists): the hotline never answers it,
/// which is what stops two auto-responders from mailing each other forever.
/// </summary>
public static class AutomaticMail
{
    private static readonly string[] RobotLocalParts = ["mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply"];

    private static readonly string[] AutomaticSubjects =
        ["auto:", "automatic reply", "autoreply", "auto-reply", "réponse automatique", "reponse automatique", "out of office",
            "absence du bureau", "undeliverable", "undelivered mail", "delivery status notification", "mail delivery failed",
            "non remis", "returned mail"];

    public static string? Reason(MimeMessage message)
    {
        var autoSubmitted = message.Headers["Auto-Submitted"];
        if (!string.IsNullOrWhiteSpace(autoSubmitted) && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return $"Auto-Submitted: {autoSubmitted.Trim()}";
        }

        foreach (var header in new[] { "X-Autoreply", "X-Autorespond", "X-Auto-Reply" })
        {
            if (message.Headers.Contains(header))
            {
                return $"{header} header";
            }
        }

        var precedence = message.Headers["Precedence"]?.Trim().ToLowerInvariant();
        if (precedence is "bulk" or "junk" or "list" or "auto_reply")
        {
            return $"Precedence: {precedence}";
        }

        if (message.Headers.Contains("List-Id") || message.Headers.Contains("List-Unsubscribe"))
        {
            return "mailing-list message";
        }

        if (message.Body is MultipartReport || message.Body?.ContentType.IsMimeType("multipart", "report") == true)
        {
            return "delivery or read report (multipart/report)";
        }

        var returnPath = message.Headers["Return-Path"]?.Trim();
        if (returnPath is "<>" or "")
        {
            return "null Return-Path (bounce)";
        }

        var from = (message.From.Mailboxes.FirstOrDefault() ?? message.Sender)?.LocalPart.ToLowerInvariant();
        if (from is not null && RobotLocalParts.Contains(from))
        {
            return $"sent by {from}";
        }

        var subject = message.Subject?.Trim().ToLowerInvariant() ?? "";
        return AutomaticSubjects.FirstOrDefault(subject.StartsWith) is { } marker ? $"subject starts with '{marker}'" : null;
    }
}
