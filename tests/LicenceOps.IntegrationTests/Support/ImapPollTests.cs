using System.Text;
using LicenceOps.IntegrationTests.Mail;
using LicenceOps.Support.Jobs;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace LicenceOps.IntegrationTests.Support;

/// <summary>
/// The support:imap job against a real Dovecot over implicit TLS (certificate pinned by the configuration): unseen
/// messages become tickets once, every handled message is flagged seen, an oversized one is skipped, and an unpinned
/// self-signed server is refused with the mailbox untouched.
/// </summary>
public sealed class ImapPollTests
{
    private string certificates = null!;
    private string certificatePem = null!;
    private string keyPem = null!;
    private string fingerprint = null!;
    private DovecotServer imap = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        (certificates, certificatePem, keyPem, fingerprint) = TestCertificate.Create();
        imap = await DovecotServer.StartAsync(certificatePem, keyPem);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        imap.Dispose();
        Directory.Delete(certificates, recursive: true);
    }

    private Dictionary<string, string?> ImapSettings(string? pin) => new()
    {
        ["Support:Imap:Host"] = "127.0.0.1",
        ["Support:Imap:Port"] = imap.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Support:Imap:Security"] = "SslOnConnect",
        ["Support:Imap:Username"] = DovecotServer.User,
        ["Support:Imap:Password"] = DovecotServer.Password,
        ["Support:Imap:TrustedCertificateSha256"] = pin,
    };

    private async Task<ImapClient> MailboxAsync()
    {
        var client = new ImapClient { ServerCertificateValidationCallback = LicenceOps.Platform.Mail.CertificatePin.Validator(fingerprint, "test") };
        await client.ConnectAsync("127.0.0.1", imap.Port, SecureSocketOptions.SslOnConnect);
        await client.AuthenticateAsync(DovecotServer.User, DovecotServer.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        return client;
    }

    private static MimeMessage Load(byte[] raw)
    {
        using var stream = new MemoryStream(raw);
        return MimeMessage.Load(stream);
    }

    [Test]
    public async Task Unseen_messages_become_tickets_once_and_every_handled_message_is_flagged_seen()
    {
        using var kit = await SupportKit.StartAsync(extra: ImapSettings(fingerprint));
        var run = Guid.NewGuid().ToString("N");
        using (var mailbox = await MailboxAsync())
        {
            // The fixture shares one mailbox: start this test from an empty one.
            await mailbox.Inbox.AddFlagsAsync(UniqueIdRange.All, MessageFlags.Deleted, silent: true);
            await mailbox.Inbox.ExpungeAsync();
            await mailbox.Inbox.AppendAsync(Load(SupportKit.CorpusBytes("multipart-attachments.eml", freshId: $"{run}-a")), MessageFlags.None);
            await mailbox.Inbox.AppendAsync(Load(SupportKit.CorpusBytes("windows-1252.eml", freshId: $"{run}-b")), MessageFlags.None);
            // Read by a person in their mail client already: not the job's business.
            await mailbox.Inbox.AppendAsync(Load(SupportKit.CorpusBytes("html-only.eml", freshId: $"{run}-c")), MessageFlags.Seen);
            var huge = new MimeMessage();
            huge.From.Add(MailboxAddress.Parse("emma.leroy@acme-conseil.fr"));
            huge.To.Add(MailboxAddress.Parse("support@licenceops.local"));
            huge.Subject = "Trop gros";
            huge.MessageId = $"{run}-huge@acme-conseil.fr";
            huge.Body = new TextPart("plain") { Text = new string('x', 150_000) };
            await mailbox.Inbox.AppendAsync(huge, MessageFlags.None);
            await mailbox.DisconnectAsync(true);
        }
        var tickets = await kit.CountAsync("SELECT COUNT(*) FROM tickets");

        var stored = await kit.Factory.Service<ImapPollJob>().RunAsync(CancellationToken.None);

        Assert.That(stored, Is.EqualTo(2));
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM tickets"), Is.EqualTo(tickets + 2));
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM ticket_messages WHERE message_id LIKE @id", new { id = $"%{run}-a%" }), Is.EqualTo(1));
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM ticket_attachments a JOIN ticket_messages m ON m.id = a.message_id WHERE m.message_id LIKE @id",
            new { id = $"%{run}-a%" }), Is.GreaterThan(0), "attachments come through IMAP too");
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM ticket_messages WHERE message_id LIKE @id", new { id = $"%{run}-huge%" }), Is.Zero, "oversized: skipped");
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM ticket_messages WHERE message_id LIKE @id", new { id = $"%{run}-c%" }), Is.Zero, "already seen: left alone");
        using (var mailbox = await MailboxAsync())
        {
            Assert.That(await mailbox.Inbox.SearchAsync(SearchQuery.NotSeen), Is.Empty, "everything handled is flagged seen");
            await mailbox.DisconnectAsync(true);
        }

        Assert.That(await kit.Factory.Service<ImapPollJob>().RunAsync(CancellationToken.None), Is.Zero, "a second pass stores nothing");
        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM tickets"), Is.EqualTo(tickets + 2));
    }

    [Test]
    public async Task An_unpinned_self_signed_server_is_refused_and_the_mailbox_is_left_unseen()
    {
        using var kit = await SupportKit.StartAsync(extra: ImapSettings(null));
        var run = Guid.NewGuid().ToString("N");
        using (var mailbox = await MailboxAsync())
        {
            await mailbox.Inbox.AppendAsync(Load(SupportKit.CorpusBytes("iso-8859-1.eml", freshId: run)), MessageFlags.None);
            await mailbox.DisconnectAsync(true);
        }

        Assert.ThrowsAsync<SslHandshakeException>(() => kit.Factory.Service<ImapPollJob>().RunAsync(CancellationToken.None));

        Assert.That(await kit.CountAsync("SELECT COUNT(*) FROM ticket_messages WHERE message_id LIKE @id", new { id = $"%{run}%" }), Is.Zero);
        using var check = await MailboxAsync();
        Assert.That(await check.Inbox.SearchAsync(SearchQuery.NotSeen), Is.Not.Empty);
        await check.DisconnectAsync(true);
    }
}
