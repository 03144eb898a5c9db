using Microsoft.Extensions.Configuration;

namespace LicenceOps.Platform.Data;

/// <summary>
/// Where each module's database lives. Embedded: one SQLite file per module under <see cref="DataDirectory"/>.
/// Production: SQL Server, one database per module, from <c>ConnectionStrings:&lt;Module&gt;</c>.
/// </summary>
public sealed class DatabaseOptions
{
    public SqlDialect Provider { get; init; } = SqlDialect.Sqlite;

    public string DataDirectory { get; init; } = "data";

    private IConfiguration Configuration { get; init; } = new ConfigurationBuilder().Build();

    public static DatabaseOptions From(IConfiguration configuration)
    {
        var provider = configuration["Database:Provider"];
        var dialect = string.IsNullOrWhiteSpace(provider) || provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase)
            ? SqlDialect.Sqlite
            : provider.Equals("SqlServer", StringComparison.OrdinalIgnoreCase)
                ? SqlDialect.SqlServer
                : throw new InvalidOperationException($"Database:Provider must be Sqlite or SqlServer, not '{provider}'.");

        return new DatabaseOptions
        {
            Provider = dialect,
            DataDirectory = Path.GetFullPath(configuration["Storage:DataDirectory"] ?? "data"),
            Configuration = configuration,
        };
    }

    public string ConnectionStringFor(string module)
    {
        if (Provider == SqlDialect.Sqlite)
        {
            var configured = Configuration.GetConnectionString(module);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured;
            }

            Directory.CreateDirectory(DataDirectory);
            var path = Path.Combine(DataDirectory, module.ToLowerInvariant() + ".db");
            // Foreign keys are off by default in SQLite; the default timeout also bounds waiting on a busy writer.
            return $"Data Source={path};Foreign Keys=True;Default Timeout=30;Pooling=True";
        }

        return Configuration.GetConnectionString(module)
            ?? Configuration.GetConnectionString("Default")
            ?? throw new InvalidOperationException(
                $"SQL Server needs ConnectionStrings:{module} (or ConnectionStrings:Default) for the {module} module.");
    }
}
