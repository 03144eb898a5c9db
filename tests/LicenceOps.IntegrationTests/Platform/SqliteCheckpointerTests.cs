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

    [Test]
    public async Task Files_a_database_names_are_synced_by_the_checkpointer_before_its_passes()
    {
        var dataDirectory = LicenceOpsFactory.NewDataDirectory();
        try
        {
            await using var host = await RunningHost.StartAsync([new IdentityModule(), new ProbeModule()], dataDirectory);
            var db = host.Services.GetRequiredService<ModuleDatabase<ProbeModule>>();
            var checkpointer = host.Services.GetRequiredService<SqliteCheckpointer>();
            var syncs = 0;
            db.SyncBeforeCheckpoint(() => Interlocked.Increment(ref syncs));
            Assert.That(db.SqliteFilePath, Is.EqualTo(Path.GetFullPath(Path.Combine(dataDirectory, "probe.db"))));

            var passes = checkpointer.Restarts("Probe").AllPasses;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (checkpointer.Restarts("Probe").AllPasses < passes + 2 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            Assert.That(Volatile.Read(ref syncs), Is.GreaterThanOrEqualTo(1), "run on the checkpointer's passes (ADR 0099)");
        }
        finally
        {
            LicenceOpsFactory.DeleteQuietly(dataDirectory);
        }
    }

    [Test]
    public async Task A_WAL_past_the_restart_size_is_started_over_while_a_writer_keeps_committing_and_every_commit_is_kept()
    {
        var dataDirectory = LicenceOpsFactory.NewDataDirectory();
        try
        {
            var committed = 0;
            var tenant = Guid.NewGuid();
            // About 10 pages per commit, a commit every millisecond or two, as an invoice run commits: a PASSIVE pass (its
            // fsyncs take longer than that) never finds the WAL fully copied when the next writer begins. Without the pass
            // under the write gate (ADR 0088) this WAL never starts over and grows until the fallback size.
            var payload = new string('p', 40_000);
            const int frameBytes = 4096 + 24;
            string walFile;
            await using (var host = await RunningHost.StartAsync([new IdentityModule(), new ProbeModule()], dataDirectory))
            {
                var db = host.Services.GetRequiredService<ModuleDatabase<ProbeModule>>();
                var checkpointer = host.Services.GetRequiredService<SqliteCheckpointer>();
                walFile = Directory.GetFiles(dataDirectory, "*.db", SearchOption.AllDirectories)
                    .Single(f => Path.GetFileName(f).StartsWith("probe", StringComparison.OrdinalIgnoreCase)) + "-wal";
                var before = checkpointer.Restarts("Probe");
                var writersCheckpointsBefore = SqliteWalWrites.CheckpointsOutsideTheCheckpointer(walFile[..^4]);

                var deadline = DateTime.UtcNow.AddSeconds(90);
                while (checkpointer.Restarts("Probe").Restarted - before.Restarted < 2 && DateTime.UtcNow < deadline)
                {
                    var number = committed + 1;
                    await db.WriteAsync(unit => unit.ExecuteAsync(
                        "INSERT INTO probe_items (id, tenant_id, name) VALUES (@id, @tenant, @name)",
                        new { id = number.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), tenant, name = payload }));
                    committed = number;
                    await Task.Delay(1);
                }

                var after = checkpointer.Restarts("Probe");
                TestContext.Out.WriteLine($"{committed} commits; {after.Passes - before.Passes} passes under the gate, held {(after.GateHeld - before.GateHeld).TotalMilliseconds:0} ms; largest WAL seen {after.Largest} frames; WAL file {new FileInfo(walFile).Length} bytes");
                Assert.Multiple(() =>
                {
                    Assert.That(after.Restarted - before.Restarted, Is.GreaterThanOrEqualTo(2), "the WAL was started over twice while the writer committed");
                    Assert.That(after.Passes - before.Passes, Is.GreaterThanOrEqualTo(2), "by passes under the write gate once it passed the restart size");
                    Assert.That(new FileInfo(walFile).Length, Is.LessThan((long)SqliteSession.FallbackCheckpointPages * frameBytes),
                        "the WAL file never reached the fallback size");
                    Assert.That(SqliteWalWrites.CheckpointsOutsideTheCheckpointer(walFile[..^4]) - writersCheckpointsBefore, Is.Zero,
                        "no committing writer checkpointed by itself");
                });
            }

            // Every commit is still there once the host is gone, read by a connection of its own from the files it left.
            await using var reader = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={walFile[..^4]};Pooling=False");
            await reader.OpenAsync();
            Assert.That(await reader.ExecuteScalarAsync<long>("SELECT count(*) FROM probe_items WHERE tenant_id = @tenant", new { tenant }), Is.EqualTo(committed));
            Assert.That(await reader.ExecuteScalarAsync<string>("SELECT max(id) FROM probe_items WHERE tenant_id = @tenant", new { tenant }),
                Is.EqualTo(committed.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(await reader.ExecuteScalarAsync<string>("PRAGMA integrity_check"), Is.EqualTo("ok"));
        }
        finally
        {
            LicenceOpsFactory.DeleteQuietly(dataDirectory);
        }
    }
}
