using LicenceOps.Platform.Data;

namespace LicenceOps.IntegrationTests.Platform.DataVersions;

/// <summary>Checks, on a module's SQLite file, that a data-version scope really covers the tables a reader relies on.</summary>
public static class DataVersionsKit
{
    /// <summary>
    /// Fails unless every table has its insert, update and delete trigger for <paramref name="scope"/> (ADR 0033 names:
    /// dv_&lt;scope&gt;_&lt;table&gt;_ins|upd|del) and each of them writes to data_versions.
    /// </summary>
    public static async Task AssertScopeCoversAsync(ModuleDatabase db, string scope, params string[] tables) =>
        Assert.That(await MissingTriggersAsync(db, scope, tables), Is.Empty, $"{db.Module}: scope '{scope}' lacks these triggers");

    /// <summary>The names of the scope's triggers that are absent or do not do their job, for the tables given.</summary>
    public static async Task<IReadOnlyList<string>> MissingTriggersAsync(ModuleDatabase db, string scope, params string[] tables)
    {
        var triggers = (await db.QueryAsync<TriggerRow>(
                "SELECT name AS Name, tbl_name AS TableName, sql AS Sql FROM sqlite_master WHERE type = 'trigger'"))
            .ToDictionary(t => t.Name, StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var table in tables)
        {
            foreach (var (suffix, when) in new[] { ("ins", "AFTER INSERT"), ("upd", "AFTER UPDATE"), ("del", "AFTER DELETE") })
            {
                var name = $"dv_{scope}_{table}_{suffix}";
                if (!triggers.TryGetValue(name, out var trigger)
                    || trigger.TableName != table
                    || !trigger.Sql.Contains(when, StringComparison.OrdinalIgnoreCase)
                    || !trigger.Sql.Contains($"'{scope}'", StringComparison.Ordinal)
                    || !trigger.Sql.Contains("data_versions", StringComparison.Ordinal))
                {
                    missing.Add(name);
                }
            }
        }
        return missing;
    }

    private sealed record TriggerRow(string Name, string TableName, string Sql);
}
