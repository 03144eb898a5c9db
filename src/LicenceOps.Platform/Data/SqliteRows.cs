using System.Buffers.Text;
using System.Collections;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LicenceOps.Platform.Data;

/// <summary>Reads one row of <see cref="UnitOfWork.QueryRowsAsync{T}"/> from its columns by position; the row is not valid after the call.</summary>
public delegate T ReadSqliteRow<out T>(SqliteRow row);

/// <summary>Hands one row of <see cref="UnitOfWork.StepRowsAsync"/> to its reader; the row is not valid after the call.</summary>
public delegate void StepSqliteRow(SqliteRow row);

/// <summary>
/// The current row of a SQLite statement stepped by <see cref="SqliteRows"/>: each column read by its position, where the statement
/// holds it, and converted as the Dapper type handlers read the values they store on SQLite (<see cref="DapperTypeHandlers"/>: GUIDs
/// and dates as text, flags as 0/1, decimals as text). No reader, no value boxed, no column looked up by name.
/// </summary>
public readonly ref struct SqliteRow
{
    private readonly sqlite3_stmt stmt;

    internal SqliteRow(sqlite3_stmt stmt) => this.stmt = stmt;

    public bool IsNull(int column) => raw.sqlite3_column_type(stmt, column) == raw.SQLITE_NULL;

    /// <summary>The column's bytes (a BLOB, or a text as its UTF-8) where SQLite holds them; a NULL reads as no bytes.</summary>
    public ReadOnlySpan<byte> Bytes(int column) => raw.sqlite3_column_blob(stmt, column);

    public string? NullableString(int column) => IsNull(column) ? null : Encoding.UTF8.GetString(Bytes(column));

    public string String(int column) => NullableString(column) ?? throw Null(column, "a text");

    public Guid? NullableGuid(int column)
    {
        if (IsNull(column))
        {
            return null;
        }
        var text = Bytes(column);
        return Utf8Parser.TryParse(text, out Guid guid, out var used, 'D') && used == text.Length ? guid : System.Guid.Parse(Encoding.UTF8.GetString(text));
    }

    public Guid Guid(int column) => NullableGuid(column) ?? throw Null(column, "a GUID");

    public long Int64(int column) => IsNull(column) ? throw Null(column, "a number") : raw.sqlite3_column_int64(stmt, column);

    public int Int32(int column) => checked((int)Int64(column));

    public int? NullableInt32(int column) => IsNull(column) ? null : checked((int)raw.sqlite3_column_int64(stmt, column));

    /// <summary>A flag stored as 0 or 1.</summary>
    public bool Flag(int column) => Int64(column) != 0;

    public bool? NullableFlag(int column) => IsNull(column) ? null : raw.sqlite3_column_int64(stmt, column) != 0;

    /// <summary>A date stored as <c>yyyy-MM-dd</c> (or an instant, whose date part is taken), as Dapper's handler reads it.</summary>
    public DateOnly? NullableDate(int column)
    {
        if (IsNull(column))
        {
            return null;
        }
        var text = Bytes(column);
        return PackedRows.StoredDate(text) ?? DateOnly.ParseExact(Encoding.UTF8.GetString(text)[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public DateOnly Date(int column) => NullableDate(column) ?? throw Null(column, "a date");

    /// <summary>
    /// An instant as Dapper's handler reads it on SQLite: the handlers' fixed-width UTC text (<c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>) read
    /// digit by digit where SQLite holds it, any other text by the general parser, assumed and adjusted to UTC.
    /// </summary>
    public DateTimeOffset? NullableInstant(int column)
    {
        if (IsNull(column))
        {
            return null;
        }
        var text = Bytes(column);
        return PackedRows.StoredInstant(text)
            ?? DateTimeOffset.Parse(Encoding.UTF8.GetString(text), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    public DateTimeOffset Instant(int column) => NullableInstant(column) ?? throw Null(column, "an instant");

    /// <summary>A decimal as the handler reads it: stored as text (every digit kept), or as an integer or a real.</summary>
    public decimal? NullableDecimal(int column) => raw.sqlite3_column_type(stmt, column) switch
    {
        raw.SQLITE_NULL => null,
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(stmt, column),
        raw.SQLITE_FLOAT => (decimal)raw.sqlite3_column_double(stmt, column),
        _ => decimal.Parse(Encoding.UTF8.GetString(Bytes(column)), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture),
    };

    public decimal Decimal(int column) => NullableDecimal(column) ?? throw Null(column, "a decimal");

    private static FormatException Null(int column, string what) => new($"Column {column} is NULL where {what} was expected.");
}

/// <summary>
/// Steps a SQLite query through SQLitePCL on the connection's own handle, its parameters bound directly and its rows handed over
/// while the statement is on them (<see cref="SqliteRow"/>). Microsoft.Data.Sqlite and Dapper spend tens of microseconds per
/// statement on a command, its parameter objects, a reader and a mapping by column name: the reconciliation's read-ahead runs about
/// ten small statements per account, which cost four times SQLite's own work (docs/performance.md, feat/i11fx).
/// </summary>
/// <remarks>
/// A list parameter (any enumerable but a string) is expanded where its name appears, as Dapper expands <c>IN @ids</c>: into
/// <c>(@ids__0, @ids__1, …)</c>, padded to a power of two with empty texts so that a pooled connection compiles a statement once per
/// size class rather than once per length (<see cref="SqliteStatementCache"/>): an empty text must therefore match no value of the
/// column it is compared with (ids, kinds and codes never are empty), for <c>IN</c> as for <c>NOT IN</c>. An empty list reads as one
/// empty text: <c>IN</c> matches nothing, <c>NOT IN</c> everything, as Dapper's expansion does. Other values are bound as
/// <see cref="SqliteRowsStatement"/> binds them.
/// </remarks>
internal static class SqliteRows
{
    public static void Step(SqliteConnection connection, string sql, object? param, StepSqliteRow read)
    {
        var (text, lists) = Expand(sql, param);
        var pooled = connection as PooledSqliteConnection;
        var stmt = pooled?.Statements.TakeRaw(text) ?? SqliteRowsStatement.Prepare(connection.Handle!, text);
        try
        {
            SqliteRowsStatement.BindAll(connection, stmt, param, lists, raw.sqlite3_bind_parameter_count(stmt), bound: 0);
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
                read(new SqliteRow(stmt));
            }
            SqliteRowsStatement.Check(connection, rc);
        }
        finally
        {
            SqliteRowsStatement.Release(pooled, stmt);
        }
    }

    internal static string ItemName(string name, int i) => string.Create(CultureInfo.InvariantCulture, $"{name}__{i}");

    /// <summary>The statement's text with every list parameter expanded (padded), and each list's values to bind; none when no list.</summary>
    internal static (string Sql, Dictionary<string, List<object?>>? Lists) Expand(string sql, object? param)
    {
        if (param is null)
        {
            return (sql, null);
        }
        Dictionary<string, List<object?>>? lists = null;
        foreach (var (name, get) in SqliteRowsStatement.Getters(param.GetType()))
        {
            if (get(param) is not IEnumerable values || values is string)
            {
                continue;
            }
            var items = new List<object?>();
            foreach (var value in values)
            {
                items.Add(value);
            }
            var size = 1;
            while (size < items.Count)
            {
                size *= 2;
            }
            while (items.Count < size)
            {
                items.Add("");
            }
            var expanded = new StringBuilder("(");
            for (var i = 0; i < size; i++)
            {
                expanded.Append(i == 0 ? "" : ", ").Append(ItemName(name, i));
            }
            sql = ReplaceName(sql, name, expanded.Append(')').ToString());
            (lists ??= [])[name] = items;
        }
        return (sql, lists);
    }

    /// <summary><paramref name="name"/> replaced wherever it appears as a whole parameter name (not as the start of a longer one).</summary>
    private static string ReplaceName(string sql, string name, string with)
    {
        var text = new StringBuilder(sql.Length + with.Length);
        var from = 0;
        int at;
        while ((at = sql.IndexOf(name, from, StringComparison.Ordinal)) >= 0)
        {
            var end = at + name.Length;
            text.Append(sql, from, at - from);
            if (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
            {
                text.Append(name);
            }
            else
            {
                text.Append(with);
            }
            from = end;
        }
        return text.Append(sql, from, sql.Length - from).ToString();
    }
}
