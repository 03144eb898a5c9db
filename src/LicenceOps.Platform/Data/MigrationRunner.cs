using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Platform.Data;

/// <summary>A set of numbered scripts embedded in an assembly under a resource folder, e.g. "LicenceOps.Seats.Sql".</summary>
public sealed record MigrationSource(Assembly Assembly, string ResourceFolder, string JournalPrefix)
{
    public static MigrationSource PlatformSchema { get; } =
        new(typeof(MigrationSource).Assembly, "LicenceOps.Platform.Data.Schema", "platform");

    /// <summary>The module's scripts: the Sql/ folder beside the module class (resource names follow namespaces).</summary>
    public static MigrationSource ForModule(Modules.IModule module)
    {
        var type = module.GetType();
        return new MigrationSource(type.Assembly, $"{type.Namespace}.Sql", module.Name.ToLowerInvariant());
    }

    public IReadOnlyList<(string Id, string Resource)> Scripts(SqlDialect dialect)
    {
        var prefix = $"{ResourceFolder}.{dialect.ScriptFolder()}.";
        return Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => ($"{JournalPrefix}/{name[prefix.Length..^4]}", name))
            .ToList();
    }

    public string Read(string resource)
    {
        using var stream = Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing embedded script {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>Applies each script once, in name order, recording it in schema_migrations in the same transaction.</summary>
public sealed partial class MigrationRunner(ILogger<MigrationRunner> logger)
{
    public async Task ApplyAsync(ModuleDatabase database, IEnumerable<MigrationSource> sources, CancellationToken ct)
    {
        await using (var connection = await database.OpenAsync(ct))
        {
            if (database.Dialect == SqlDialect.Sqlite)
            {
                // WAL lets readers proceed while one writer commits; the setting is stored in the file.
                await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
            }

            await connection.ExecuteAsync(database.Dialect == SqlDialect.Sqlite
                ? "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)"
                : """
                  IF OBJECT_ID(N'schema_migrations', N'U') IS NULL
                  CREATE TABLE schema_migrations (id NVARCHAR(200) NOT NULL PRIMARY KEY, applied_at DATETIMEOFFSET NOT NULL)
                  """);
        }

        foreach (var source in sources)
        {
            foreach (var (id, resource) in source.Scripts(database.Dialect))
            {
                var applied = await database.WriteAsync(async unit =>
                {
                    if (database.Dialect == SqlDialect.SqlServer)
                    {
                        // Several hosts may start at once against the same database.
                        await unit.ExecuteAsync("EXEC sp_getapplock @Resource = 'schema_migrations', @LockMode = 'Exclusive', @LockOwner = 'Transaction'");
                    }

                    var done = await unit.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations WHERE id = @id", new { id });
                    if (done > 0)
                    {
                        return false;
                    }

                    foreach (var batch in Batches(source.Read(resource), database.Dialect))
                    {
                        await unit.ExecuteAsync(batch);
                    }

                    await unit.ExecuteAsync("INSERT INTO schema_migrations (id, applied_at) VALUES (@id, @now)", new { id, now = unit.Now });
                    return true;
                }, ct);

                if (applied)
                {
                    LogApplied(database.Module, id);
                }
            }
        }
    }

    /// <summary>T-SQL scripts may hold several batches separated by GO lines; SQLite runs a whole script at once.</summary>
    internal static IEnumerable<string> Batches(string script, SqlDialect dialect) =>
        dialect == SqlDialect.Sqlite
            ? [script]
            : GoLine().Split(script).Where(batch => !string.IsNullOrWhiteSpace(batch));

    [GeneratedRegex(@"^\s*GO\s*;?\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();

    [LoggerMessage(Level = LogLevel.Information, Message = "{Module}: applied migration {Migration}")]
    private partial void LogApplied(string module, string migration);
}
