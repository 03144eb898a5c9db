using Microsoft.Data.Sqlite;

namespace LicenceOps.Platform.Data;

/// <summary>
/// The statements one pooled SQLite connection keeps compiled, by SQL text (ADR 0041). A
/// <see cref="SqliteCommand"/> keeps its compiled statements for as long as its text and connection do not change, so
/// the cache keeps one command per text and runs every execution of that text on it; compiling (parsing, planning, and
/// the data-version triggers of each INSERT) is then paid once per connection instead of at every call.
/// </summary>
/// <remarks>
/// <para>Bounded: at most <see cref="Capacity"/> texts, the least recently used evicted (its statements finalized). A
/// text is cached the second time it runs on the connection: SQL run once (migrations, a Dapper IN-list of a size seen
/// once) is compiled, run and finalized as before and never takes a place.</para>
/// <para>A cached command serves one execution at a time; while it is in use (an open reader, a nested query of the same
/// text) the same text runs on a plain command instead.</para>
/// <para>Used only by the flow that leased the connection, so it takes no lock.</para>
/// </remarks>
internal sealed class SqliteStatementCache(PooledSqliteConnection connection)
{
    /// <summary>
    /// Texts kept compiled per connection. 64, not more: each costs 11–15 KiB of SQLite heap, and at 256 a 10,000-tenant
    /// invoice run filled the caches with Dapper IN-list variants (737 texts, 11 MiB) and took the run past its 300 MB goal.
    /// </summary>
    public const int Capacity = 64;

    /// <summary>Texts remembered as seen once per connection; the memory is forgotten when it fills.</summary>
    public const int SeenOnceCapacity = 1024;

    private readonly Dictionary<string, LinkedListNode<Entry>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> byRecency = new();
    private readonly HashSet<string> seenOnce = new(StringComparer.Ordinal);
    private int inUse;

    /// <summary>Texts cached now.</summary>
    public int Count => entries.Count;

    /// <summary>Commands compiled for this connection's cached-statement path: cached texts and one-off runs alike.</summary>
    public long Compiled { get; private set; }

    /// <summary>Executions that ran on an already compiled cached statement.</summary>
    public long Reused { get; private set; }

    /// <summary>
    /// The command to run <paramref name="sql"/> on: the cached one when it is free, otherwise a new command, cached when the
    /// text was seen before and there is room. <paramref name="entry"/> is what to give back to <see cref="Release"/>.
    /// </summary>
    public TrackedSqliteCommand Take(string sql, out Entry? entry)
    {
        if (entries.TryGetValue(sql, out var node))
        {
            var cached = node.Value;
            if (!cached.InUse && !cached.Command.HasOpenReader)
            {
                cached.InUse = true;
                inUse++;
                byRecency.Remove(node);
                byRecency.AddFirst(node);
                Reused++;
                entry = cached;
                return cached.Command;
            }
            entry = null;
            return NewCommand(sql);
        }

        if (seenOnce.Add(sql))
        {
            if (seenOnce.Count > SeenOnceCapacity)
            {
                seenOnce.Clear();
            }
            entry = null;
            return NewCommand(sql);
        }
        seenOnce.Remove(sql);

        if (entries.Count >= Capacity && !EvictLeastRecentlyUsed())
        {
            entry = null;
            return NewCommand(sql);
        }
        entry = new Entry(NewCommand(sql)) { InUse = true };
        inUse++;
        entries.Add(sql, byRecency.AddFirst(entry));
        return entry.Command;
    }

    /// <summary>Frees every cached command still marked in use (a command never disposed by its caller) when the connection is returned.</summary>
    public void ReleaseAll()
    {
        if (inUse == 0)
        {
            return;
        }
        foreach (var entry in byRecency)
        {
            if (entry.InUse)
            {
                Release(entry);
            }
        }
    }

    private readonly Dictionary<string, SQLitePCL.sqlite3_stmt> rawStatements = new(StringComparer.Ordinal);

    /// <summary>
    /// The compiled statement of a text run through SQLitePCL directly (<see cref="SqliteRowsStatement"/>), kept for the connection's
    /// life: a handful of texts (the set writers' statements), counted as the cached commands are.
    /// </summary>
    public SQLitePCL.sqlite3_stmt TakeRaw(string sql)
    {
        if (rawStatements.TryGetValue(sql, out var stmt))
        {
            Reused++;
            return stmt;
        }
        stmt = SqliteRowsStatement.Prepare(connection.Handle!, sql);
        rawStatements.Add(sql, stmt);
        Compiled++;
        return stmt;
    }

    /// <summary>Drops every cached command; the connection is being closed (its Close finalizes their statements).</summary>
    public void Clear()
    {
        foreach (var stmt in rawStatements.Values)
        {
            stmt.Dispose();
        }
        rawStatements.Clear();
        foreach (var entry in byRecency)
        {
            entry.Command.Dispose();
        }
        entries.Clear();
        byRecency.Clear();
        seenOnce.Clear();
        inUse = 0;
    }

    /// <summary>Gives a cached command back after its execution: its reader closed, its parameters dropped.</summary>
    public void Release(Entry entry)
    {
        if (!entry.InUse)
        {
            return;
        }
        entry.Command.CloseReader();
        entry.Command.Parameters.Clear();
        entry.Command.Transaction = null;
        entry.InUse = false;
        inUse--;
    }

    private TrackedSqliteCommand NewCommand(string sql)
    {
        Compiled++;
        return new TrackedSqliteCommand(connection) { CommandText = sql };
    }

    private bool EvictLeastRecentlyUsed()
    {
        for (var node = byRecency.Last; node is not null; node = node.Previous)
        {
            if (!node.Value.InUse && !node.Value.Command.HasOpenReader)
            {
                byRecency.Remove(node);
                entries.Remove(node.Value.Command.CommandText);
                node.Value.Command.Dispose();
                return true;
            }
        }
        return false;
    }

    internal sealed class Entry(TrackedSqliteCommand command)
    {
        public TrackedSqliteCommand Command { get; } = command;

        public bool InUse { get; set; }
    }
}
