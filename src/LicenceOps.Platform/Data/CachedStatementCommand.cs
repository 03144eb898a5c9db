using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace LicenceOps.Platform.Data;

/// <summary>
/// The command a <see cref="PooledSqliteConnection"/> hands to Dapper and other <see cref="DbConnection"/> callers. It
/// only collects what the caller sets (text, parameters, transaction, timeout); at execution it takes the connection's
/// cached <see cref="SqliteCommand"/> for its final text (Dapper may rewrite the text while adding parameters, e.g. to
/// expand a list), moves the parameters and the transaction onto it and runs it there. Disposing it gives the cached
/// command back instead of finalizing its statements (ADR 0041).
/// </summary>
/// <remarks>
/// Parameters never carry over from one execution to the next: the cached command's collection is emptied when it is
/// given back and refilled from this command's at each execution, and Microsoft.Data.Sqlite refuses to run a statement
/// with fewer bound parameters than it declares, whatever values an earlier execution left bound in SQLite.
/// </remarks>
internal sealed class CachedStatementCommand(PooledSqliteConnection connection) : DbCommand
{
    private readonly ParameterList parameters = new();
    private string text = string.Empty;
    private int? timeout;
    private SqliteStatementCache.Entry? cached;
    private TrackedSqliteCommand? uncached;

    [AllowNull]
    public override string CommandText
    {
        get => text;
        set => text = value ?? string.Empty;
    }

    public override int CommandTimeout
    {
        get => timeout ?? connection.DefaultTimeout;
        set => timeout = value;
    }

    public override CommandType CommandType
    {
        get => CommandType.Text;
        set
        {
            if (value != CommandType.Text)
            {
                throw new ArgumentException($"SQLite runs only CommandType.Text, not {value}.", nameof(value));
            }
        }
    }

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection
    {
        get => connection;
        set
        {
            if (!ReferenceEquals(value, connection))
            {
                throw new InvalidOperationException("A cached SQLite command runs only on the connection that created it.");
            }
        }
    }

    // As SqliteConnection.CreateCommand: a command created inside a transaction runs in it unless told otherwise.
    protected override DbTransaction? DbTransaction { get; set; } = connection.CurrentTransaction;

    protected override DbParameterCollection DbParameterCollection => parameters;

    protected override DbParameter CreateDbParameter() => new SqliteParameter();

    /// <summary>Does nothing, as <see cref="SqliteCommand.Cancel"/>: SQLite statements here are not cancelled from outside.</summary>
    public override void Cancel()
    {
    }

    /// <summary>Compiles the text now (on the cached command when it is cached).</summary>
    public override void Prepare()
    {
        try
        {
            Bind().Prepare();
        }
        finally
        {
            Release();
        }
    }

    public override int ExecuteNonQuery()
    {
        try
        {
            return Bind().ExecuteNonQuery();
        }
        finally
        {
            Release();
        }
    }

    public override object? ExecuteScalar()
    {
        try
        {
            return Bind().ExecuteScalar();
        }
        finally
        {
            Release();
        }
    }

    /// <summary>The reader of the cached command; the command stays taken until this one is disposed or runs again.</summary>
    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
    {
        try
        {
            return Bind().ExecuteReader(behavior);
        }
        catch
        {
            Release();
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
        }
        base.Dispose(disposing);
    }

    private TrackedSqliteCommand Bind()
    {
        Release();
        var command = connection.Statements.Take(text, out cached);
        if (cached is null)
        {
            uncached = command;
        }
        command.Transaction = (SqliteTransaction?)DbTransaction;
        command.CommandTimeout = CommandTimeout;
        var target = command.Parameters;
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            parameter.ParameterName = PrefixedName(parameter.ParameterName);
            target.Add(parameter);
        }
        return command;
    }

    /// <summary>Names given their <c>@</c>, kept for the names that come again (Dapper's property names and list items).</summary>
    private static readonly ConcurrentDictionary<string, string> Prefixed = new(StringComparer.Ordinal);

    /// <summary>Names kept at most: the statements' own vocabulary is a few hundred, list items add one per position.</summary>
    private const int PrefixedCapacity = 8192;

    /// <summary>
    /// <paramref name="name"/> as the statement spells it, with its <c>@</c>: Dapper names parameters without it, and
    /// Microsoft.Data.Sqlite then looks a bare name up in the statement four times (bare, then with each of <c>@ $ :</c>, the last
    /// three to detect an ambiguous name), each lookup a native call with the name encoded to UTF-8 anew and each prefixed
    /// name a new string: a first reconciliation binds about 85,000 parameters (docs/performance.md, feat/i11al). Every
    /// statement of the product spells its parameters with <c>@</c>; a name that already has a prefix is left as it is.
    /// </summary>
    internal static string PrefixedName(string name)
    {
        if (name.Length == 0 || name[0] is '@' or '$' or ':')
        {
            return name;
        }
        if (Prefixed.TryGetValue(name, out var prefixed))
        {
            return prefixed;
        }
        prefixed = "@" + name;
        if (Prefixed.Count < PrefixedCapacity)
        {
            Prefixed.TryAdd(name, prefixed);
        }
        return prefixed;
    }

    private void Release()
    {
        if (cached is { } entry)
        {
            cached = null;
            connection.Statements.Release(entry);
        }
        if (uncached is { } command)
        {
            uncached = null;
            command.Dispose();
        }
    }

    /// <summary>Microsoft.Data.Sqlite's own collection (its constructor is for subclasses).</summary>
    private sealed class ParameterList : SqliteParameterCollection;
}
