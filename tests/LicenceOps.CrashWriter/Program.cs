using Dapper;
using LicenceOps.Platform.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace LicenceOps.CrashWriter;

// Test only (tests/LicenceOps.IntegrationTests/Crash/SqliteKillTests.cs): commits numbered transactions to one SQLite file
// through the product's SQLite setup (a ModuleDatabase's pooled connections, so this process's VFS of ADR 0076, the
// per-connection settings, its write gate, and SqliteCheckpointer's background checkpoints every 250 ms with their WAL restarts
// under the gate, ADR 0088) until it is killed with SIGKILL.
// Each transaction stores PDF-sized blobs, more than a connection's 512 KiB page cache, so SQLite spills pages to the WAL
// before the commit and then changes some of them again (the progress row, written first and last, the tables' pages):
// the commits that rewrite their spilled frames' checksums. The killing test reads the last number from its own
// connection, kills this process, and checks that the number is still there after SQLite's recovery.
// Usage: dotnet LicenceOps.CrashWriter.dll <database file>
internal static class CrashWriter
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: LicenceOps.CrashWriter <database file>");
            return 2;
        }
        var file = args[0];
        using var db = new ModuleDatabase("Crash", SqlDialect.Sqlite, $"Data Source={file}", TimeProvider.System, new HttpContextAccessor());
        await using (var setup = (SqliteConnection)await db.OpenAsync())
        {
            // What the migration runner does for a module database: WAL, then the schema.
            await setup.ExecuteAsync("PRAGMA journal_mode = WAL");
            await setup.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS progress (id INTEGER PRIMARY KEY, number INTEGER NOT NULL);
                INSERT OR IGNORE INTO progress (id, number) VALUES (1, 0);
                CREATE TABLE IF NOT EXISTS documents (number INTEGER NOT NULL, part INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (number, part));
                """);
        }
        using var checkpointer = new SqliteCheckpointer([db], NullLogger<SqliteCheckpointer>.Instance);
        await checkpointer.StartAsync(CancellationToken.None);

        var random = new Random();
        var number = await db.QuerySingleOrDefaultAsync<long>("SELECT number FROM progress WHERE id = 1");
        Console.WriteLine($"ready at {number}");
        while (true)
        {
            number++;
            var current = number;
            // Through ModuleDatabase.WriteAsync, as the product writes: its write gate is what the background checkpointer
            // takes to start a WAL over past its restart size (ADR 0088), so kills also land around those restarts (the WAL
            // passes 16 MiB every 25 transactions or so).
            await db.WriteAsync(async unit =>
            {
                // Written first and last: its page is spilled with the documents in between, then changed again before the commit.
                await unit.ExecuteAsync("UPDATE progress SET number = -@number WHERE id = 1", new { number = current });
                for (var part = 0; part < 4; part++)
                {
                    var data = new byte[random.Next(120_000, 200_000)];
                    random.NextBytes(data);
                    await unit.ExecuteAsync("INSERT INTO documents (number, part, data) VALUES (@number, @part, @data)", new { number = current, part, data });
                }
                // Keeps the file from growing without bound: the documents of ten transactions ago are deleted.
                await unit.ExecuteAsync("DELETE FROM documents WHERE number = @old", new { old = current - 10 });
                await unit.ExecuteAsync("UPDATE progress SET number = @number WHERE id = 1", new { number = current });
            });
        }
    }
}
