using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Dapper;
using LicenceOps.Platform.Data;
using Microsoft.AspNetCore.Http;

namespace LicenceOps.Platform.Http.Paging;

/// <summary>One column of a list's sort key: its SQL expression, how to read it from a row, and its direction.</summary>
public sealed record KeyColumn<TRow>(string Sql, Func<TRow, object> Value, bool Descending = false);

/// <summary>
/// Keyset ("seek") paging of one list: the rows after the cursor in a fixed total order, read with an index seek,
/// so page 1,000 costs what page 1 costs and rows inserted while a client walks the list neither repeat nor hide
/// rows it has not reached. The sort key must be unique and its columns non-null: end it with the primary key.
/// The cursor is the previous page's last key, typed and base64url-encoded; its values are bound as parameters,
/// and the endpoint's own filters (tenant first) still apply, so a forged cursor can only move within what the
/// caller may read.
/// </summary>
public sealed class Keyset<TRow>
{
    private readonly string name;
    private readonly KeyColumn<TRow>[] columns;

    /// <param name="name">Names the list in its cursors, so a cursor of another list is refused instead of misread.</param>
    public Keyset(string name, params KeyColumn<TRow>[] columns)
    {
        if (columns.Length == 0)
        {
            throw new ArgumentException("A keyset needs at least one column.", nameof(columns));
        }
        this.name = name;
        this.columns = columns;
        OrderBy = string.Join(", ", columns.Select(c => c.Sql + (c.Descending ? " DESC" : "")));
    }

    /// <summary>The ORDER BY list of this keyset (also usable by unpaged exports of the same list).</summary>
    public string OrderBy { get; }

    /// <summary>
    /// The first page counts its list only up to this many rows: counting reads one index entry per row, so beyond
    /// this a count costs more than the page itself (a 40,000-person list would cost milliseconds per first page).
    /// </summary>
    public const int MaxCountedTotal = 1000;

    /// <summary>
    /// Reads one page: <c>{query} WHERE ({where}) AND (after the cursor) ORDER BY key</c>, where <paramref name="query"/>
    /// is a <c>SELECT … FROM …</c> without WHERE, limited to one row more than the page to know whether another page
    /// follows. On the first page it also counts the rows matching <paramref name="where"/>, up to
    /// <see cref="MaxCountedTotal"/> (the total is null past that), selecting no column so the filters' index answers it.
    /// </summary>
    public async Task<Page<TRow>> ReadAsync(ModuleDatabase db, string query, string where, object? parameters, PageRequest page, CancellationToken ct)
    {
        var bound = new DynamicParameters(parameters);
        var after = "1 = 1";
        if (page.Cursor is { } cursor)
        {
            var values = Decode(cursor);
            for (var i = 0; i < values.Length; i++)
            {
                bound.Add($"page_k{i}", values[i]);
            }
            after = SeekPredicate();
        }
        bound.Add("page_take", page.Limit + 1);

        var rows = await db.QueryAsync<TRow>(db.Dialect.Top($"{query} WHERE ({where}) AND ({after}) ORDER BY {OrderBy}", "@page_take"), bound, ct);
        long? total = null;
        if (page.Cursor is null)
        {
            var counting = new DynamicParameters(parameters);
            counting.Add("page_count_cap", MaxCountedTotal + 1);
            var from = FromClause(query);
            var limited = db.Dialect == SqlDialect.SqlServer
                ? $"SELECT TOP (@page_count_cap) 1 AS counted_row {from} WHERE ({where})"
                : $"SELECT 1 AS counted_row {from} WHERE ({where}) LIMIT @page_count_cap";
            var counted = await db.QuerySingleOrDefaultAsync<long>($"SELECT COUNT(*) FROM ({limited}) counted", counting, ct);
            total = counted <= MaxCountedTotal ? counted : null;
        }

        var more = rows.Count > page.Limit;
        var items = more ? rows.Take(page.Limit).ToList() : rows;
        return new Page<TRow>(items, page.Limit, more ? Encode(items[^1]) : null, total);
    }

    /// <summary>
    /// The <c>FROM …</c> of <c>SELECT columns FROM …</c>, so the count selects no column: a limited subquery is not
    /// flattened, and the columns it named would be read for every counted row. The FROM is the first one outside
    /// parentheses and quotes.
    /// </summary>
    internal static string FromClause(string query)
    {
        var depth = 0;
        var quoted = false;
        for (var i = 1; i + 4 < query.Length; i++)
        {
            var c = query[i];
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '(')
            {
                depth++;
            }
            else if (!quoted && c == ')')
            {
                depth--;
            }
            else if (!quoted && depth == 0 && char.IsWhiteSpace(query[i - 1]) && char.IsWhiteSpace(query[i + 4])
                && string.Compare(query, i, "FROM", 0, 4, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return query[i..];
            }
        }
        throw new ArgumentException($"A keyset list reads from a query of the form SELECT … FROM …, not: {query}", nameof(query));
    }

    /// <summary>(k0 &gt; @k0) OR (k0 = @k0 AND k1 &gt; @k1) OR …; spelt out because SQL Server has no row-value comparison.</summary>
    private string SeekPredicate()
    {
        var alternatives = new List<string>();
        for (var i = 0; i < columns.Length; i++)
        {
            var equal = Enumerable.Range(0, i).Select(j => $"{columns[j].Sql} = @page_k{j}");
            var beyond = $"{columns[i].Sql} {(columns[i].Descending ? "<" : ">")} @page_k{i}";
            alternatives.Add("(" + string.Join(" AND ", equal.Append(beyond)) + ")");
        }
        return string.Join(" OR ", alternatives);
    }

    internal string Encode(TRow row)
    {
        var key = new List<string> { name };
        foreach (var column in columns)
        {
            key.Add(column.Value(row) switch
            {
                Guid g => "g" + g.ToString("D"),
                string s => "s" + s,
                long l => "l" + l.ToString(CultureInfo.InvariantCulture),
                int n => "l" + n.ToString(CultureInfo.InvariantCulture),
                DateTimeOffset o => "o" + o.ToString("O", CultureInfo.InvariantCulture),
                DateOnly d => "d" + d.ToString("O", CultureInfo.InvariantCulture),
                var other => throw new InvalidOperationException(
                    $"Keyset {name}: column {column.Sql} gave {other?.GetType().Name ?? "null"}; key columns are non-null Guid, string, integer, DateTimeOffset or DateOnly (decimals are stored as text in SQLite and would sort as text)."),
            });
        }
        return Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(key));
    }

    internal object[] Decode(string cursor)
    {
        try
        {
            var key = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(cursor));
            if (key is null || key.Length != columns.Length + 1 || key[0] != name)
            {
                throw Invalid();
            }
            return key.Skip(1).Select(Parse).ToArray();
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or OverflowException)
        {
            throw Invalid();
        }
    }

    private static object Parse(string value)
    {
        if (value.Length == 0)
        {
            throw new FormatException("Empty key value.");
        }
        var text = value[1..];
        return value[0] switch
        {
            'g' => Guid.ParseExact(text, "D"),
            's' => text,
            'l' => long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            'o' => DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None),
            'd' => DateOnly.ParseExact(text, "O", CultureInfo.InvariantCulture),
            _ => throw new FormatException($"Unknown key type '{value[0]}'."),
        };
    }

    private static BadHttpRequestException Invalid() =>
        new("cursor is not a cursor of this list: pass back the nextCursor of the previous page unchanged, or omit it for the first page.");
}

/// <summary>Shorthand for declaring a keyset column.</summary>
public static class SortKey
{
    public static KeyColumn<TRow> Asc<TRow>(string sql, Func<TRow, object> value) => new(sql, value);

    public static KeyColumn<TRow> Desc<TRow>(string sql, Func<TRow, object> value) => new(sql, value, Descending: true);
}
