using LicenceOps.Platform.Jobs;
using LicenceOps.Platform.Mail;
using LicenceOps.Support.Features.Inbound;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Support.Jobs;

/// <summary>
/// Optional (Support:Imap:Host): reads unseen messages of the support mailbox and stores them like the inbound
/// route does. A message is flagged \Seen only after its ticket committed, so a crash re-reads it and the
/// Message-Id check stores it once. Messages refused as oversized or malformed are flagged too (and logged):
/// re-reading them would fail the same way forever.
/// </summary>
public sealed partial class ImapPollJob(SupportOptions options, InboundMailProcessor processor, ILogger<ImapPollJob> logger)
{
    public const string Id = "support:imap";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (!options.Imap.Configured)
        {
            return 0;
        }

        using var actor = JobActor.Begin(Id);
        using var client = new ImapClient
        {
            ServerCertificateValidationCallback = CertificatePin.Validator(options.Imap.TrustedCertificateSha256, "Support:Imap:TrustedCertificateSha256"),
        };
        await client.ConnectAsync(options.Imap.Host!, options.Imap.Port, SmtpMailTransport.SecurityOf(options.Imap.Security), ct);
        if (!string.IsNullOrEmpty(options.Imap.Username))
        {
            await client.AuthenticateAsync(options.Imap.Username, options.Imap.Password ?? string.Empty, ct);
        }

        var folder = await client.GetFolderAsync(options.Imap.Folder, ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct);
        var stored = 0;
        foreach (var uid in await folder.SearchAsync(SearchQuery.NotSeen, ct))
        {
            var size = (await folder.FetchAsync([uid], MessageSummaryItems.Size, ct)).FirstOrDefault()?.Size ?? 0;
            if (size > options.MaxInboundBytes)
            {
                LogRefused(uid.Id, $"larger than {options.MaxInboundBytes} bytes");
            }
            else
            {
                using var raw = new MemoryStream();
                (await folder.GetMessageAsync(uid, ct)).WriteTo(raw, ct);
                var (mail, problem) = InboundMailParser.Parse(raw.ToArray());
                if (mail is null)
                {
                    LogRefused(uid.Id, problem ?? "malformed");
                }
                else
                {
                    await processor.ProcessAsync(mail, ct);
                    stored++;
                }
            }

            await folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, ct);
        }

        await client.DisconnectAsync(quit: true, ct);
        return stored;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Support IMAP: message uid {Uid} refused ({Reason}); flagged seen, not stored")]
    private partial void LogRefused(uint uid, string reason);
}
