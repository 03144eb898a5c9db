using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace LicenceOps.IntegrationTests.Security;

/// <summary>Every table of every module database of a host, as row counts and content hashes, to prove a request changed nothing.</summary>
internal static class DatabaseSnapshot
{
    /// <summary>Rows and a hash of every row of every table of every module database; message plumbing excluded.</summary>
    public static async Task<Dictionary<string, string>> TakeAsync(string dataDirectory)
    {
        var snapshot = new Dictionary<string, string>();
        foreach (var file in Directory.GetFiles(dataDirectory, "*.db").Order(StringComparer.Ordinal))
        {
            await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync();
            var tables = new List<string>();
            await using (var list = connection.CreateCommand())
            {
                list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            foreach (var table in tables.Where(t => !Plumbing.Any(p => t.Contains(p, StringComparison.OrdinalIgnoreCase))))
            {
                await using var select = connection.CreateCommand();
                // A WITHOUT ROWID table (data_versions, ADR 0033) has no rowid: its primary key orders it instead.
                select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY " + await OrderOfAsync(connection, table);
                await using var reader = await select.ExecuteReaderAsync();
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var rows = 0;
                while (await reader.ReadAsync())
                {
                    rows++;
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        hash.AppendData(Encoding.UTF8.GetBytes((reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)) + "|"));
                    }
                }

                snapshot[$"{Path.GetFileNameWithoutExtension(file)}.{table}"] = $"{rows} rows {Convert.ToHexString(hash.GetHashAndReset())[..12]}";
            }
        }

        return snapshot;
    }

    private static async Task<string> OrderOfAsync(SqliteConnection connection, string table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $table";
        command.Parameters.AddWithValue("$table", table);
        if (await command.ExecuteScalarAsync() is not string sql || !sql.Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase))
        {
            return "rowid";
        }
        command.CommandText = "SELECT name FROM pragma_table_info($table) WHERE pk > 0 ORDER BY pk";
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add($"\"{reader.GetString(0)}\"");
            }
        }
        return string.Join(", ", keys);
    }

    /// <summary>
    /// Delivery bookkeeping moves on its own (outbox marks, inbox rows); so does invoice_documents, the store of PDFs
    /// rendered from already issued invoices, which the demo fills in the background after its history is written.
    /// The business tables and the audit must not move.
    /// </summary>
    private static readonly string[] Plumbing = ["outbox", "inbox", "schema_migrations", "invoice_documents"];

    /// <summary>Waits until two snapshots half a second apart agree (background consumers and jobs have settled).</summary>
    public static async Task WaitUntilQuietAsync(string dataDirectory)
    {
        string? previous = null;
        for (var i = 0; i < 20; i++)
        {
            var current = string.Join(";", (await TakeAsync(dataDirectory)).Select(kv => kv.Key + kv.Value));
            if (current == previous)
            {
                return;
            }

            previous = current;
            await Task.Delay(500);
        }
    }

    public static IReadOnlyList<string> Differences(Dictionary<string, string> before, Dictionary<string, string> after) =>
        before.Keys.Union(after.Keys)
            .Where(table => before.GetValueOrDefault(table) != after.GetValueOrDefault(table))
            .Select(table => $"{table}: {before.GetValueOrDefault(table)} → {after.GetValueOrDefault(table)}")
            .ToList();
}
