using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Platform.Probe;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>Money, ids and instants survive a round trip through SQLite exactly and sort correctly.</summary>
public sealed class StoredValuesTests
{
    [Test]
    public async Task Decimals_guids_dates_and_instants_round_trip_exactly_through_sqlite()
    {
        var dataDirectory = LicenceOpsFactory.NewDataDirectory();
        try
        {
            await using var host = await RunningHost.StartAsync([new IdentityModule(), new ProbeModule()], dataDirectory);
            var db = host.Services.GetRequiredService<ModuleDatabase<ProbeModule>>();
            var id = Guid.NewGuid();
            var paris = new DateTimeOffset(2026, 11, 23, 10, 30, 0, TimeSpan.FromHours(1));
            var utc = new DateTimeOffset(2026, 11, 23, 9, 45, 0, TimeSpan.Zero);

            await db.WriteAsync(async unit =>
            {
                await unit.ExecuteAsync("CREATE TABLE value_probe (id TEXT, amount TEXT, day TEXT, at TEXT, optional TEXT NULL)");
                await unit.ExecuteAsync(
                    "INSERT INTO value_probe VALUES (@id, @amount, @day, @at, @optional)",
                    new { id, amount = 1234567890.123456789m, day = new DateOnly(2026, 2, 28), at = paris, optional = (Guid?)null });
                await unit.ExecuteAsync(
                    "INSERT INTO value_probe VALUES (@id, @amount, @day, @at, @optional)",
                    new { id = Guid.NewGuid(), amount = 0.1m + 0.2m, day = new DateOnly(2026, 3, 1), at = utc, optional = (Guid?)id });
            });

            var rows = await db.QueryAsync<ValueRow>("SELECT id AS Id, amount AS Amount, day AS Day, at AS At, optional AS Optional FROM value_probe ORDER BY at");

            Assert.That(rows[0].Id, Is.EqualTo(id));
            Assert.That(rows[0].Amount, Is.EqualTo(1234567890.123456789m));
            Assert.That(rows[0].Day, Is.EqualTo(new DateOnly(2026, 2, 28)));
            Assert.That(rows[0].At, Is.EqualTo(paris), "same instant, stored as UTC");
            Assert.That(rows[0].Optional, Is.Null);
            Assert.That(rows[1].Amount, Is.EqualTo(0.3m), "no binary floating point on the way");
            Assert.That(rows[1].At, Is.GreaterThan(rows[0].At), "text order is time order");
            Assert.That(rows[1].Optional, Is.EqualTo(id));
            Assert.That(await db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM value_probe WHERE id = @id", new { id }), Is.EqualTo(1), "guid parameters match stored guids");
        }
        finally
        {
            LicenceOpsFactory.DeleteQuietly(dataDirectory);
        }
    }

    private sealed record ValueRow(Guid Id, decimal Amount, DateOnly Day, DateTimeOffset At, Guid? Optional);
}
