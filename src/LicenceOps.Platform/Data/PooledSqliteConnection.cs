using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LicenceOps.Platform.Data;

/// <summary>
/// A SQLite connection of a <see cref="SqliteConnectionPool"/>: a <see cref="SqliteConnection"/> (callers that cast, e.g.
/// for <c>BeginTransaction(deferred:)</c>, keep working) whose <c>Dispose</c> gives it back to the pool open, and whose
/// commands created through <see cref="DbConnection.CreateCommand"/> (what Dapper calls) run on statements kept compiled
/// in <see cref="Statements"/> across units of work (ADR 0041).
/// </summary>
internal sealed class PooledSqliteConnection : SqliteConnection
{
    private readonly SqliteConnectionPool pool;
    private bool leased;

    public PooledSqliteConnection(SqliteConnectionPool pool, string connectionString, int generation)
        : base(connectionString)
    {
        this.pool = pool;
        Generation = generation;
        Statements = new SqliteStatementCache(this);
    }

    /// <summary>The pool's generation when this connection was opened; a cleared pool closes older ones as they return.</summary>
    public int Generation { get; }

    /// <summary>The statements this physical connection keeps compiled.</summary>
    public SqliteStatementCache Statements { get; }

    /// <summary>Readers open on any command of this connection (a returned connection with one open is not reused).</summary>
    internal int OpenReaders { get; set; }

    /// <summary>The transaction begun through this connection and not yet finished, if any.</summary>
    internal SqliteTransaction? CurrentTransaction => Transaction;

    internal void Lease() => leased = true;

    /// <summary>Leased for a write transaction: given back, it is kept for the next one (<see cref="SqliteConnectionPool.OpenForWriteAsync"/>).</summary>
    internal bool ForWrite { get; set; }

    /// <summary>What Dapper and every <see cref="DbConnection"/> caller get: a command that runs on a cached statement.</summary>
    protected override DbCommand CreateDbCommand() => new CachedStatementCommand(this);

    /// <summary>
    /// A plain command (typed callers, and Microsoft.Data.Sqlite's own BEGIN and COMMIT): compiled at each execution, as
    /// before, but its readers are counted so a connection returned with one still open is closed, not reused.
    /// </summary>
    public override SqliteCommand CreateCommand() => new TrackedSqliteCommand(this)
    {
        CommandTimeout = DefaultTimeout,
        Transaction = Transaction,
    };

    /// <summary>Closes the physical connection for real (its statements too); a pooled connection closed so is not reused.</summary>
    public override void Close()
    {
        Statements.Clear();
        base.Close();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && leased)
        {
            // A second Dispose of the same lease finds it no longer leased and closes nothing another caller now holds:
            // it falls through to the base, which closes only when this object is not back in the pool (see CloseForReal).
            leased = false;
            pool.Return(this);
            return;
        }
        if (disposing && pooledIdle)
        {
            return;
        }
        base.Dispose(disposing);
    }

    private bool pooledIdle;

    /// <summary>
    /// Whether this returned connection may serve the next caller: still open, no reader open, and no transaction left —
    /// a transaction abandoned by its caller (an exception before commit) is rolled back here, so the next caller never
    /// inherits it. Marks the connection idle when it may.
    /// </summary>
    internal bool TryResetForReuse()
    {
        if (State != ConnectionState.Open)
        {
            return false;
        }
        Statements.ReleaseAll();
        if (OpenReaders != 0)
        {
            return false;
        }
        if (Transaction is { } abandoned)
        {
            try
            {
                abandoned.Dispose();
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                return false;
            }
        }
        // A transaction begun in SQL text (not through BeginTransaction) is not visible above: SQLite knows.
        if (Transaction is not null || raw.sqlite3_get_autocommit(Handle) == 0)
        {
            return false;
        }
        pooledIdle = true;
        return true;
    }

    /// <summary>Marks an idle connection leased again.</summary>
    internal void TakeFromPool()
    {
        pooledIdle = false;
        leased = true;
    }

    /// <summary>Closes the physical connection: its statements are finalized and the file handle released.</summary>
    internal void CloseForReal()
    {
        leased = false;
        pooledIdle = false;
        Dispose();
    }
}

/// <summary>A plain <see cref="SqliteCommand"/> of a pooled connection that counts its open reader on the connection.</summary>
internal sealed class TrackedSqliteCommand : SqliteCommand
{
    private readonly PooledSqliteConnection owner;

    public TrackedSqliteCommand(PooledSqliteConnection owner)
    {
        this.owner = owner;
        Connection = owner;
    }

    internal bool HasOpenReader => base.DataReader is not null;

    /// <summary>Closes the reader left open on this command (what disposing a command does to its reader).</summary>
    internal void CloseReader() => base.DataReader?.Dispose();

    protected override SqliteDataReader? DataReader
    {
        get => base.DataReader;
        set
        {
            var was = base.DataReader;
            base.DataReader = value;
            if (was is null && value is not null)
            {
                owner.OpenReaders++;
            }
            else if (was is not null && value is null)
            {
                owner.OpenReaders--;
            }
        }
    }
}
