using Microsoft.Data.Sqlite;

namespace LicenceOps.Platform.Data;

/// <summary>
/// One SQLite module database's open connections, kept open between units of work so that each keeps the statements
/// it compiled (<see cref="SqliteStatementCache"/>, ADR 0041). Microsoft.Data.Sqlite finalizes every statement of a
/// connection when it is closed, also when it goes back to its own pool, so a statement cache needs connections that are
/// never closed between uses: this pool hands out <see cref="PooledSqliteConnection"/>s opened with <c>Pooling=False</c>,
/// and a connection's <c>Dispose</c> gives it back here instead of closing it.
/// </summary>
/// <remarks>
/// <para>One flow at a time: a connection is either idle here or leased to exactly one caller (SQLite runs serialized,
/// ADR 0040, but a connection's transaction and statements still belong to one flow).</para>
/// <para>Bounded: at most <see cref="MaxIdle"/> idle connections per database (the most recently returned, so the warm
/// ones are reused first), and the last write transaction's connection kept apart for the next write (ADR 0098,
/// <see cref="OpenForWriteAsync"/>); any more are closed for real when returned. Leases are not bounded, as before: a caller
/// that needs a connection opens one when none is idle.</para>
/// <para>Microsoft.Data.Sqlite's own pool is not used for these connections (<c>Pooling=False</c>): closing one really
/// closes the file, and the pool race of dotnet/efcore#39008 (ADR 0040) cannot occur on them.</para>
/// </remarks>
internal sealed class SqliteConnectionPool : IDisposable
{
    /// <summary>Idle open connections kept per database; a returned connection beyond this is closed.</summary>
    public const int MaxIdle = 8;

    private static readonly List<WeakReference<SqliteConnectionPool>> Live = [];

    private readonly string connectionString;
    private readonly Stack<PooledSqliteConnection> idle = new();
    private readonly Lock gate = new();
    // The connection of the last write transaction, kept apart from the readers' stack for the next one (ADR 0098).
    private PooledSqliteConnection? writer;
    private PooledSqliteConnection? lastWriter;
    // Every connection this pool opened and has not closed, leased or idle: what they ran counts while they are leased too.
    private readonly HashSet<PooledSqliteConnection> open = [];
    private int generation;
    private bool disposed;
    private long physicalOpens;
    private long retiredStatements;

    public SqliteConnectionPool(string connectionString)
    {
        // Our pool replaces Microsoft.Data.Sqlite's: with its pooling on, "closing" a connection would only park it there.
        this.connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        lock (Live)
        {
            Live.RemoveAll(reference => !reference.TryGetTarget(out _));
            Live.Add(new WeakReference<SqliteConnectionPool>(this));
        }
    }

    /// <summary>Idle connections now, the writer's kept one included (tests check the bound and that disposal leaves none).</summary>
    internal int IdleCount
    {
        get
        {
            lock (gate)
            {
                return idle.Count + (writer is null ? 0 : 1);
            }
        }
    }

    /// <summary>Whether the last writer's connection waits for the next write (tests).</summary>
    internal bool WriterIdle
    {
        get
        {
            lock (gate)
            {
                return writer is not null;
            }
        }
    }

    /// <summary>Physical connections this pool opened since it was created.</summary>
    internal long PhysicalOpens => Interlocked.Read(ref physicalOpens);

    /// <summary>What the idle connections hold now (benches print it; memory is SQLite's own count of its statements' heap).</summary>
    internal PoolStatistics Statistics()
    {
        lock (gate)
        {
            var texts = 0;
            long compiled = 0, reused = 0, bytes = 0;
            foreach (var connection in Kept())
            {
                texts += connection.Statements.Count;
                compiled += connection.Statements.Compiled;
                reused += connection.Statements.Reused;
                if (connection.Handle is { } handle
                    && SQLitePCL.raw.sqlite3_db_status(handle, SQLitePCL.raw.SQLITE_DBSTATUS_STMT_USED, out var current, out _, 0) == SQLitePCL.raw.SQLITE_OK)
                {
                    bytes += current;
                }
            }
            return new PoolStatistics(idle.Count + (writer is null ? 0 : 1), texts, compiled, reused, bytes);
        }
    }

    internal sealed record PoolStatistics(int IdleConnections, int CachedTexts, long Compiled, long Reused, long StatementBytes);

    /// <summary>
    /// Statements run so far (compiled or taken from a cache) by the connections open now, idle or leased, and by every
    /// connection this pool has closed: the invoice bench's count per run. Counted on the idle connections alone (<see cref="Statistics"/>), a
    /// connection closed during a run took its count with it, and some runs printed a negative count (feat/i16sd).
    /// </summary>
    internal long StatementsRun()
    {
        lock (gate)
        {
            var total = Interlocked.Read(ref retiredStatements);
            // Leased ones included: a count taken while the writer's kept connection was leased (ADR 0098: most of the time in
            // a busy run) left out all it had ever run, and the invoice bench printed a negative count per invoice.
            foreach (var connection in open)
            {
                total += connection.Statements.Compiled + connection.Statements.Reused;
            }
            return total;
        }
    }

    /// <summary>The idle connections and the writer's, if kept (under the lock).</summary>
    private IEnumerable<PooledSqliteConnection> Kept() => writer is null ? idle : idle.Append(writer);

    private void Retire(PooledSqliteConnection connection)
    {
        lock (gate)
        {
            if (open.Remove(connection))
            {
                Interlocked.Add(ref retiredStatements, connection.Statements.Compiled + connection.Statements.Reused);
            }
        }
        connection.CloseForReal();
    }

    /// <summary>An open connection for one caller; disposing it gives it back.</summary>
    /// <param name="lendWriter">
    /// Whether the writer's kept connection may serve this caller when it is idle (ADR 0098): a short read whose database has not
    /// changed since that connection's last write finds its pages in its cache, where any other connection starts with an empty
    /// one. Given back, it is kept for the writer again. Without it, the writer's connection serves only when no other is idle
    /// (a connection is opened only when none is).
    /// </param>
    public async Task<SqliteConnection> OpenAsync(CancellationToken ct, bool lendWriter = false)
    {
        ct.ThrowIfCancellationRequested();
        PooledSqliteConnection? connection;
        int current;
        lock (gate)
        {
            // The writer's kept connection serves a reader that asks for it, or any reader rather than a new connection opened.
            if (writer is not null && (lendWriter || idle.Count == 0))
            {
                connection = writer;
                writer = null;
            }
            else
            {
                idle.TryPop(out connection);
            }
            current = generation;
        }
        if (connection is not null)
        {
            connection.TakeFromPool();
            return connection;
        }

        connection = new PooledSqliteConnection(this, connectionString, current);
        try
        {
            connection.Open();
            await SqliteSession.ConfigureAsync(connection, ct);
        }
        catch
        {
            connection.CloseForReal();
            throw;
        }
        Interlocked.Increment(ref physicalOpens);
        lock (gate)
        {
            open.Add(connection);
        }
        connection.Lease();
        return connection;
    }

    /// <summary>
    /// An open connection for a write transaction (ADR 0098): the one the last write transaction used, when it is kept, else
    /// any as <see cref="OpenAsync"/>. SQLite empties a connection's whole page cache when it begins a transaction after another
    /// connection committed; the writes of a module database take turns (<see cref="WriteGate"/>), so a connection kept for
    /// them alone was the last to commit and begins with the pages its last transaction left in its cache (the B-trees' root
    /// and inner pages, the leaves it appends to) instead of reading them again. Its callers are the write gate's holders,
    /// one at a time; one that comes while it is leased (a write outside the gate) takes another, as before.
    /// </summary>
    public async Task<SqliteConnection> OpenForWriteAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        PooledSqliteConnection? kept;
        lock (gate)
        {
            kept = writer;
            writer = null;
        }
        var connection = kept ?? (PooledSqliteConnection)await OpenAsync(ct);
        if (kept is not null)
        {
            kept.TakeFromPool();
        }
        connection.ForWrite = true;
        lock (gate)
        {
            // From now on the connection whose cache the next transactions can trust is this one, whatever comes back first.
            lastWriter = connection;
        }
        return connection;
    }

    /// <summary>
    /// Called when a leased connection is disposed: kept for the next caller when it is clean (no transaction, no open
    /// reader) and there is room, closed for real otherwise, and always once the pool was cleared or disposed. A connection
    /// leased for a write is kept for the next write (<see cref="OpenForWriteAsync"/>) when none is kept already.
    /// </summary>
    internal void Return(PooledSqliteConnection connection)
    {
        var forWrite = connection.ForWrite;
        connection.ForWrite = false;
        if (connection.TryResetForReuse())
        {
            lock (gate)
            {
                if (!disposed && connection.Generation == generation && ReferenceEquals(connection, lastWriter) && (forWrite || writer is null))
                {
                    // The last writer's connection (from its write, or lent to a reader meanwhile): kept for the next write. One
                    // kept before it (only a write outside the write gate can leave one) joins the others.
                    (writer, connection) = (connection, writer);
                    if (connection is null || ReferenceEquals(connection, writer))
                    {
                        return;
                    }
                    // Else it joins the idle ones below, or is closed when they are full.
                }
                if (!disposed && connection.Generation == generation && idle.Count < MaxIdle)
                {
                    idle.Push(connection);
                    return;
                }
            }
        }
        Retire(connection);
    }

    /// <summary>
    /// Closes every idle connection; connections leased now are closed when they come back. The pool stays usable (as
    /// <see cref="SqliteConnection.ClearPool"/>): tests call it before deleting a data directory.
    /// </summary>
    public void Clear()
    {
        PooledSqliteConnection[] closing;
        lock (gate)
        {
            generation++;
            closing = [.. Kept()];
            idle.Clear();
            writer = null;
            lastWriter = null;
        }
        foreach (var connection in closing)
        {
            Retire(connection);
        }
    }

    /// <summary>Closes every idle connection, and every leased one as it comes back. Opening still works, unpooled.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
        }
        Clear();
    }

    /// <summary>
    /// <see cref="Clear"/> on every pool of this process, as <see cref="SqliteConnection.ClearAllPools"/> does for
    /// Microsoft.Data.Sqlite's pools (call both before deleting database files).
    /// </summary>
    public static void ClearAll()
    {
        List<SqliteConnectionPool> pools = [];
        lock (Live)
        {
            foreach (var reference in Live)
            {
                if (reference.TryGetTarget(out var pool))
                {
                    pools.Add(pool);
                }
            }
        }
        foreach (var pool in pools)
        {
            pool.Clear();
        }
    }
}
