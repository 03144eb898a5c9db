using LicenceOps.Billing.Payments;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace LicenceOps.IntegrationTests.Billing.Stripe;

/// <summary>A real Billing SQLite file in a temp folder, migrated with the module's embedded scripts.</summary>
internal sealed class BillingSqliteDatabase : IDisposable
{
    private readonly string directory = LicenceOpsFactory.NewDataDirectory();

    private BillingSqliteDatabase(TimeProvider time) =>
        Database = new ModuleDatabase("Billing", SqlDialect.Sqlite, $"Data Source={Path.Combine(directory, "Billing.db")};Pooling=False",
            time, new HttpContextAccessor());

    public ModuleDatabase Database { get; }

    public static async Task<BillingSqliteDatabase> CreateAsync(TimeProvider time)
    {
        var db = new BillingSqliteDatabase(time);
        var billing = new MigrationSource(typeof(IPaymentCollector).Assembly, "LicenceOps.Billing.Sql", "billing");
        await new MigrationRunner(NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(db.Database, [MigrationSource.PlatformSchema, billing], CancellationToken.None);
        return db;
    }

    public void Dispose()
    {
        Database.Dispose();
        LicenceOpsFactory.DeleteQuietly(directory);
    }
}
