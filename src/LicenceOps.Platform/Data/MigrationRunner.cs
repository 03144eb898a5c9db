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
            .Select(name => (Id: $"{JournalPrefix}/{name[prefix.Length..^4]}", Resource: name, Name: name[prefix.Length..^4]))
            .OrderBy(script => ScriptNumber(script.Name))
            .ThenBy(script => script.Name, StringComparer.Ordinal)
            .Select(script => (script.Id, script.Resource))
            .ToList();
    }

    /// <summary>
    /// The number a script's name starts with ("1150" in "1150_data_versions"). Scripts run in numeric order so that
    /// 1150 comes after 949: in plain name order it would sort before 250 and could run before the tables it changes.
    /// Every script name up to 949 has three digits, so numeric and name order agree for all of them.
    /// </summary>
    internal static long ScriptNumber(string name)
    {
        var digits = 0;
        while (digits < name.Length && char.IsAsciiDigit(name[digits]))
        {
            digits++;
        }
        return digits == 0
            ? throw new InvalidOperationException($"Migration script {name} must start with its number, e.g. 1150_name.sql.")
            : long.Parse(name.AsSpan(0, digits), System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Read(string resource)
    {
        using var stream = Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing embedded script {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>Applies each script once, in the numeric order of its name (see ScriptNumber), recording it in schema_migrations in the same transaction.</summary>
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

            // Journals written before checksums existed get the column; their rows are filled at the next start.
            if (database.Dialect == SqlDialect.Sqlite)
            {
                var columns = await connection.QueryAsync<string>("SELECT name FROM pragma_table_info('schema_migrations')");
                if (!columns.Contains("checksum"))
                {
                    await connection.ExecuteAsync("ALTER TABLE schema_migrations ADD COLUMN checksum TEXT NULL");
                }
            }
            else
            {
                await connection.ExecuteAsync("IF COL_LENGTH('schema_migrations', 'checksum') IS NULL ALTER TABLE schema_migrations ADD checksum NVARCHAR(64) NULL");
            }
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

                    var script = source.Read(resource);
                    var checksum = Checksum(script);
                    var journal = await unit.QueryAsync<JournalRow>("SELECT id AS Id, checksum AS Checksum FROM schema_migrations WHERE id = @id", new { id });
                    if (journal.Count > 0)
                    {
                        if (journal[0].Checksum is null)
                        {
                            await unit.ExecuteAsync("UPDATE schema_migrations SET checksum = @checksum WHERE id = @id AND checksum IS NULL", new { id, checksum });
                        }
                        else if (journal[0].Checksum != checksum)
                        {
                            // The database was built by another text of this script: what it holds is unknown, so stop.
                            throw new MigrationChangedException(database.Module, id, journal[0].Checksum!, checksum);
                        }

                        return false;
                    }

                    foreach (var batch in Batches(script, database.Dialect))
                    {
                        await unit.ExecuteAsync(batch);
                    }

                    await unit.ExecuteAsync("INSERT INTO schema_migrations (id, applied_at, checksum) VALUES (@id, @now, @checksum)", new { id, now = unit.Now, checksum });
                    return true;
                }, ct);

                if (applied)
                {
                    LogApplied(database.Module, id);
                }
            }
        }
    }

    /// <summary>SHA-256 of the script with line endings normalised, so a checkout with CRLF endings is not a change.</summary>
    internal static string Checksum(string script) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(script.Replace("\r\n", "\n", StringComparison.Ordinal))));

    private sealed record JournalRow(string Id, string? Checksum);

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

/// <summary>An applied migration's script no longer matches what was applied; the host refuses to start.</summary>
public sealed class MigrationChangedException(string module, string migration, string applied, string current) : Exception(
    $"{module}: migration {migration} was changed after it was applied (applied checksum {applied}, script now {current}). " +
    "Never edit an applied migration: restore its text and add a new numbered script for the change.");
