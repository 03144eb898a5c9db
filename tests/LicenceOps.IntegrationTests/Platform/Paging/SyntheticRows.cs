using System.Globalization;
using Dapper;
using LicenceOps.Platform.Data;

namespace LicenceOps.IntegrationTests.Platform.Paging;

/// <summary>
/// Inserts rows into any SQLite table from its schema: the columns a test names get its values, nullable columns stay
/// NULL, and the other required columns get a value of the right shape (unique text, zero amounts, a date, a
/// timestamp). Lets the paging tests fill every list endpoint without a workflow per table; what the rows mean does
/// not matter to paging, only their keys and their tenant.
/// </summary>
internal static class SyntheticRows
{
    private sealed record Column(string Name, string Type, bool NotNull, string? Default, bool PrimaryKey);

    public static async Task InsertAsync(ModuleDatabase db, string table, IReadOnlyDictionary<string, object?> values)
    {
        await using var connection = await db.OpenAsync();
        var columns = (await connection.QueryAsync<(string Name, string Type, long NotNull, string? Default, long Pk)>(
                $"SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{table}')"))
            .Select(c => new Column(c.Name, c.Type, c.NotNull == 1, c.Default, c.Pk > 0))
            .ToList();
        if (columns.Count == 0)
        {
            throw new InvalidOperationException($"No table {table}.");
        }

        var parameters = new DynamicParameters();
        var names = new List<string>();
        foreach (var column in columns)
        {
            object? value;
            if (values.TryGetValue(column.Name, out var given))
            {
                value = given;
            }
            else if (column.PrimaryKey && column.Type.Equals("INTEGER", StringComparison.OrdinalIgnoreCase))
            {
                continue; // the rowid: SQLite numbers it
            }
            else if (!column.PrimaryKey && (!column.NotNull || column.Default is not null))
            {
                continue;
            }
            else
            {
                value = Filler(column);
            }
            names.Add(column.Name);
            parameters.Add("p_" + column.Name, value);
        }
        // Rows stand alone (their parents may be other synthetic rows or none): foreign keys off for this insert only.
        await connection.ExecuteAsync("PRAGMA foreign_keys = OFF");
        try
        {
            await connection.ExecuteAsync(
                $"INSERT INTO {table} ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select(n => "@p_" + n))})", parameters);
        }
        finally
        {
            await connection.ExecuteAsync("PRAGMA foreign_keys = ON");
        }
    }

    private static object Filler(Column column)
    {
        var name = column.Name;
        if (name == "id" || name.EndsWith("_id", StringComparison.Ordinal))
        {
            return Guid.NewGuid();
        }
        if (name.EndsWith("_date", StringComparison.Ordinal) || name.EndsWith("_on", StringComparison.Ordinal)
            || name.EndsWith("_start", StringComparison.Ordinal) || name.EndsWith("_end", StringComparison.Ordinal))
        {
            return new DateOnly(2026, 10, 31);
        }
        if (name.EndsWith("_at", StringComparison.Ordinal))
        {
            return new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
        }
        if (column.Type.Equals("INTEGER", StringComparison.OrdinalIgnoreCase) || column.Type.Equals("REAL", StringComparison.OrdinalIgnoreCase)
            || new[] { "price", "amount", "total", "rate", "quantity", "vat" }.Any(w => name.Contains(w, StringComparison.Ordinal)))
        {
            return column.Type.Equals("TEXT", StringComparison.OrdinalIgnoreCase) ? "0" : 0;
        }
        return "t" + Guid.NewGuid().ToString("N")[..10].ToString(CultureInfo.InvariantCulture);
    }
}
