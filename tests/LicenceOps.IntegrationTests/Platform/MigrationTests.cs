using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Platform.Probe;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Platform;

public sealed class MigrationTests
{
    [Test]
    public async Task Restarting_over_the_same_databases_applies_nothing_twice_and_keeps_the_data()
    {
        var dataDirectory = LicenceOpsFactory.NewDataDirectory();
        try
        {
            IReadOnlyList<string> journal;
            await using (var first = await RunningHost.StartAsync([new IdentityModule(), new ProbeModule()], dataDirectory))
            {
                journal = await first.Services.GetRequiredService<ModuleDatabase<ProbeModule>>()
                    .QueryAsync<string>("SELECT id FROM schema_migrations ORDER BY id");
            }

            await using var second = await RunningHost.StartAsync([new IdentityModule(), new ProbeModule()], dataDirectory);
            var probe = second.Services.GetRequiredService<ModuleDatabase<ProbeModule>>();
            Assert.That(await probe.QueryAsync<string>("SELECT id FROM schema_migrations ORDER BY id"), Is.EqualTo(journal));
            Assert.That(journal, Is.EqualTo(new[]
            {
                "platform/000_platform", "platform/100_outbox_delivery", "platform/1150_data_versions", "platform/1780_mail_outbox_pending",
                "platform/350_mail_outbox", "platform/800_mail_lock_token", "probe/001_probe", "probe/002_probe_versioned",
            }));

            var users = await second.Services.GetRequiredService<ModuleDatabase<IdentityModule>>()
                .QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM users WHERE email = 'admin@licenceops.local'");
            Assert.That(users, Is.EqualTo(1), "the admin is seeded once");

            await using var connection = await probe.OpenAsync();
            Assert.That(await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
        }
        finally
        {
            LicenceOpsFactory.DeleteQuietly(dataDirectory);
        }
    }

    [Test]
    public void Scripts_run_in_the_numeric_order_of_their_names_so_1150_comes_after_800()
    {
        foreach (var dialect in new[] { SqlDialect.Sqlite, SqlDialect.SqlServer })
        {
            var ids = MigrationSource.PlatformSchema.Scripts(dialect).Select(script => script.Id).ToList();
            Assert.That(ids, Is.EqualTo(new[]
            {
                "platform/000_platform", "platform/100_outbox_delivery", "platform/350_mail_outbox", "platform/800_mail_lock_token",
                "platform/1150_data_versions", "platform/1780_mail_outbox_pending",
            }), dialect.ToString());
        }
        Assert.That(MigrationSource.ScriptNumber("0950_x"), Is.EqualTo(950));
        Assert.Throws<InvalidOperationException>(() => MigrationSource.ScriptNumber("data_versions"));
    }

    [Test]
    public void Sql_server_scripts_split_on_go_lines()
    {
        var batches = MigrationRunner.Batches("CREATE TABLE a (x INT);\nGO\nCREATE INDEX ix ON a (x);\n  go  \n", SqlDialect.SqlServer).ToList();

        Assert.That(batches, Has.Count.EqualTo(2));
        Assert.That(batches[1].Trim(), Is.EqualTo("CREATE INDEX ix ON a (x);"));
    }
}
