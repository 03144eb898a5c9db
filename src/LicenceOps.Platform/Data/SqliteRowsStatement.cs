using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LicenceOps.Platform.Data;

/// <summary>
/// Runs a SQLite statement that reads a set of JSON rows (<c>jsonb_each(CAST(@rows AS TEXT))</c>, <see cref="JsonRows"/>) with the
/// rows bound from the buffer they were written into, through SQLitePCL on the connection's own handle: Microsoft.Data.Sqlite binds a
/// whole <c>byte[]</c> only, so every such statement copied its rows into a new array first (a reconciliation's findings, usage
/// sheets, outbox and audit rows: tens of megabytes per first run, docs/performance.md, feat/i11hk). SQLite copies the bytes it is
/// given (<c>SQLITE_TRANSIENT</c>) into its own heap, as it did from the array.
/// </summary>
/// <remarks>
/// The statement runs on the connection's handle, so inside whatever transaction the connection has open, as a command would.
/// Its other parameters are bound as the Dapper type handlers store them on SQLite (<see cref="DapperTypeHandlers"/>): GUIDs as
/// <see cref="SqliteText"/>, instants as fixed-width UTC text, dates as yyyy-MM-dd, flags as 0/1. A pooled connection keeps the
/// compiled statement (<see cref="SqliteStatementCache"/>, ADR 0041); another connection compiles it for the one execution.
/// </remarks>
internal static class SqliteRowsStatement
{
    public const string RowsParameter = "@rows";

    public static int Execute(SqliteConnection connection, string sql, ReadOnlySpan<byte> rows, object? param, string rowsName = RowsParameter)
    {
        var pooled = connection as PooledSqliteConnection;
        var stmt = pooled?.Statements.TakeRaw(sql) ?? Prepare(connection.Handle!, sql);
        try
        {
            var expected = raw.sqlite3_bind_parameter_count(stmt);
            var bound = 0;
            var index = raw.sqlite3_bind_parameter_index(stmt, rowsName);
            if (index > 0)
            {
                Check(connection, raw.sqlite3_bind_blob(stmt, index, rows));
                bound++;
            }
            BindAll(connection, stmt, param, null, expected, bound);
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
            }
            Check(connection, rc);
            return raw.sqlite3_changes(connection.Handle);
        }
        finally
        {
            Release(pooled, stmt);
        }
    }

    /// <summary>
    /// A statement done with: disposed when it was compiled for this call alone, else left in its connection's cache ready for its
    /// next execution with nothing bound (the error, if any, was read before).
    /// </summary>
    internal static void Release(PooledSqliteConnection? pooled, sqlite3_stmt stmt)
    {
        if (pooled is null)
        {
            stmt.Dispose();
        }
        else
        {
            raw.sqlite3_reset(stmt);
            raw.sqlite3_clear_bindings(stmt);
        }
    }

    /// <summary>
    /// Binds <paramref name="param"/>'s properties to the statement's parameters of the same <c>@</c>-name, a list's items to the
    /// names it was expanded into (<see cref="SqliteRows"/>), and refuses, as Microsoft.Data.Sqlite does, a statement left with a
    /// parameter unbound (it would read NULL). <paramref name="bound"/>: the parameters the caller bound already.
    /// </summary>
    internal static void BindAll(SqliteConnection connection, sqlite3_stmt stmt, object? param, Dictionary<string, List<object?>>? lists, int expected, int bound)
    {
        if (param is not null)
        {
            foreach (var (name, get) in Getters(param.GetType()))
            {
                if (lists is not null && lists.TryGetValue(name, out var items))
                {
                    for (var i = 0; i < items.Count; i++)
                    {
                        var item = raw.sqlite3_bind_parameter_index(stmt, SqliteRows.ItemName(name, i));
                        if (item > 0)
                        {
                            Bind(connection, stmt, item, items[i]);
                            bound++;
                        }
                    }
                    continue;
                }
                var index = raw.sqlite3_bind_parameter_index(stmt, name);
                if (index > 0)
                {
                    Bind(connection, stmt, index, get(param));
                    bound++;
                }
            }
        }
        if (bound != expected)
        {
            throw new InvalidOperationException($"Must add values for all {expected} parameters of the statement; {bound} were given.");
        }
    }

    internal static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        var rc = raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var stmt, out var tail);
        SqliteException.ThrowExceptionForRC(rc, db);
        if (!string.IsNullOrWhiteSpace(tail))
        {
            stmt.Dispose();
            throw new ArgumentException("A statement with JSON rows must be a single statement.", nameof(sql));
        }
        return stmt;
    }

    internal static void Bind(SqliteConnection connection, sqlite3_stmt stmt, int index, object? value)
    {
        Span<byte> utf8 = stackalloc byte[36];
        var rc = value switch
        {
            null => raw.sqlite3_bind_null(stmt, index),
            Guid guid => BindGuid(stmt, index, guid, utf8),
            string text => raw.sqlite3_bind_text(stmt, index, text),
            bool flag => raw.sqlite3_bind_int64(stmt, index, flag ? 1 : 0),
            int number => raw.sqlite3_bind_int64(stmt, index, number),
            long number => raw.sqlite3_bind_int64(stmt, index, number),
            DateTimeOffset instant => raw.sqlite3_bind_text(stmt, index, DapperTypeHandlers.SqliteInstant(instant)),
            DateOnly date => raw.sqlite3_bind_text(stmt, index, date.ToString("O", CultureInfo.InvariantCulture)),
            _ => throw new NotSupportedException($"A {value.GetType().Name} parameter is not bound with JSON rows."),
        };
        Check(connection, rc);
    }

    private static int BindGuid(sqlite3_stmt stmt, int index, Guid value, Span<byte> utf8)
    {
        SqliteText.Format(value, utf8);
        return raw.sqlite3_bind_text(stmt, index, utf8[..36]);
    }

    /// <summary>SQLite's error as Microsoft.Data.Sqlite raises it (its message and codes); OK, ROW and DONE pass.</summary>
    internal static void Check(SqliteConnection connection, int rc) => SqliteException.ThrowExceptionForRC(rc, connection.Handle);

    private static readonly ConcurrentDictionary<Type, (string Name, Func<object, object?> Get)[]> GettersByType = new();

    /// <summary>The parameter object's public properties by their <c>@</c>-name, read once per type (anonymous types, as Dapper's).</summary>
    internal static (string Name, Func<object, object?> Get)[] Getters(Type type) => GettersByType.GetOrAdd(type, static t =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => ("@" + p.Name, (Func<object, object?>)p.GetValue))
            .ToArray());
}
