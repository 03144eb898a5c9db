using System.Buffers.Binary;
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

    [Test]
    public async Task A_checkpoint_run_by_a_connection_other_than_the_background_checkpointer_is_counted_for_its_database()
    {
        // What the invoice bench reads as the writers' fallback checkpoints (ADR 0088): counted when a checkpoint has frames to copy.
        await using var connection = await Open();
        await connection.ExecuteAsync("INSERT INTO blobs (id, data) VALUES (1, @data)", new { data = Content(1) });
        var before = SqliteWalWrites.CheckpointsOutsideTheCheckpointer(file);
        await connection.ExecuteAsync("PRAGMA wal_checkpoint(PASSIVE)");
        Assert.That(SqliteWalWrites.CheckpointsOutsideTheCheckpointer(file) - before, Is.EqualTo(1));
        await connection.ExecuteAsync("PRAGMA wal_checkpoint(PASSIVE)");
        Assert.That(SqliteWalWrites.CheckpointsOutsideTheCheckpointer(file) - before, Is.EqualTo(1), "nothing left to copy: no checkpoint counted");
    }

    private static byte[] Content(int id) => Enumerable.Range(0, Blob).Select(i => (byte)(i * 31 + id)).ToArray();

    /// <summary>A row's content at one version, the version in its first four bytes.</summary>
    private static byte[] Versioned(int id, int version)
    {
        var data = Content(id * 7 + version);
        BinaryPrimitives.WriteInt32LittleEndian(data, version);
        return data;
    }

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

    [Test]
    public async Task A_commit_that_rewrote_frames_it_had_spilled_is_in_the_files_a_crash_leaves()
    {
        // A cache of 5 pages: the transaction spills pages to the WAL and then changes some of them again (the table's
        // pages, rewritten by every insert), which SQLite writes over their frames in place; at the commit it then rewrites
        // those frames' headers with the checksums they now need (walRewriteChecksums), the commit frame's header last, with
        // no page after it. Recovery after a crash reads a WAL only up to its last frame whose checksum holds.
        await using var writer = await Open();
        await using var other = await Open();
        await writer.ExecuteAsync("PRAGMA cache_size = 5");
        await using (var transaction = await writer.BeginTransactionAsync())
        {
            for (var id = 1; id <= 6; id++)
            {
                await writer.ExecuteAsync("INSERT INTO blobs (id, data) VALUES (@id, @data)", new { id, data = Content(id) }, transaction);
            }
            await writer.ExecuteAsync("UPDATE blobs SET data = @data WHERE id = 1", new { data = Content(50) }, transaction);
            await transaction.CommitAsync();
        }
        Assert.That(await other.QueryAsync<long>("SELECT id FROM blobs ORDER BY id"), Is.EqualTo(new long[] { 1, 2, 3, 4, 5, 6 }),
            "committed: another connection reads it");

        // What kill -9 leaves is what the files hold now (the page cache): copied while both connections are open, before
        // any checkpoint, without the -shm, so that opening the copy recovers the WAL index from the WAL as after a crash.
        var crashed = Path.Combine(directory, "crashed");
        Directory.CreateDirectory(crashed);
        File.Copy(file, Path.Combine(crashed, "wal.db"));
        File.Copy(file + "-wal", Path.Combine(crashed, "wal.db-wal"));
        await using var recovered = new SqliteConnection($"Data Source={Path.Combine(crashed, "wal.db")};Pooling=False");
        await recovered.OpenAsync();
        Assert.That(await recovered.QueryAsync<long>("SELECT id FROM blobs ORDER BY id"), Is.EqualTo(new long[] { 1, 2, 3, 4, 5, 6 }),
            "the committed transaction survives the crash");
        Assert.That(await recovered.QuerySingleAsync<byte[]>("SELECT data FROM blobs WHERE id = 1"), Is.EqualTo(Content(50)));
        Assert.That(await recovered.ExecuteScalarAsync<string>("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [TestCase("NORMAL")]
    [TestCase("OFF")]
    public async Task A_checkpoint_copies_contiguous_pages_in_a_few_calls_and_the_database_file_holds_them_after(string synchronous)
    {
        // Open before the writer closes: the last connection to close would checkpoint the WAL by itself.
        await using var checkpointer = await Open();
        await using (var writer = await Open())
        await using (var transaction = await writer.BeginTransactionAsync())
        {
            for (var id = 1; id <= 10; id++)
            {
                await writer.ExecuteAsync("INSERT INTO blobs (id, data) VALUES (@id, @data)", new { id, data = Content(id) }, transaction);
            }
            await transaction.CommitAsync();
        }

        // Under synchronous = OFF the checkpoint syncs nothing: the pages are written at its end all the same.
        await checkpointer.ExecuteAsync($"PRAGMA synchronous = {synchronous}");
        var gathered = SqliteWalWrites.CheckpointWriteCalls;
        var (writes, reads) = (WriteCalls(), ReadCalls());
        var (busy, frames, copied) = await checkpointer.QuerySingleAsync<(long, long, long)>("PRAGMA wal_checkpoint(PASSIVE)");
        var (writeCalls, readCalls) = (WriteCalls() - writes, ReadCalls() - reads);

        Assert.That((busy, copied), Is.EqualTo((0L, frames)), "the whole WAL was copied");
        Assert.That(frames, Is.GreaterThan(50), "frames in the WAL");
        TestContext.Out.WriteLine($"{frames} frames copied: {writeCalls} write calls, {readCalls} read calls");
        // 10 rows of 20 KB: about 55 pages, each copied with a read of the WAL and a write of the database when not gathered.
        Assert.That(writeCalls, Is.LessThan(12), "write calls of the process for a 55-page checkpoint");
        Assert.That(readCalls, Is.LessThan(20), "read calls of the process for a 55-page checkpoint");
        Assert.That(SqliteWalWrites.CheckpointWriteCalls - gathered, Is.InRange(1, 6), "gathered writes of the database file");

        // Emptied WAL: every read now comes from the database file.
        await checkpointer.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        Assert.That(new FileInfo(file + "-wal").Length, Is.Zero);
        await using var reader = await Open();
        for (var id = 1; id <= 10; id++)
        {
            Assert.That(await reader.QuerySingleAsync<byte[]>("SELECT data FROM blobs WHERE id = @id", new { id }), Is.EqualTo(Content(id)), $"row {id}");
        }
        Assert.That(await reader.ExecuteScalarAsync<string>("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public async Task A_reader_started_while_a_checkpoints_pages_are_still_gathered_reads_the_committed_rows()
    {
        // The database file holds the first version of every row; the WAL holds the second, which the checkpoint copies.
        await using var writer = await Open();
        for (var id = 1; id <= 6; id++)
        {
            await writer.ExecuteAsync("INSERT INTO blobs (id, data) VALUES (@id, @data)", new { id, data = Content(id) });
        }
        await writer.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        await using var earlier = await Open();
        await using (var transaction = await writer.BeginTransactionAsync())
        {
            for (var id = 1; id <= 6; id++)
            {
                await writer.ExecuteAsync("UPDATE blobs SET data = @data WHERE id = @id", new { id, data = Content(id + 50) }, transaction);
            }
            await transaction.CommitAsync();
        }

        await using var checkpointer = await Open();
        await checkpointer.ExecuteAsync("PRAGMA synchronous = OFF");
        var thread = Environment.CurrentManagedThreadId;
        var pending = 0;
        var seen = new List<byte[]>();
        var integrity = "";
        SqliteWalWrites.BeforeCheckpointWritten = bytes =>
        {
            // Other tests' checkpoints run on other threads: only this test's, run synchronously below, is looked at.
            if (Environment.CurrentManagedThreadId != thread)
            {
                return;
            }
            pending = bytes;
            using var reader = new SqliteConnection($"Data Source={file};Pooling=False");
            reader.Open();
            using var transaction = reader.BeginTransaction();
            seen.AddRange(reader.Query<byte[]>("SELECT data FROM blobs ORDER BY id", transaction: transaction));
            integrity = reader.ExecuteScalar<string>("PRAGMA integrity_check", transaction: transaction)!;
        };
        try
        {
            checkpointer.Execute("PRAGMA wal_checkpoint(PASSIVE)");
        }
        finally
        {
            SqliteWalWrites.BeforeCheckpointWritten = null;
        }

        Assert.That(pending, Is.GreaterThan(4096), "the reader ran while pages were gathered, not yet in the database file");
        Assert.That(seen, Is.EqualTo(Enumerable.Range(1, 6).Select(id => Content(id + 50))), "the reader read the committed rows");
        Assert.That(integrity, Is.EqualTo("ok"));
        Assert.That(await earlier.QueryAsync<byte[]>("SELECT data FROM blobs ORDER BY id"), Is.EqualTo(Enumerable.Range(1, 6).Select(id => Content(id + 50))));
        await checkpointer.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        await using var after = await Open();
        Assert.That(await after.QueryAsync<byte[]>("SELECT data FROM blobs ORDER BY id"), Is.EqualTo(Enumerable.Range(1, 6).Select(id => Content(id + 50))));
    }

    [Test]
    public async Task Readers_started_at_any_time_during_writes_and_checkpoints_read_whole_committed_rows()
    {
        // A writer rewrites rows (old pages copied over in the database file), a checkpointer copies in a loop with
        // synchronous = OFF, and readers start read transactions throughout: each must see every row whole, of one version.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await using (var seed = await Open())
        {
            for (var id = 1; id <= 8; id++)
            {
                await seed.ExecuteAsync("INSERT INTO blobs (id, data) VALUES (@id, @data)", new { id, data = Versioned(id, 0) });
            }
        }
        var versions = 0L;
        var reads = 0L;
        var writerTask = Task.Run(async () =>
        {
            await using var writer = await Open();
            for (var version = 1; !stop.IsCancellationRequested; version++)
            {
                await using var transaction = await writer.BeginTransactionAsync();
                foreach (var id in new[] { version % 8 + 1, (version + 3) % 8 + 1 })
                {
                    await writer.ExecuteAsync("UPDATE blobs SET data = @data WHERE id = @id", new { id, data = Versioned(id, version) }, transaction);
                }
                await transaction.CommitAsync();
                Interlocked.Increment(ref versions);
            }
        });
        var checkpointerTask = Task.Run(async () =>
        {
            await using var checkpointer = await Open();
            await checkpointer.ExecuteAsync("PRAGMA synchronous = OFF");
            while (!stop.IsCancellationRequested)
            {
                await checkpointer.ExecuteAsync("PRAGMA wal_checkpoint(PASSIVE)");
            }
        });
        var readerTasks = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var reader = await Open();
                foreach (var (id, data) in await reader.QueryAsync<(long, byte[])>("SELECT id, data FROM blobs ORDER BY id"))
                {
                    Assert.That(data, Is.EqualTo(Versioned((int)id, BinaryPrimitives.ReadInt32LittleEndian(data))), $"row {id} is one whole version");
                }
                Interlocked.Increment(ref reads);
            }
        })).ToList();
        await Task.WhenAll([writerTask, checkpointerTask, .. readerTasks]);

        Assert.That(Interlocked.Read(ref versions), Is.GreaterThan(20), "transactions written");
        Assert.That(Interlocked.Read(ref reads), Is.GreaterThan(10), "read transactions checked");
        await using var last = await Open();
        Assert.That(await last.ExecuteScalarAsync<string>("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    /// <summary>The process's write system calls so far (/proc/self/io, syscw).</summary>
    private static long WriteCalls() => ProcessIo("syscw:");

    /// <summary>The process's read system calls so far (/proc/self/io, syscr).</summary>
    private static long ReadCalls() => ProcessIo("syscr:");

    private static long ProcessIo(string field) =>
        long.Parse(File.ReadLines("/proc/self/io").First(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim(),
            System.Globalization.CultureInfo.InvariantCulture);
}
