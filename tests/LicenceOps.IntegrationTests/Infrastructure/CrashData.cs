using Dapper;
using Microsoft.Data.Sqlite;

namespace LicenceOps.IntegrationTests.Infrastructure;

/// <summary>
/// A crash test's data directory, the real host processes started (and restarted) over it, and direct reads of their
/// SQLite files. Disposing kills every host still running and deletes the data.
/// </summary>
public sealed class CrashData : IAsyncDisposable
{
    private readonly List<ChildProcessHost> hosts = [];

    public string Directory { get; } = LicenceOpsFactory.NewDataDirectory();

    public async Task<ChildProcessHost> StartAsync(IDictionary<string, string?> settings)
    {
        var host = await ChildProcessHost.StartAsync(Directory, settings);
        hosts.Add(host);
        return host;
    }

    /// <summary>
    /// Reads a module's database file directly (WAL lets us read while the host writes; no pooling, so nothing stays
    /// open); nothing while the host has not created it yet.
    /// </summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string module, string sql, object? parameters = null)
    {
        var file = Path.Combine(Directory, module + ".db");
        if (!File.Exists(file))
        {
            return [];
        }
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False;Default Timeout=30");
        await connection.OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    /// <summary>One number read from a module's database; 0 while the database does not exist.</summary>
    public async Task<long> ScalarAsync(string module, string sql, object? parameters = null) =>
        (await QueryAsync<long>(module, sql, parameters)).FirstOrDefault();

    public async ValueTask DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
        LicenceOpsFactory.DeleteQuietly(Directory);
    }
}
