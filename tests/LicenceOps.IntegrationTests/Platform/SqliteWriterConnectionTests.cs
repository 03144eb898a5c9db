using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using Microsoft.AspNetCore.Http;
using SQLitePCL;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>
/// ADR 0098: a SQLite module database keeps the connection of its last write transaction for the next one, whose page cache
/// SQLite then keeps (it empties a connection's cache when another connection committed since its last transaction), and lends
/// it to short reads while no write holds or awaits the write gate. Real SQLite files through <see cref="ModuleDatabase"/>.
/// </summary>
public sealed class SqliteWriterConnectionTests
{
    private const int SqliteDbStatusCacheMiss = 8;

    private string directory = "";
    private string file = "";
    private ModuleDatabase db = null!;

    private SqliteConnectionPool Pool => db.SqlitePool!;

    [SetUp]
    public async Task CreateDatabase()
    {
        directory = LicenceOpsFactory.NewDataDirectory();
        file = Path.Combine(directory, "writer.db");
        db = Open();
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL");
        await connection.ExecuteAsync("CREATE TABLE items (id INTEGER PRIMARY KEY, value TEXT NOT NULL)");
        await connection.ExecuteAsync("CREATE INDEX ix_items_value ON items (value)");
        await connection.ExecuteAsync("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)");
        await connection.ExecuteAsync("INSERT INTO counter (id, value) VALUES (1, 0)");
    }

    [TearDown]
    public void DeleteDatabase()
    {
        db.Dispose();
        LicenceOpsFactory.DeleteQuietly(directory);
    }

    private ModuleDatabase Open() =>
        new("Writer", SqlDialect.Sqlite, $"Data Source={file};Foreign Keys=True;Default Timeout=30;Pooling=True", TimeProvider.System, new HttpContextAccessor());

    /// <summary>Inserts <paramref name="count"/> rows from <paramref name="first"/> on; returns the write's connection.</summary>
    private async Task<PooledSqliteConnection> InsertAsync(int first, int count) =>
        await db.WriteAsync(async unit =>
        {
            for (var id = first; id < first + count; id++)
            {
                await unit.ExecuteAsync("INSERT INTO items (id, value) VALUES (@id, @value)", new { id, value = $"item {id:D6} with some text to fill pages" });
            }
            return (PooledSqliteConnection)unit.Connection;
        });

    private static long CacheMisses(PooledSqliteConnection connection, bool reset)
    {
        Assert.That(raw.sqlite3_db_status(connection.Handle, SqliteDbStatusCacheMiss, out var current, out _, reset ? 1 : 0), Is.EqualTo(raw.SQLITE_OK));
        return current;
    }

    [Test]
    public async Task The_next_write_takes_the_last_writers_connection_and_finds_its_pages_in_its_cache()
    {
        // Two connections idle beside the one the write will take, as a busy pool has.
        var warm = new[] { await db.OpenAsync(), await db.OpenAsync() };
        foreach (var connection in warm)
        {
            await connection.DisposeAsync();
        }
        // Enough rows for B-trees of more than one level: the write below reaches a leaf through inner pages.
        var first = await InsertAsync(1, 1_000);
        Assert.That(Pool.WriterIdle, Is.True, "the write's connection is kept for the next write");

        // Readers meanwhile, two at once, given back first leased first: before ADR 0098 the pool's last returned connection,
        // the second reader's, served the next write, whose cache SQLite had emptied.
        var readers = new List<System.Data.Common.DbConnection>();
        for (var i = 0; i < 2; i++)
        {
            var reader = await db.OpenAsync();
            Assert.That(await reader.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM items WHERE value >= 'item'"), Is.EqualTo(1_000));
            readers.Add(reader);
        }
        foreach (var reader in readers)
        {
            await reader.DisposeAsync();
        }

        var misses = -1L;
        var second = await db.WriteAsync(async unit =>
        {
            var connection = (PooledSqliteConnection)unit.Connection;
            CacheMisses(connection, reset: true);
            await unit.ExecuteAsync("INSERT INTO items (id, value) VALUES (1001, 'item 001001 with some text to fill pages')");
            Assert.That(await unit.QuerySingleOrDefaultAsync<string>("SELECT value FROM items WHERE id = 999"), Does.StartWith("item 000999"));
            misses = CacheMisses(connection, reset: false);
            return connection;
        });

        Assert.That(second, Is.SameAs(first), "the write took the last writer's connection, not the readers' last one");
        Assert.That(misses, Is.Zero, "its cache held every page the write needed: nothing was read again from the file");
    }

    [Test]
    public async Task A_kept_writers_connection_sees_what_another_connection_committed_since()
    {
        var first = await InsertAsync(1, 500);
        // Another process's writes (another pool on the same file): the kept connection's cache must not serve stale pages.
        using (var other = Open())
        {
            await other.WriteAsync(unit => unit.ExecuteAsync("UPDATE counter SET value = value + 10 WHERE id = 1"));
            await other.WriteAsync(unit => unit.ExecuteAsync("DELETE FROM items WHERE id <= 100"));
        }

        var (connection, counter, items) = await db.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync("UPDATE counter SET value = value + 1 WHERE id = 1");
            return ((PooledSqliteConnection)unit.Connection, await unit.QuerySingleOrDefaultAsync<long>("SELECT value FROM counter WHERE id = 1"),
                await unit.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM items"));
        });

        Assert.That(connection, Is.SameAs(first));
        Assert.That(counter, Is.EqualTo(11), "the other connection's update was read, and added to");
        Assert.That(items, Is.EqualTo(400));
    }

    [Test]
    public async Task A_short_read_borrows_the_writers_connection_only_while_no_write_holds_the_gate_and_gives_it_back()
    {
        var writer = await InsertAsync(1, 200);
        var ran = writer.Statements.Compiled + writer.Statements.Reused;

        // No write in progress: the read runs on the writer's connection (its statements count it) and gives it back.
        Assert.That(await db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM items"), Is.EqualTo(200));
        Assert.That(writer.Statements.Compiled + writer.Statements.Reused, Is.EqualTo(ran + 1), "the read ran on the writer's connection");
        Assert.That(Pool.WriterIdle, Is.True, "and it is kept for the writer again");
        Assert.That(await db.QueryAsync<long>("SELECT id FROM items WHERE id <= 3 ORDER BY id"), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(writer.Statements.Compiled + writer.Statements.Reused, Is.EqualTo(ran + 2));

        // A read while a write holds the gate takes another connection (the writer's is the write's) and sees the last commit.
        ran = writer.Statements.Compiled + writer.Statements.Reused;
        var (during, withinWrite) = await db.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync("INSERT INTO items (id, value) VALUES (201, 'two hundred and one')");
            var before = ((PooledSqliteConnection)unit.Connection).Statements.Reused + ((PooledSqliteConnection)unit.Connection).Statements.Compiled;
            var count = await db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM items");
            var after = ((PooledSqliteConnection)unit.Connection).Statements.Reused + ((PooledSqliteConnection)unit.Connection).Statements.Compiled;
            return (count, after - before);
        });
        Assert.That(during, Is.EqualTo(200), "read elsewhere, the uncommitted row is not seen");
        Assert.That(withinWrite, Is.Zero, "the read did not run on the write's connection");

        var next = await InsertAsync(300, 1);
        Assert.That(next, Is.SameAs(writer), "the connection stayed the writer's through the reads");
        Assert.That(await db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM items"), Is.EqualTo(202));
    }

    [Test]
    public async Task Rows_stepped_outside_a_transaction_borrow_the_writers_connection_while_no_write_holds_the_gate()
    {
        // ModuleDatabase.QueryRowsAsync (a reconciliation run's first statement, ADR 0096) is one statement like QueryAsync: it reads
        // where the page cache is still valid (ADR 0098, 0103). Before, it took the readers' last connection, whose cache the last
        // commit had emptied, and read its pages again from the file at every run.
        // A reader's connection idle beside the writer's, as a busy pool has.
        var warm = new[] { await db.OpenAsync(), await db.OpenAsync() };
        foreach (var connection in warm)
        {
            await connection.DisposeAsync();
        }
        var writer = await InsertAsync(1, 199);
        Assert.That(await InsertAsync(200, 1), Is.SameAs(writer));
        var ran = writer.Statements.Compiled + writer.Statements.Reused;
        CacheMisses(writer, reset: true);

        var ids = await db.QueryRowsAsync("SELECT id FROM items WHERE id IN (1, 100, 200) ORDER BY id", null, static row => row.Int64(0));

        Assert.That(ids, Is.EqualTo(new long[] { 1, 100, 200 }));
        Assert.That(writer.Statements.Compiled + writer.Statements.Reused, Is.EqualTo(ran + 1), "the rows were stepped on the writer's connection");
        Assert.That(CacheMisses(writer, reset: false), Is.Zero, "from its cache: nothing read again from the file");
        Assert.That(Pool.WriterIdle, Is.True, "and it is kept for the writer again");

        // During a write the rows are stepped elsewhere, and see the last commit only.
        var (during, onWrite) = await db.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync("INSERT INTO items (id, value) VALUES (201, 'two hundred and one')");
            var connection = (PooledSqliteConnection)unit.Connection;
            var before = connection.Statements.Compiled + connection.Statements.Reused;
            var count = await db.QueryRowsAsync("SELECT COUNT(*) FROM items", null, static row => row.Int64(0));
            return (count[0], connection.Statements.Compiled + connection.Statements.Reused - before);
        });
        Assert.That(during, Is.EqualTo(200), "read elsewhere, the uncommitted row is not seen");
        Assert.That(onWrite, Is.Zero, "the rows were not stepped on the write's connection");
        Assert.That(await InsertAsync(300, 1), Is.SameAs(writer), "the connection stayed the writer's through the reads");
    }

    [Test]
    public async Task A_failed_write_leaves_nothing_on_the_kept_connection_and_the_next_write_goes_on()
    {
        var first = await InsertAsync(1, 10);
        Assert.ThrowsAsync<InvalidOperationException>(() => db.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync("INSERT INTO items (id, value) VALUES (11, 'eleven')");
            throw new InvalidOperationException("the handler failed after its insert");
        }));

        var (connection, count) = await db.WriteAsync(async unit =>
            ((PooledSqliteConnection)unit.Connection, await unit.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM items")));
        Assert.That(count, Is.EqualTo(10), "the failed write's row was rolled back");
        Assert.That(connection, Is.SameAs(first), "its connection, rolled back, went on serving the writes");
        Assert.That(await InsertAsync(11, 1), Is.SameAs(first));
    }

    [Test]
    public async Task Clearing_the_pools_closes_the_kept_writers_connection_and_its_statements_stay_counted()
    {
        Pool.Clear();
        var before = Pool.StatementsRun();
        var writer = await InsertAsync(1, 5);
        var ran = writer.Statements.Compiled + writer.Statements.Reused;
        Assert.That(Pool.WriterIdle, Is.True);
        Assert.That(Pool.StatementsRun() - before, Is.EqualTo(ran), "the bench's statement count includes the writer's connection");

        // Counted while leased too: the invoice bench read the count while the writer's connection was leased, and printed a negative one.
        await db.WriteAsync(async unit =>
        {
            var leased = (PooledSqliteConnection)unit.Connection;
            await unit.ExecuteAsync("INSERT INTO items (id, value) VALUES (100, 'leased')");
            Assert.That(Pool.StatementsRun() - before, Is.EqualTo(leased.Statements.Compiled + leased.Statements.Reused));
        });
        ran = writer.Statements.Compiled + writer.Statements.Reused;

        ModuleDatabase.ClearSqlitePools();
        Assert.That(Pool.WriterIdle, Is.False);
        Assert.That(writer.State, Is.EqualTo(System.Data.ConnectionState.Closed));
        Assert.That(Pool.StatementsRun() - before, Is.EqualTo(ran), "and keeps what it ran once closed");

        // The pool goes on serving, and keeps the next writer's connection.
        await InsertAsync(6, 1);
        Assert.That(Pool.WriterIdle, Is.True);
        db.Dispose();
        Assert.That(Pool.WriterIdle, Is.False, "disposal closes it");
    }

    [Test]
    public async Task A_reader_takes_the_writers_connection_rather_than_open_a_new_one()
    {
        Pool.Clear();
        var opens = Pool.PhysicalOpens;
        var writer = await InsertAsync(1, 3);
        await using (var reader = await db.OpenAsync())
        {
            Assert.That(reader, Is.SameAs(writer), "no other connection was idle");
            Assert.That(await reader.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM items"), Is.EqualTo(3));
        }
        Assert.That(Pool.PhysicalOpens - opens, Is.EqualTo(1), "one physical connection for the write and the read");
        Assert.That(Pool.WriterIdle, Is.True, "given back, it is the writer's again");
        Assert.That(await InsertAsync(4, 1), Is.SameAs(writer));
    }
}
