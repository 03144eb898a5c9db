using System.Collections.Concurrent;
using LicenceOps.Platform.Data;
using Microsoft.Data.Sqlite;

namespace LicenceOps.Platform.Http.ListCache;

/// <summary>
/// Reads the data version a cached list keys on (ADR 0034), once per request, hit or miss, so its cost is most of what
/// a hit costs beyond the trivial request. On SQLite it keeps a few open connections, each with the version query
/// prepared once: <see cref="DataVersions.ReadAsync(ModuleDatabase, string, Guid, CancellationToken)"/> opens a pooled
/// connection, and Dapper builds and SQLite parses a new command on every call. The statement is reset after each read
/// (the reader is disposed), so no read transaction stays open between requests and every read sees the last commit.
/// On SQL Server the shared read is used: the server caches the plan, and connections are pooled.
/// </summary>
public sealed class ListVersionReader : IDisposable
{
    private const string Select = "SELECT version FROM data_versions WHERE scope = $scope AND tenant_id = $tenantId";

    /// <summary>Idle prepared readers kept per database; beyond this a reader is closed after use.</summary>
    private const int MaxIdle = 8;

    private readonly ConcurrentDictionary<ModuleDatabase, ConcurrentBag<Prepared>> idle = new();
    private volatile bool disposed;

    /// <summary>Prepared readers kept open for reuse, over every database (tests check nothing outlives disposal).</summary>
    internal int IdleCount => idle.Values.Sum(bag => bag.Count);

    public async ValueTask<long> ReadAsync(ModuleDatabase db, string scope, Guid tenantId, CancellationToken ct)
    {
        if (db.Dialect != SqlDialect.Sqlite)
        {
            return await DataVersions.ReadAsync(db, scope, tenantId, ct);
        }
        var bag = idle.GetOrAdd(db, _ => new ConcurrentBag<Prepared>());
        if (!bag.TryTake(out var prepared))
        {
            prepared = await Prepared.OpenAsync(db, ct);
        }
        try
        {
            prepared.Scope.Value = scope;
            // As DapperTypeHandlers binds a Guid in SQLite: upper-case text, what the triggers copy from the rows.
            prepared.TenantId.Value = SqliteText.Of(tenantId);
            var version = prepared.Command.ExecuteScalar() is long value ? value : 0;
            if (!disposed && bag.Count < MaxIdle)
            {
                bag.Add(prepared);
                prepared = null;
                if (disposed)
                {
                    // Dispose ran between the check and the add: its drain may have missed this one, so drain again
                    // rather than leave an open connection with a prepared statement to the finalizer thread.
                    Drain(bag);
                }
            }
            return version;
        }
        finally
        {
            prepared?.Dispose();
        }
    }

    public void Dispose()
    {
        disposed = true;
        foreach (var bag in idle.Values)
        {
            Drain(bag);
        }
    }

    private static void Drain(ConcurrentBag<Prepared> bag)
    {
        while (bag.TryTake(out var prepared))
        {
            prepared.Dispose();
        }
    }

    private sealed class Prepared(SqliteConnection connection, SqliteCommand command, SqliteParameter scope, SqliteParameter tenantId) : IDisposable
    {
        public SqliteCommand Command { get; } = command;

        public SqliteParameter Scope { get; } = scope;

        public SqliteParameter TenantId { get; } = tenantId;

        public static async Task<Prepared> OpenAsync(ModuleDatabase db, CancellationToken ct)
        {
            var connection = (SqliteConnection)await db.OpenAsync(ct);
            SqliteCommand? command = null;
            try
            {
                command = connection.CreateCommand();
                command.CommandText = Select;
                var scope = command.Parameters.Add("$scope", SqliteType.Text);
                var tenantId = command.Parameters.Add("$tenantId", SqliteType.Text);
                command.Prepare();
                return new Prepared(connection, command, scope, tenantId);
            }
            catch
            {
                // Nothing may be left to the finalizer: closed here, deterministically, on this thread.
                command?.Dispose();
                await connection.DisposeAsync();
                throw;
            }
        }

        public void Dispose()
        {
            Command.Dispose();
            connection.Dispose();
        }
    }
}
