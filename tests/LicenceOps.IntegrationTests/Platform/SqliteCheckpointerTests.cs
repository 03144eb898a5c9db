using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Platform.Probe;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>ADR 0037: WAL checkpoints run in the background, not in the writer that commits.</summary>
public sealed class SqliteCheckpointerTests
{
    [Test]
    public async Task Committed_pages_are_copied_into_the_database_file_by_the_background_checkpointer()
    {
        var dataDirectory = LicenceOpsFactory.NewDataDirectory();
        try
        {
            await using var host = await RunningHost.StartAsync([new IdentityModule(), new ProbeModule()], dataDirectory);
            var db = host.Services.GetRequiredService<ModuleDatabase<ProbeModule>>();
            var checkpointer = host.Services.GetRequiredService<SqliteCheckpointer>();

            await using (var connection = await db.OpenAsync())
            {
                Assert.That(await connection.ExecuteScalarAsync<long>("PRAGMA wal_autocheckpoint"), Is.EqualTo(SqliteSession.FallbackCheckpointPages),
                    "writers leave checkpoints to the background service up to the fallback size");
            }

            var before = checkpointer.CopyingCheckpoints("Probe");
            // A few pages' worth: far below both SQLite's default (1,000 pages) and the fallback, so only the service copies them.
            await db.WriteAsync(async unit =>
            {
                for (var i = 0; i < 200; i++)
                {
                    await unit.ExecuteAsync("INSERT INTO probe_items (id, tenant_id, name) VALUES (@id, @tenant, @name)",
                        new { id = Guid.NewGuid(), tenant = Guid.NewGuid(), name = new string('x', 100) });
                }
            });

            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (checkpointer.CopyingCheckpoints("Probe") <= before && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            Assert.That(checkpointer.CopyingCheckpoints("Probe"), Is.GreaterThan(before));
        }
        finally
        {
            LicenceOpsFactory.DeleteQuietly(dataDirectory);
        }
    }
}
