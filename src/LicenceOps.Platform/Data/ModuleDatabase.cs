using System.Data;
using System.Data.Common;
using System.Security.Claims;
using Dapper;
using LicenceOps.Platform.Messaging;
using LicenceOps.Platform.Modules;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace LicenceOps.Platform.Data;

/// <summary>One module's database: connections, reads, and transactional writes with outbox and audit.</summary>
/// <remarks>
/// On SQLite the connections come from this database's own pool of open connections, each keeping the statements it
/// compiled (<see cref="SqliteConnectionPool"/>, ADR 0041); disposing the database closes them. SQL Server keeps
/// SqlClient's pooling (the server caches plans).
/// </remarks>
public class ModuleDatabase : IDisposable
{
    private readonly TimeProvider time;
    private readonly IHttpContextAccessor httpContext;

    public ModuleDatabase(string module, SqlDialect dialect, string connectionString, TimeProvider time, IHttpContextAccessor httpContext)
    {
        Module = module;
        Dialect = dialect;
        ConnectionString = connectionString;
        this.time = time;
        this.httpContext = httpContext;
        if (dialect == SqlDialect.Sqlite)
        {
            SqliteSession.ConfigureProcessOnce();
        }
        WriteGate = dialect == SqlDialect.Sqlite ? new WriteGate() : null;
        SqlitePool = dialect == SqlDialect.Sqlite ? new SqliteConnectionPool(connectionString) : null;
        DapperTypeHandlers.EnsureRegistered();
    }

    /// <summary>SQLite only: the open connections with their compiled statements; null on SQL Server.</summary>
    internal SqliteConnectionPool? SqlitePool { get; }

    /// <summary>
    /// Closes every idle SQLite connection of every module database of this process, and each leased one as it comes back,
    /// as <see cref="SqliteConnection.ClearAllPools"/> does for Microsoft.Data.Sqlite's pool: call both before deleting
    /// database files.
    /// </summary>
    public static void ClearSqlitePools() => SqliteConnectionPool.ClearAll();

    /// <summary>Closes this database's pooled SQLite connections (leased ones as they come back).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            SqlitePool?.Dispose();
        }
    }

    public string Module { get; }

    public SqlDialect Dialect { get; }

    internal string ConnectionString { get; }

    /// <summary>
    /// SQLite only: the full path of this database's file, for files a module keeps beside it (Billing's document pack, ADR 0099);
    /// null on SQL Server and for an in-memory database.
    /// </summary>
    public string? SqliteFilePath =>
        Dialect == SqlDialect.Sqlite && new SqliteConnectionStringBuilder(ConnectionString).DataSource is { Length: > 0 } source
        && source != ":memory:" && !source.StartsWith("file::memory:", StringComparison.Ordinal)
            ? Path.GetFullPath(source)
            : null;

    private readonly List<Action> beforeCheckpoint = [];

    /// <summary>
    /// SQLite only: makes <paramref name="sync"/> run on the background checkpointer's thread before each of its passes over this
    /// database, so that a file whose bytes this database's rows name (Billing's document pack, ADR 0099) reaches the disk no later
    /// than the WAL that names them is synced by the checkpoint.
    /// </summary>
    public void SyncBeforeCheckpoint(Action sync)
    {
        lock (beforeCheckpoint)
        {
            beforeCheckpoint.Add(sync);
        }
    }

    /// <summary>Runs what <see cref="SyncBeforeCheckpoint"/> registered (the checkpointer's thread, before a pass).</summary>
    internal void SyncCompanionFiles()
    {
        Action[] syncs;
        lock (beforeCheckpoint)
        {
            if (beforeCheckpoint.Count == 0)
            {
                return;
            }
            syncs = [.. beforeCheckpoint];
        }
        foreach (var sync in syncs)
        {
            sync();
        }
    }

    /// <summary>Released after every commit that wrote outbox rows, so the dispatcher does not wait for its next poll.</summary>
    internal OutboxSignal OutboxSignal { get; } = new();

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (SqlitePool is { } pool)
        {
            return await pool.OpenAsync(ct);
        }
        var connection = new SqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A connection for one short read (a single statement): on SQLite, the last writer's connection when no write holds or awaits
    /// the write gate, since its page cache is still valid (ADR 0098); any other otherwise.
    /// </summary>
    private async Task<DbConnection> OpenForReadAsync(CancellationToken ct) =>
        SqlitePool is { } pool ? await pool.OpenAsync(ct, lendWriter: WriteGate is { Held: false, Waiting: 0 }) : await OpenAsync(ct);

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? param = null, CancellationToken ct = default)
    {
        await using var connection = await OpenForReadAsync(ct);
        var rows = await connection.QueryAsync<T>(new CommandDefinition(sql, param, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// Rows of two types from one statement (Dapper's multi-mapping): the columns from <paramref name="splitOn"/> on fill the
    /// second, which Dapper hands over as null when that first column is NULL (a left join that found nothing).
    /// </summary>
    public async Task<IReadOnlyList<TResult>> QueryAsync<T1, T2, TResult>(
        string sql, Func<T1, T2, TResult> map, string splitOn, object? param = null, CancellationToken ct = default)
    {
        await using var connection = await OpenForReadAsync(ct);
        var rows = await connection.QueryAsync(new CommandDefinition(sql, param, cancellationToken: ct), map, splitOn);
        return rows.AsList();
    }

    /// <summary>
    /// Rows of three types from one statement: <paramref name="splitOn"/> names the first column of the second and of the third
    /// (comma-separated); as above, a part whose first column is NULL is handed over as null.
    /// </summary>
    public async Task<IReadOnlyList<TResult>> QueryAsync<T1, T2, T3, TResult>(
        string sql, Func<T1, T2, T3, TResult> map, string splitOn, object? param = null, CancellationToken ct = default)
    {
        await using var connection = await OpenForReadAsync(ct);
        var rows = await connection.QueryAsync(new CommandDefinition(sql, param, cancellationToken: ct), map, splitOn);
        return rows.AsList();
    }

    /// <summary>
    /// The rows of <paramref name="sql"/> outside any transaction, as <see cref="UnitOfWork.QueryRowsAsync{T}"/> reads them inside one:
    /// on SQLite stepped through SQLitePCL on a pooled connection's handle (in autocommit: SQLite reads the statement in a snapshot of
    /// its own, as a command outside a transaction does) and each read by <paramref name="read"/> from its columns by position; on
    /// other dialects read by Dapper from the columns' names. So <paramref name="read"/> must read the columns in the order
    /// <paramref name="sql"/> selects them, under the names of <typeparamref name="T"/>'s properties. One statement: on SQLite it
    /// borrows the last writer's connection while no write holds or awaits the gate, as <see cref="QueryAsync{T}(string, object?, CancellationToken)"/>
    /// does (ADR 0098): that connection's page cache is still valid, while every other connection's was emptied by the last commit, and a
    /// reconciliation run's first statement (ADR 0096) read its pages again from the file at every run (ADR 0103).
    /// </summary>
    public async Task<IReadOnlyList<T>> QueryRowsAsync<T>(string sql, object? param, ReadSqliteRow<T> read, CancellationToken ct = default)
    {
        if (Dialect != SqlDialect.Sqlite)
        {
            return await QueryAsync<T>(sql, param, ct);
        }
        await using var connection = await OpenForReadAsync(ct);
        var rows = new List<T>();
        SqliteRows.Step((SqliteConnection)connection, sql, param, row => rows.Add(read(row)));
        return rows;
    }

    /// <summary>
    /// Rows one at a time while the caller consumes them (exports): memory stays flat whatever the row count. The
    /// connection stays open until the enumeration ends, so consume promptly.
    /// </summary>
    public async IAsyncEnumerable<T> StreamAsync<T>(string sql, object? param = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await foreach (var row in connection.QueryUnbufferedAsync<T>(sql, param).WithCancellation(ct))
        {
            yield return row;
        }
    }

    public async Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? param = null, CancellationToken ct = default)
    {
        await using var connection = await OpenForReadAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, param, cancellationToken: ct));
    }

    /// <summary>
    /// Test seam for the races SQLite cannot stage: when set, it runs before each statement a unit of work executes,
    /// inside that transaction, so a test can play another writer that commits between a handler's read and its
    /// conditional UPDATE (what read-committed SQL Server allows for real; SQLite serialises writers). Null in the product.
    /// </summary>
    public Func<UnitOfWork, string, Task>? BeforeStatement { get; set; }

    private long commits;

    /// <summary>Write transactions committed through <see cref="WriteAsync{T}"/> since this database was opened (the benches print it per pass).</summary>
    internal long Commits => Interlocked.Read(ref commits);

    /// <summary>SQLite only: writers take turns in arrival order (see <see cref="Data.WriteGate"/>); null on SQL Server.</summary>
    public WriteGate? WriteGate { get; }

    public async Task<T> WriteAsync<T>(Func<UnitOfWork, Task<T>> work, CancellationToken ct = default)
    {
        UnitOfWork unit;
        T result;
        // The turn is released after commit or rollback, before the committed callbacks (which may start other writes).
        using (WriteGate is null ? null : WriteGate.OwnedByThisFlow(await WriteGate.EnterAsync(ct)))
        {
            (unit, result) = await CommitAsync(work, ct);
        }
        if (unit.PublishedCount > 0)
        {
            OutboxSignal.Notify();
        }

        unit.RunCommitted();

        return result;
    }

    private async Task<(UnitOfWork Unit, T Result)> CommitAsync<T>(Func<UnitOfWork, Task<T>> work, CancellationToken ct)
    {
        // SQLite: the last write transaction's connection, whose page cache is still valid (ADR 0098).
        await using var connection = SqlitePool is { } pool ? await pool.OpenForWriteAsync(ct) : await OpenAsync(ct);
        // SQLite: a non-deferred transaction is BEGIN IMMEDIATE, so writers queue instead of failing on upgrade.
        await using var transaction = Dialect == SqlDialect.Sqlite
            ? ((SqliteConnection)connection).BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var unit = new UnitOfWork(connection, transaction, Dialect, time.GetUtcNow(), CurrentActor(), BeforeStatement);
        var result = await work(unit);
        await transaction.CommitAsync(ct);
        Interlocked.Increment(ref commits);
        return (unit, result);
    }

    /// <summary>
    /// Reads that must agree with each other, outside any write: one transaction that is never committed. On SQLite (WAL) every
    /// query of <paramref name="work"/> sees the snapshot its first read took, and no writer waits for it; on SQL Server it is
    /// read committed, so a reader that must detect later changes reads a data version before the data (ADR 0033, ADR 0038).
    /// The unit must not be written through: it is rolled back.
    /// </summary>
    public async Task<T> ReadSnapshotAsync<T>(Func<UnitOfWork, Task<T>> work, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = Dialect == SqlDialect.Sqlite
            ? ((SqliteConnection)connection).BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var unit = new UnitOfWork(connection, transaction, Dialect, time.GetUtcNow(), CurrentActor(), beforeQuery: BeforeSnapshotQuery);
        var result = await work(unit);
        await transaction.RollbackAsync(ct);
        return result;
    }

    /// <summary>
    /// Test seam, as <see cref="BeforeStatement"/> for the queries of a <see cref="ReadSnapshotAsync{T}"/> unit: a test can
    /// commit another writer's change after the snapshot was taken. Null in the product.
    /// </summary>
    public Func<string, Task>? BeforeSnapshotQuery { get; set; }

    public Task WriteAsync(Func<UnitOfWork, Task> work, CancellationToken ct = default) =>
        WriteAsync<bool>(async unit =>
        {
            await work(unit);
            return true;
        }, ct);

    /// <summary>Who a write started on this flow is done by: the actor scope's, else the HTTP user, else the host or anonymous.</summary>
    public Actor CurrentActor()
    {
        if (ActorScope.Current is { } scoped)
        {
            return scoped;
        }

        var user = httpContext.HttpContext?.User;
        var id = user?.FindFirstValue("sub");
        if (user?.Identity?.IsAuthenticated == true && id is not null)
        {
            return new Actor($"user:{id}", user.FindFirstValue("email") ?? id);
        }

        return httpContext.HttpContext is null ? Actor.System("host") : Actor.Anonymous;
    }
}

/// <summary>The database of module <typeparamref name="TModule"/>; inject this into the module's handlers.</summary>
public sealed class ModuleDatabase<TModule>(string module, SqlDialect dialect, string connectionString, TimeProvider time, IHttpContextAccessor httpContext)
    : ModuleDatabase(module, dialect, connectionString, time, httpContext)
    where TModule : IModule;

/// <summary>
/// Per-connection SQLite settings, applied once per physical connection (pooled connections keep them; connections of
/// <see cref="SqliteConnectionPool"/> are opened once and keep them for their life):
/// <list type="bullet">
/// <item><c>busy_timeout</c>: a writer that finds the database locked is woken by SQLite's own busy handler as soon
/// as the lock is free, instead of Microsoft.Data.Sqlite's retry loop that sleeps 150 ms between attempts.</item>
/// <item><c>synchronous = NORMAL</c>: under WAL (set by the migration runner) a commit no longer waits for an fsync;
/// the WAL is synced at checkpoints. A process crash (kill -9) loses nothing committed; a power loss or kernel crash
/// can lose the last commits since the last checkpoint (docs/operations.md states the window).</item>
/// <item><c>wal_autocheckpoint</c>: checkpoints are run by <see cref="SqliteCheckpointer"/> in the background; a
/// committing writer checkpoints by itself only past <see cref="FallbackCheckpointPages"/>, which bounds the WAL when
/// that service is not running (ADR 0037).</item>
/// <item><c>cache_size</c>: 512 KiB of page cache per connection instead of SQLite's 2 MiB. The pool keeps up to 8 idle
/// connections per module database open for good (ADR 0041), each with its own private page cache, and at 2 MiB those
/// caches took a 10,000-tenant invoice run from 295 to 309 MB, past its 300 MB goal; at 512 KiB it peaked at 273 MB.
/// A page not in the cache is read again from the operating system's file cache.</item>
/// </list>
/// </summary>
internal static class SqliteSession
{
    /// <summary>How long a writer waits for the write lock before failing with "database is locked".</summary>
    public const int BusyTimeoutMilliseconds = 30_000;

    /// <summary>WAL pages (4 KiB each) past which a committing writer checkpoints by itself: 64 MiB.</summary>
    public const int FallbackCheckpointPages = 16_384;

    /// <summary>Page cache per connection, in KiB (SQLite's default is 2,000 KiB).</summary>
    public const int PageCacheKibibytes = 512;

    /// <summary>
    /// Bytes of a connection's sub-journal kept in memory before SQLite moves it to a temporary file (SQLite's default: 64 KiB).
    /// The sub-journal holds the original of every existing page a statement or savepoint changes, so that it can be rolled
    /// back alone: a reconciliation account's savepoint and its statements wrote about 340 KiB of it per account to files in
    /// /var/tmp, more than the WAL itself (docs/performance.md, feat/i11fb). It is never read unless a statement or savepoint
    /// is rolled back, and SQLite frees it when the outermost savepoint ends, so 4 MiB bounds the memory of the one writer
    /// each database has at a time; a larger sub-journal still spills.
    /// </summary>
    public const int SubJournalInMemoryBytes = 4 << 20;

    /// <summary>sqlite3.h's SQLITE_CONFIG_STMTJRNL_SPILL (SQLitePCLRaw has no constant for it).</summary>
    private const int ConfigStatementJournalSpill = 26;

    private static int processConfigured;

    /// <summary>
    /// True when this process's SQLite keeps sub-journals up to <see cref="SubJournalInMemoryBytes"/> in memory; false when
    /// SQLite had already been started (a connection opened before the first module database was built), which keeps
    /// SQLite's default: slower, the same results.
    /// </summary>
    public static bool SubJournalInMemory { get; private set; }

    /// <summary>
    /// Process-wide settings, which SQLite accepts only before it starts (before the first connection of the process opens):
    /// called by every SQLite <see cref="ModuleDatabase"/>'s constructor, applied by the first.
    /// </summary>
    public static void ConfigureProcessOnce()
    {
        if (Interlocked.Exchange(ref processConfigured, 1) == 1)
        {
            return;
        }
        // SqliteConnection's static constructor loads the bundled SQLite (SQLitePCLRaw's provider) that raw calls go to.
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(SqliteConnection).TypeHandle);
        SubJournalInMemory = SQLitePCL.raw.sqlite3_config(ConfigStatementJournalSpill, SubJournalInMemoryBytes) == SQLitePCL.raw.SQLITE_OK;
        // After sqlite3_config (registering a VFS starts SQLite): WAL frames written a transaction at a time (ADR 0076).
        SqliteWalWrites.Register();
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Configured = new();
    private static readonly object Marker = new();

    public static async Task ConfigureAsync(SqliteConnection connection, CancellationToken ct)
    {
        var handle = connection.Handle;
        if (handle is null || Configured.TryGetValue(handle, out _))
        {
            return;
        }
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = {FallbackCheckpointPages}; PRAGMA cache_size = -{PageCacheKibibytes};";
            await command.ExecuteNonQueryAsync(ct);
        }
        Configured.AddOrUpdate(handle, Marker);
    }
}
