using System.Net;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Platform.Probe;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Identity;
using LicenceOps.Platform.Messaging;
using LicenceOps.Seats;
using LicenceOps.Tenants;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>Operating the delivery machinery: readiness on backlog, retention, and refusing an edited migration.</summary>
public sealed class DeliveryOperationsTests
{
    [Test]
    public async Task Readiness_is_unhealthy_while_an_outbox_message_waits_past_the_threshold_and_recovers_once_it_is_gone()
    {
        using var factory = new LicenceOpsFactory();
        using var client = factory.AnonymousClient();
        await Eventually.UntilAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the demo seed's messages are delivered");

        var tenants = factory.Service<ModuleDatabase<TenantsModule>>();
        var stuck = Guid.NewGuid();
        // A message no process can publish (its type does not exist) stays undelivered, as with a broker that is down.
        await tenants.WriteAsync(unit => unit.ExecuteAsync(
            "INSERT INTO outbox_messages (id, message_type, body, created_at, attempts) VALUES (@stuck, 'Missing.Type, Missing', '{}', @at, 0)",
            new { stuck, at = factory.Clock.GetUtcNow().AddSeconds(-61) }));

        var unhealthy = await client.GetAsync("/health/ready");
        var body = await unhealthy.Content.ReadAsStringAsync();
        Assert.That(unhealthy.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
        Assert.That(body, Does.Contain("Tenants: 1 message(s) undelivered"));

        await tenants.WriteAsync(unit => unit.ExecuteAsync("DELETE FROM outbox_messages WHERE id = @stuck", new { stuck }));
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "healthy again once drained");
    }

    [Test]
    public async Task Retention_deletes_only_delivered_outbox_rows_and_inbox_rows_older_than_the_retention()
    {
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Outbox:RetentionDays"] = "14" });
        var seats = factory.Service<ModuleDatabase<SeatsModule>>();
        var now = factory.Clock.GetUtcNow();
        var (oldDone, oldPending, recentDone) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var (oldInbox, recentInbox) = (Guid.NewGuid(), Guid.NewGuid());
        await seats.WriteAsync(async unit =>
        {
            const string insert = "INSERT INTO outbox_messages (id, message_type, body, created_at, dispatched_at, attempts, next_attempt_at) VALUES (@id, 'Missing.Type, Missing', '{}', @created, @dispatched, 0, @later)";
            await unit.ExecuteAsync(insert, new { id = oldDone, created = now.AddDays(-20), dispatched = (DateTimeOffset?)now.AddDays(-20), later = now.AddYears(1) });
            await unit.ExecuteAsync(insert, new { id = oldPending, created = now.AddDays(-20), dispatched = (DateTimeOffset?)null, later = now.AddYears(1) });
            await unit.ExecuteAsync(insert, new { id = recentDone, created = now.AddDays(-2), dispatched = (DateTimeOffset?)now.AddDays(-2), later = now.AddYears(1) });
            await unit.ExecuteAsync("INSERT INTO inbox_messages (message_id, consumer, processed_at) VALUES (@id, 'Old', @at)", new { id = oldInbox, at = now.AddDays(-15) });
            await unit.ExecuteAsync("INSERT INTO inbox_messages (message_id, consumer, processed_at) VALUES (@id, 'Recent', @at)", new { id = recentInbox, at = now.AddDays(-13) });
        });

        await factory.Service<MessagingRetentionJob>().RunAsync(CancellationToken.None);

        var outbox = await seats.QueryAsync<Guid>("SELECT id FROM outbox_messages WHERE id IN @ids", new { ids = new[] { oldDone, oldPending, recentDone } });
        Assert.That(outbox, Is.EquivalentTo(new[] { oldPending, recentDone }), "an undelivered row is never deleted");
        var inbox = await seats.QueryAsync<Guid>("SELECT message_id FROM inbox_messages WHERE message_id IN @ids", new { ids = new[] { oldInbox, recentInbox } });
        Assert.That(inbox, Is.EqualTo(new[] { recentInbox }));
    }

    [Test]
    public async Task The_host_refuses_to_start_when_an_applied_migration_was_changed()
    {
        var dataDirectory = LicenceOpsFactory.NewDataDirectory();
        try
        {
            await using (var first = await RunningHost.StartAsync([new IdentityModule(), new ProbeModule()], dataDirectory))
            {
                var checksum = await first.Services.GetRequiredService<ModuleDatabase<ProbeModule>>()
                    .QuerySingleOrDefaultAsync<string>("SELECT checksum FROM schema_migrations WHERE id = 'probe/001_probe'");
                Assert.That(checksum, Has.Length.EqualTo(64), "applied scripts are journaled with their SHA-256");
            }

            // What an edit of the script after it was applied looks like to the journal.
            await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDirectory, "probe.db")};Pooling=False"))
            {
                await connection.ExecuteAsync("UPDATE schema_migrations SET checksum = 'edited' WHERE id = 'probe/001_probe'");
            }

            var refused = Assert.ThrowsAsync<MigrationChangedException>(async () =>
                await (await RunningHost.StartAsync([new IdentityModule(), new ProbeModule()], dataDirectory)).DisposeAsync());
            Assert.That(refused!.Message, Does.Contain("probe/001_probe").And.Contain("Never edit an applied migration"));
        }
        finally
        {
            LicenceOpsFactory.DeleteQuietly(dataDirectory);
        }
    }
}
