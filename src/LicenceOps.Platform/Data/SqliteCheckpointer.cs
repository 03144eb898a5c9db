using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Platform.Data;

/// <summary>
/// Copies each SQLite module database's WAL back into the database file from a background thread (ADR 0037), so a
/// committing writer never does it. With SQLite's default, the commit that pushes the WAL past 1,000 pages runs the
/// checkpoint itself: it fsyncs the WAL, copies every page and fsyncs the database while holding its caller (and,
/// through the write gate, every writer queued behind it). Writers now leave that to this service, which runs a PASSIVE
/// checkpoint (never waits for readers or writers) on its own connection every <see cref="Interval"/>.
/// </summary>
/// <remarks>
/// Writers still checkpoint by themselves past <see cref="SqliteSession.FallbackCheckpointPages"/>, so the WAL stays
/// bounded if this service is not running or falls behind. Durability is unchanged in kind: a commit survives a process
/// crash; a power loss can lose what was committed since the last checkpoint, now at most about one interval of writes
/// (docs/operations.md).
/// </remarks>
internal sealed partial class SqliteCheckpointer(IEnumerable<ModuleDatabase> databases, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <summary>How often each database's WAL is checkpointed; also the power-loss window of embedded mode.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly ModuleDatabase[] sqlite = databases.Where(d => d.Dialect == SqlDialect.Sqlite).ToArray();
    private readonly ConcurrentDictionary<string, long> copyingCheckpoints = new(StringComparer.Ordinal);

    /// <summary>
    /// Checkpoints of this service that copied WAL frames into each module's database file since the host started. A count of
    /// checkpoints, not of frames: SQLite reports the frames of the current WAL copied so far, from the WAL's start, so summing
    /// its reports counted most frames many times (feat/i16sd).
    /// </summary>
    public long CopyingCheckpoints(string module) => copyingCheckpoints.GetValueOrDefault(module);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (sqlite.Length == 0)
        {
            return;
        }
        // One kept connection per database: opening one per tick would cost more than an idle checkpoint does.
        var connections = new SqliteConnection?[sqlite.Length];
        try
        {
            using var timer = new PeriodicTimer(Interval);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                for (var i = 0; i < sqlite.Length; i++)
                {
                    try
                    {
                        connections[i] ??= (SqliteConnection)await sqlite[i].OpenAsync(stoppingToken);
                        await CheckpointAsync(sqlite[i].Module, connections[i]!, stoppingToken);
                    }
                    catch (Exception ex) when (ex is SqliteException or IOException)
                    {
                        // A failed checkpoint loses nothing (the WAL stays); writers' fallback bounds it. Reopen next tick.
                        LogFailed(sqlite[i].Module, ex);
                        if (connections[i] is { } broken)
                        {
                            await broken.DisposeAsync();
                            connections[i] = null;
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var connection in connections)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }
        }
    }

    private async Task CheckpointAsync(string module, SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (await reader.ReadAsync(ct) && !reader.IsDBNull(2))
        {
            // Columns: busy flag, frames in the WAL, frames of the WAL checkpointed so far (-1 when not in WAL mode).
            if (reader.GetInt64(2) > 0)
            {
                copyingCheckpoints.AddOrUpdate(module, 1, (_, count) => count + 1);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Module}: background WAL checkpoint failed; writers will checkpoint past the fallback size")]
    private partial void LogFailed(string module, Exception exception);
}
