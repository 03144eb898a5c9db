using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>
/// ADR 0076: a WAL transaction's frames are written with one call, not two per page, and what other connections and a
/// later writer read is what SQLite alone would have given them. Real SQLite files, connections opened as the host opens them.
/// </summary>
public sealed class SqliteWalWritesTests
{
    private const int Blob = 20_000;

    private string directory = "";
    private string file = "";
    private ModuleDatabase db = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        directory = LicenceOpsFactory.NewDataDirectory();
        file = Path.Combine(directory, "wal.db");
        // A module database configures the process's SQLite once (sub-journals, this VFS) before its first connection.
        db = new ModuleDatabase("Wal", SqlDialect.Sqlite, $"Data Source={file};Pooling=False", TimeProvider.System, new HttpContextAccessor());
        await using var connection = await Open();
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL");
        await connection.ExecuteAsync("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
    }

    [TearDown]
    public void DeleteDatabase()
    {
        db.Dispose();
        SqliteConnection.ClearAllPools();
        LicenceOpsFactory.DeleteQuietly(directory);
    }

    private async Task<SqliteConnection> Open()
    {
        var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await connection.ExecuteAsync("PRAGMA synchronous = NORMAL");
        return connection;
    }

    private static byte[] Content(int id) => Enumerable.Range(0, Blob).Select(i => (byte)(i * 31 + id)).ToArray();

    [Test]
    public async Task A_transaction_of_many_pages_goes_to_the_WAL_in_a_few_calls_and_reads_back_whole_elsewhere()
    {
        Assert.That(SqliteWalWrites.Registered, Is.True, "the process's default VFS is the one that gathers WAL writes");
        await using var writer = await Open();
        await using var reader = await Open();
        Assert.That(await reader.ExecuteScalarAsync<long>("SELECT count(*) FROM blobs"), Is.Zero, "the reader has the WAL open before the write");

        var before = WriteCalls();
        await using (var transaction = await writer.BeginTransactionAsync())
        {
            for (var id = 1; id <= 10; id++)
            {
                await writer.ExecuteAsync("INSERT INTO blobs (id, data) VALUES (@id, @data)", new { id, data = Content(id) }, transaction);
            }
            await transaction.CommitAsync();
        }
        var calls = WriteCalls() - before;

        // 10 rows of 20 KB: about 55 WAL frames, 110 pwrite calls when each frame's header and page are written apart.
        Assert.That(calls, Is.LessThan(15), "write calls of the process for a 55-frame transaction");
        for (var id = 1; id <= 10; id++)
        {
            Assert.That(await reader.QuerySingleAsync<byte[]>("SELECT data FROM blobs WHERE id = @id", new { id }), Is.EqualTo(Content(id)));
        }
        Assert.That(await reader.ExecuteScalarAsync<string>("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public async Task A_rolled_back_transaction_that_spilled_leaves_nothing_over_the_next_writers_frames()
    {
        await using var first = await Open();
        await using var second = await Open();
        // A cache of 5 pages: the first writer's transaction spills its pages to the WAL long before it ends.
        await first.ExecuteAsync("PRAGMA cache_size = 5");
        await second.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");

        await using (var transaction = await first.BeginTransactionAsync())
        {
            for (var id = 1; id <= 6; id++)
            {
                await first.ExecuteAsync("INSERT INTO blobs (id, data) VALUES (@id, @data)", new { id, data = Content(id) }, transaction);
            }
            await transaction.RollbackAsync();
        }

        // Another writer empties the WAL and writes its own frames from its start, where the rolled-back frames were.
        await second.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        await using (var transaction = await second.BeginTransactionAsync())
        {
            for (var id = 101; id <= 104; id++)
            {
                await second.ExecuteAsync("INSERT INTO blobs (id, data) VALUES (@id, @data)", new { id, data = Content(id) }, transaction);
            }
            await transaction.CommitAsync();
        }

        // The first connection reads and writes again: nothing it held from its rolled-back transaction may reach the file.
        Assert.That(await first.QueryAsync<long>("SELECT id FROM blobs ORDER BY id"), Is.EqualTo(new long[] { 101, 102, 103, 104 }));
        await first.ExecuteAsync("INSERT INTO blobs (id, data) VALUES (200, @data)", new { data = Content(200) });

        await using var third = await Open();
        foreach (var id in new[] { 101, 102, 103, 104, 200 })
        {
            Assert.That(await third.QuerySingleAsync<byte[]>("SELECT data FROM blobs WHERE id = @id", new { id }), Is.EqualTo(Content(id)), $"row {id}");
        }
        Assert.That(await third.ExecuteScalarAsync<string>("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    /// <summary>The process's write system calls so far (/proc/self/io, syscw).</summary>
    private static long WriteCalls() =>
        long.Parse(File.ReadLines("/proc/self/io").First(l => l.StartsWith("syscw:", StringComparison.Ordinal))["syscw:".Length..].Trim(),
            System.Globalization.CultureInfo.InvariantCulture);
}
