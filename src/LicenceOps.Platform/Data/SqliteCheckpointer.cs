using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace LicenceOps.Platform.Data;

/// <summary>
/// Copies each SQLite module database's WAL back into the database file from a background thread (ADR 0037), so a
/// committing writer never does it. With SQLite's default, the commit that pushes the WAL past 1,000 pages runs the
/// checkpoint itself: it fsyncs the WAL, copies every page and fsyncs the database while holding its caller (and,
/// through the write gate, every writer queued behind it). Writers now leave that to this service, which runs a PASSIVE
/// checkpoint (never waits for readers or writers) on its own connection every <see cref="Interval"/>.
/// </summary>
/// <remarks>
/// <para>
/// A WAL starts over from its beginning only when a writer begins while every frame is copied (SQLite's <c>walRestartLog</c>:
/// its read transaction then reads the database file alone). While writers commit every few milliseconds, as an invoice run's
/// do, a PASSIVE pass never ends with nothing left to copy: frames committed during its fsyncs are there when the next writer
/// begins. So the WAL grew until <see cref="SqliteSession.FallbackCheckpointPages"/> and the committing writer checkpointed by
/// itself, on one of the run's workers (docs/performance.md, feat/i16ot). Past <see cref="RestartPages"/>, and when its
/// PASSIVE pass copied everything it found, this service therefore takes the module's write gate (ADR 0032: in process, no
/// writer meets SQLite's lock) and runs a second PASSIVE pass under it, which copies the few frames committed meanwhile and
/// leaves the WAL fully copied for the next writer, who starts it over (ADR 0088). Writers queued behind the gate wait for that
/// pass; an invoice run's workers render instead of queueing while the gate is held.
/// </para>
/// <para>
/// Writers still checkpoint by themselves past <see cref="SqliteSession.FallbackCheckpointPages"/>, so the WAL stays
/// bounded if this service is not running or falls behind. Durability is unchanged in kind: a commit survives a process
/// crash; a power loss can lose what was committed since the last checkpoint, now at most about one interval of writes
/// (docs/operations.md).
/// </para>
/// </remarks>
internal sealed partial class SqliteCheckpointer(IEnumerable<ModuleDatabase> databases, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <summary>How often each database's WAL is checkpointed; also the power-loss window of embedded mode.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// WAL frames (pages) from which a fully copied WAL is restarted under the write gate: 16 MiB, a quarter of the fallback
    /// size, so three more tries fit before a writer would checkpoint by itself. Below it the gate is never taken: a WAL
    /// that small restarts by itself whenever writes pause for one pass, and costs nothing much meanwhile.
    /// </summary>
    public const int RestartPages = SqliteSession.FallbackCheckpointPages / 4;

    private const int CheckpointPassive = 0; // SQLITE_CHECKPOINT_PASSIVE

    private readonly ModuleDatabase[] sqlite = databases.Where(d => d.Dialect == SqlDialect.Sqlite).ToArray();
    private readonly ConcurrentDictionary<string, long> copyingCheckpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WalRestarts> restarts = new(StringComparer.Ordinal);

    /// <summary>
    /// Checkpoints of this service that copied WAL frames into each module's database file since the host started. A count of
    /// checkpoints, not of frames: SQLite reports the frames of the current WAL copied so far, from the WAL's start, so summing
    /// its reports counted most frames many times (feat/i16sd).
    /// </summary>
    public long CopyingCheckpoints(string module) => copyingCheckpoints.GetValueOrDefault(module);

    /// <summary>What this service saw of <paramref name="module"/>'s WAL and did to restart it since the host started (ADR 0088).</summary>
    public WalRestarts Restarts(string module) => restarts.GetValueOrDefault(module);

    /// <summary>
    /// Runs the passes on a thread of their own, not the thread pool's: when an invoice run's busy workers held the pool's
    /// threads (before ADR 0093), a queued tick waited for the pool to add a thread, up to seconds, while the WAL grew to the
    /// writers' fallback (docs/performance.md, feat/i16wr); any CPU-bound flow on the pool could do the same. The thread mostly
    /// waits, on its interval or on the fsyncs of a pass.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        sqlite.Length == 0
            ? Task.CompletedTask
            : Task.Factory.StartNew(() => Loop(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Loop(CancellationToken stoppingToken)
    {
        Thread.CurrentThread.Name = "SQLite checkpointer";
        // One kept connection per database: opening one per tick would cost more than an idle checkpoint does.
        var connections = new SqliteConnection?[sqlite.Length];
        try
        {
            var tick = Stopwatch.GetTimestamp();
            while (true)
            {
                // Every Interval from the last tick's start; at once when a pass ran longer (as PeriodicTimer did).
                var wait = Interval - Stopwatch.GetElapsedTime(tick);
                if (wait > TimeSpan.Zero && stoppingToken.WaitHandle.WaitOne(wait))
                {
                    break;
                }
                stoppingToken.ThrowIfCancellationRequested();
                tick = Stopwatch.GetTimestamp();
                for (var i = 0; i < sqlite.Length; i++)
                {
                    try
                    {
                        connections[i] ??= (SqliteConnection)sqlite[i].OpenAsync(stoppingToken).GetAwaiter().GetResult();
                        Checkpoint(sqlite[i], connections[i]!, stoppingToken);
                    }
                    catch (Exception ex) when (ex is SqliteException or IOException or TimeoutException)
                    {
                        // A failed checkpoint loses nothing (the WAL stays); writers' fallback bounds it. Reopen next tick. A
                        // TimeoutException is the write gate held by another write for 30 s: the restart waits for a later tick.
                        LogFailed(sqlite[i].Module, ex);
                        connections[i]?.Dispose();
                        connections[i] = null;
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
                connection?.Dispose();
            }
        }
    }

    private void Checkpoint(ModuleDatabase database, SqliteConnection connection, CancellationToken ct)
    {
        var module = database.Module;
        var started = Stopwatch.GetTimestamp();
        // Files whose bytes this database's rows name are synced before the pass syncs the WAL that names them (ADR 0099).
        database.SyncCompanionFiles();
        var (frames, copied) = Passive(module, connection);
        var seen = Restarts(module);
        // Fewer frames than the last pass saw: a writer started the WAL over meanwhile.
        seen = seen with
        {
            WalFrames = frames,
            Largest = Math.Max(seen.Largest, frames),
            Restarted = seen.Restarted + (frames < seen.WalFrames ? 1 : 0),
            AllPasses = seen.AllPasses + 1,
            PassTime = seen.PassTime + Stopwatch.GetElapsedTime(started),
        };
        if (frames >= RestartPages && copied == frames && database.WriteGate is { } gate)
        {
            // Everything this pass found is copied: what is left is what writers committed during it. Under the gate no writer
            // commits, so the pass below copies that tail and the next writer finds the WAL fully copied and starts it over.
            // Held for one short pass (the tail's frames and two fsyncs), never for a reader: PASSIVE waits for nobody.
            var waited = Stopwatch.GetTimestamp();
            // A blocking wait: this is the checkpointer's own thread, and the turn is handed over by the holder's release.
            using (gate.EnterAsync(ct).AsTask().GetAwaiter().GetResult())
            {
                var held = Stopwatch.GetTimestamp();
                var (tail, tailCopied) = Passive(module, connection);
                var heldFor = Stopwatch.GetElapsedTime(held);
                seen = seen with
                {
                    Passes = seen.Passes + 1,
                    Emptied = seen.Emptied + (tail == tailCopied ? 1 : 0),
                    WalFrames = tail,
                    GateWaited = seen.GateWaited + (Stopwatch.GetElapsedTime(waited) - heldFor),
                    GateHeld = seen.GateHeld + heldFor,
                };
            }
        }
        restarts[module] = seen;
    }

    /// <summary>A PASSIVE checkpoint: the frames in the WAL and how many of them are copied (both 0 when not in WAL mode).</summary>
    private (int Frames, int Copied) Passive(string module, SqliteConnection connection)
    {
        int rc, frames, copied;
        using (SqliteWalWrites.RunningBackgroundCheckpoint())
        {
            rc = raw.sqlite3_wal_checkpoint_v2(connection.Handle, "main", CheckpointPassive, out frames, out copied);
        }
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"PASSIVE WAL checkpoint failed: {raw.sqlite3_errstr(rc).utf8_to_string()}", rc);
        }
        if (copied > 0)
        {
            copyingCheckpoints.AddOrUpdate(module, 1, (_, count) => count + 1);
        }
        return (Math.Max(0, frames), Math.Max(0, copied));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Module}: background WAL checkpoint failed; writers will checkpoint past the fallback size")]
    private partial void LogFailed(string module, Exception exception);
}

/// <summary>
/// What <see cref="SqliteCheckpointer"/> saw of one database's WAL and did to restart it (ADR 0088).
/// </summary>
/// <param name="WalFrames">Frames in the WAL at the last pass.</param>
/// <param name="Largest">The most frames a pass found in the WAL.</param>
/// <param name="Restarted">Passes that found fewer frames than the one before: a writer started the WAL over in between.</param>
/// <param name="Passes">Passes run under the write gate (the WAL past <see cref="SqliteCheckpointer.RestartPages"/>).</param>
/// <param name="Emptied">Of those, passes that left every frame copied, so that the next writer starts the WAL over.</param>
/// <param name="GateWaited">Time those passes waited for their turn at the gate, behind writes already queued.</param>
/// <param name="GateHeld">Time the gate was held by those passes: what a writer arriving meanwhile waited at most.</param>
/// <param name="AllPasses">Passes run (one per database per tick), under the gate or not.</param>
/// <param name="PassTime">Time spent in those passes, outside the gate (their copies and fsyncs).</param>
public readonly record struct WalRestarts(int WalFrames, int Largest, int Restarted, int Passes, int Emptied, TimeSpan GateWaited, TimeSpan GateHeld, long AllPasses, TimeSpan PassTime);
