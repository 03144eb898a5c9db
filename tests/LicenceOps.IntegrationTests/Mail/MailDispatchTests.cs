using System.Net;
using System.Net.Sockets;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Mail;
using LicenceOps.Support;
using MimeKit;

namespace LicenceOps.IntegrationTests.Mail;

/// <summary>The queue's two ends without a business feature: the pickup folder of the embedded default, and back-off when SMTP is down.</summary>
public sealed class MailDispatchTests
{
    private static OutgoingMail Sample(string subject) =>
        new("test", "probe", Guid.NewGuid(), null, ["someone@client.example"], subject, "Body") { Attachments = [MailAttachment.Inline("a.txt", "text/plain", "hello"u8.ToArray())] };

    [Test]
    public async Task Without_smtp_mail_is_written_to_the_pickup_folder()
    {
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Demo:Seed"] = "false", ["Mail:PollIntervalSeconds"] = "0.2", ["Modules"] = "Identity,Support" });
        var db = factory.Service<ModuleDatabase<SupportModule>>();
        var queued = await db.WriteAsync(unit => unit.EnqueueMailAsync(Sample("Pickup probe")));

        var folder = Path.Combine(factory.DataDirectory, "mail-pickup");
        await Eventually.UntilAsync(() => Task.FromResult(Directory.Exists(folder) && Directory.GetFiles(folder, "*.eml").Length == 1), TimeSpan.FromSeconds(30));
        var message = await MimeMessage.LoadAsync(Directory.GetFiles(folder, "*.eml").Single());
        Assert.That(message.Subject, Is.EqualTo("Pickup probe"));
        Assert.That(message.MessageId, Is.EqualTo(queued.MessageId));
        Assert.That(message.Attachments.OfType<MimePart>().Single().FileName, Is.EqualTo("a.txt"));
        Assert.That(factory.Service<IMailTransport>(), Is.InstanceOf<PickupFolderMailTransport>());
    }

    [Test]
    public async Task Mail_queued_together_is_stored_as_mail_queued_one_at_a_time()
    {
        // feat/i16dw: the invoice run's mail is queued by one statement whose JSON rows are bound from their buffer through SQLitePCL
        // (ADR 0079), and its time parameter by that path's own binding; the one-mail path binds through Dapper. Every column must
        // come out the same (an instant formatted otherwise would sort the queue wrongly), failed addresses included.
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Demo:Seed"] = "false", ["Modules"] = "Identity,Support" });
        var db = factory.Service<ModuleDatabase<SupportModule>>();
        // No sweep may claim or fail the pending mail between the two writes and the reads.
        foreach (var dispatcher in factory.Service<IEnumerable<Microsoft.Extensions.Hosting.IHostedService>>().OfType<MailDispatcher>())
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
        OutgoingMail[] Mails(string batch) =>
        [
            new("invoice-issued", "invoice", Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
                ["zoë@exämple.fr", "billing@client.example"], "Facture F-2026-000042 – Zoë & \"Fils\" 名前", "Bonjour,\n\nCi-joint.")
            {
                HtmlBody = "<p>Bonjour,</p><p>Ci-joint <b>\"la facture\"</b>.</p>", Cc = ["copy@client.example"], MessageId = $"{batch}-1@licenceops.local",
                Headers = new Dictionary<string, string> { ["X-LicenceOps-Days-Overdue"] = "7" },
                Attachments = [MailAttachment.Resolved("billing-invoice-pdf", "7c9e6679/0f8fad5b", "F-2026-000042.pdf", "application/pdf")],
            },
            new("test", "probe", Guid.Empty, null, ["not an address"], "Refused", "Body") { MessageId = $"{batch}-2@licenceops.local" },
            new("test", "probe", Guid.Empty, null, [], "Nobody", "Body") { MessageId = $"{batch}-3@licenceops.local" },
        ];
        await db.WriteAsync(async unit =>
        {
            foreach (var mail in Mails("one"))
            {
                await unit.EnqueueMailAsync(mail);
            }
        });
        var queued = await db.WriteAsync(unit => unit.EnqueueMailManyAsync(Mails("many")));
        Assert.That(queued.Select(q => q.Status), Is.EqualTo(new[] { MailStatuses.Pending, MailStatuses.Failed, MailStatuses.Failed }));

        await using var connection = await db.OpenAsync();
        async Task<List<string>> StoredAsync(string batch) => (await connection.QueryAsync<string>(
                """
                SELECT json_array(tenant_id, subject_type, subject_id, purpose, recipients, mail_subject, replace(message_id, @batch, ''),
                    replace(payload, @batch, ''), status, attempts, next_attempt_at, last_error, created_at, locked_until, lock_token,
                    typeof(tenant_id), typeof(subject_id), typeof(attempts), typeof(next_attempt_at), typeof(created_at), typeof(last_error))
                FROM mail_outbox WHERE message_id LIKE @batch || '-%' ORDER BY seq
                """, new { batch })).ToList();
        var one = await StoredAsync("one");
        Assert.That(one, Has.Count.EqualTo(3));
        Assert.That(await StoredAsync("many"), Is.EqualTo(one));
        Assert.That(one[0], Does.Contain("zoë@exämple.fr, billing@client.example, copy@client.example").And.Contain("7C9E6679-7425-40DE-944B-E07FC1F90AE7"));
    }

    [Test]
    public async Task A_sweep_reads_the_pending_messages_in_queue_order_from_their_index_without_sorting_the_backlog()
    {
        // Migration 1780: with ix_mail_outbox_due the sweep found every due message, read each row and sorted them all by seq to
        // send 20; an invoice run's backlog made every sweep read thousands of rows (docs/performance.md, feat/i16rd).
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Demo:Seed"] = "false", ["Modules"] = "Identity,Support" });
        var db = factory.Service<ModuleDatabase<SupportModule>>();
        await using var connection = await db.OpenAsync();

        var plan = (await connection.QueryAsync<(long Id, long Parent, long Unused, string Detail)>(
            "EXPLAIN QUERY PLAN " + SqlDialect.Sqlite.Top(MailDispatcher.DueSql, "@batch"), new { now = DateTimeOffset.UtcNow, batch = 20 }))
            .Select(step => step.Detail).ToList();

        Assert.That(plan, Has.Some.Contains("USING INDEX ix_mail_outbox_pending"), string.Join("; ", plan));
        Assert.That(plan, Has.None.Contains("TEMP B-TREE"), string.Join("; ", plan));
    }

    [Test]
    public async Task A_server_that_is_down_is_retried_with_growing_back_off()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var deadPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?>
        {
            ["Demo:Seed"] = "false", ["Modules"] = "Identity,Support", ["Mail:PollIntervalSeconds"] = "0.2",
            ["Mail:Smtp:Host"] = "127.0.0.1", ["Mail:Smtp:Port"] = deadPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Smtp:Security"] = "None", ["Mail:Smtp:TimeoutSeconds"] = "5",
        });
        var db = factory.Service<ModuleDatabase<SupportModule>>();
        var queued = await db.WriteAsync(unit => unit.EnqueueMailAsync(Sample("Retry probe")));
        var start = factory.Clock.GetUtcNow();

        async Task<(string Status, int Attempts, DateTimeOffset Next, string? Error)> RowAsync()
        {
            await using var connection = await db.OpenAsync();
            return await connection.QuerySingleAsync<(string, int, DateTimeOffset, string?)>(
                "SELECT status, attempts, next_attempt_at, last_error FROM mail_outbox WHERE id = @Id", new { queued.Id });
        }

        await Eventually.UntilAsync(async () => (await RowAsync()).Attempts == 1, TimeSpan.FromSeconds(30));
        await Task.Delay(1000);
        var first = await RowAsync();
        Assert.That((first.Status, first.Attempts, first.Next), Is.EqualTo(("pending", 1, start.AddSeconds(30))), "no retry before the back-off ends");
        Assert.That(first.Error, Is.Not.Empty);

        factory.Clock.Advance(TimeSpan.FromSeconds(31));
        await Eventually.UntilAsync(async () => (await RowAsync()).Attempts == 2, TimeSpan.FromSeconds(30));
        var second = await RowAsync();
        Assert.That((second.Status, second.Next), Is.EqualTo(("pending", start.AddSeconds(31 + 60))), "the back-off doubles");
    }

    /// <summary>
    /// Issue 7: a dispatcher whose claim lapses while the SMTP server is slow must not record over the dispatcher that
    /// took the row over. Dispatcher A's send takes longer than the claim (the clock moves past it), dispatcher B
    /// reclaims, sends and marks the row; A's mark then finds another owner and records nothing.
    /// </summary>
    [Test]
    public async Task A_dispatcher_whose_claim_lapsed_while_sending_does_not_mark_the_mail_sent_again()
    {
        // The host's own dispatcher sweeps once at start, then not for an hour: the two below are alone.
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?>
        {
            ["Demo:Seed"] = "false", ["Modules"] = "Identity,Support", ["Mail:PollIntervalSeconds"] = "3600",
        });
        var db = factory.Service<ModuleDatabase<SupportModule>>();
        var options = new MailOptions();
        var logs = new List<string>();
        var late = new RecordingTransport();
        var other = new RecordingTransport();
        var dispatcherB = new MailDispatcher(db, other, [], options, factory.Clock, new ListLogger(logs));
        var bSent = -1;
        late.During = async () =>
        {
            factory.Clock.Advance(TimeSpan.FromMinutes(6));
            bSent = await dispatcherB.DispatchDueAsync(CancellationToken.None);
        };
        var dispatcherA = new MailDispatcher(db, late, [], options, factory.Clock, new ListLogger(logs));
        var queued = await db.WriteAsync(unit => unit.EnqueueMailAsync(Sample("Slow server probe")));

        var aSent = await dispatcherA.DispatchDueAsync(CancellationToken.None);

        Assert.That((aSent, bSent), Is.EqualTo((0, 1)), "only the dispatcher that owns the row counts it sent");
        Assert.That((late.Sent.Count, other.Sent.Count), Is.EqualTo((1, 1)), "at least once: both handed it to SMTP, with one Message-Id");
        Assert.That(late.Sent[0].MessageId, Is.EqualTo(other.Sent[0].MessageId));
        await using var connection = await db.OpenAsync();
        var row = await connection.QuerySingleAsync<(string Status, int Attempts, DateTimeOffset SentAt, string? Token)>(
            "SELECT status, attempts, sent_at, lock_token FROM mail_outbox WHERE id = @Id", new { queued.Id });
        Assert.That((row.Status, row.Attempts, row.Token), Is.EqualTo(("sent", 1, (string?)null)), "marked once, by B");
        Assert.That(logs, Has.Exactly(1).Contains("claim lapsed"));
    }

    /// <summary>
    /// ADR 0083: the dispatcher's claim and marks are module writes, so they queue at the module's write gate like every other
    /// writer, in arrival order, and are handed the turn when it is free; as autocommit statements of their own they met
    /// SQLite's lock instead, and whoever found the other holding it slept in SQLite's busy handler.
    /// </summary>
    [Test]
    public async Task The_dispatchers_claim_waits_for_its_turn_at_the_write_gate_while_another_write_holds_it()
    {
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?>
        {
            ["Demo:Seed"] = "false", ["Modules"] = "Identity,Support", ["Mail:PollIntervalSeconds"] = "3600",
        });
        var db = factory.Service<ModuleDatabase<SupportModule>>();
        var transport = new RecordingTransport();
        var dispatcher = new MailDispatcher(db, transport, [], new MailOptions(), factory.Clock, new ListLogger([]));
        var queued = await db.WriteAsync(unit => unit.EnqueueMailAsync(Sample("Write gate probe")));

        // Another writer of the module holds the turn (and SQLite's write lock) until released.
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var other = db.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync("UPDATE mail_outbox SET attempts = attempts WHERE id = @Id", new { queued.Id });
            holding.SetResult();
            await release.Task;
        });
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            var dispatching = dispatcher.DispatchDueAsync(CancellationToken.None);
            await Eventually.UntilAsync(() => Task.FromResult(db.WriteGate!.Waiting >= 1), TimeSpan.FromSeconds(10));
            Assert.That((dispatching.IsCompleted, transport.Sent.Count), Is.EqualTo((false, 0)), "nothing is claimed or sent while the other write holds the turn");

            release.SetResult();
            await other.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(await dispatching.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(1));
        }
        finally
        {
            release.TrySetResult();
        }
        await using var connection = await db.OpenAsync();
        var row = await connection.QuerySingleAsync<(string Status, int Attempts, string? Token)>(
            "SELECT status, attempts, lock_token FROM mail_outbox WHERE id = @Id", new { queued.Id });
        Assert.That(row, Is.EqualTo(("sent", 1, (string?)null)));
        Assert.That(transport.Sent.Single().MessageId, Is.EqualTo(queued.MessageId));
    }

    private sealed class RecordingTransport : IMailTransport
    {
        public List<MimeMessage> Sent { get; } = [];

        public Func<Task>? During { get; set; }

        public string Description => "recording";

        public async Task SendAsync(MimeMessage message, CancellationToken ct)
        {
            Sent.Add(message);
            if (During is { } during)
            {
                During = null;
                await during();
            }
        }
    }

    private sealed class ListLogger(List<string> lines) : Microsoft.Extensions.Logging.ILogger<MailDispatcher>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add(formatter(state, exception));
            }
        }
    }
}
