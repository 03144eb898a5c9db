using System.Diagnostics;
using System.Globalization;
using System.Text;
using LicenceOps.Platform.Data;

namespace LicenceOps.Bench;

/// <summary>
/// Billing's WAL over a run (feat/i16wr, ADR 0088): the frames the background checkpointer found at each of its passes,
/// sampled every 20 ms and printed as the most per tenth of the run; the WAL restarts the checkpointer saw, its passes under
/// the write gate and how long they held it; and the checkpoints run by anything else, which in a run are committing writers
/// past the 64 MiB fallback size (counted by the VFS of ADR 0076). The counts are read before and after the run; the 20 ms
/// sampler (the most frames per tenth, the longest time without a pass) runs only when LICENCEOPS_BENCH_WAL=1: a thread of the
/// bench's own waking fifty times a second in the run and never in its floor (docs/performance.md, feat/i16w2).
/// </summary>
internal sealed class WalWatch : IDisposable
{
    private readonly SqliteCheckpointer checkpointer;
    private readonly string databasePath;
    private readonly WalRestarts before;
    private readonly long otherCheckpointsBefore;
    private readonly List<(long Ticks, int Frames, long Passes)> timeline = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Thread? sampler;

    public static WalWatch Start(SqliteCheckpointer checkpointer, string databasePath) =>
        new(checkpointer, databasePath, Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_WAL") == "1");

    private WalWatch(SqliteCheckpointer checkpointer, string databasePath, bool sampled)
    {
        this.checkpointer = checkpointer;
        this.databasePath = databasePath;
        before = checkpointer.Restarts("Billing");
        otherCheckpointsBefore = SqliteWalWrites.CheckpointsOutsideTheCheckpointer(databasePath);
        if (!sampled)
        {
            return;
        }
        sampler = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                lock (timeline)
                {
                    var now = checkpointer.Restarts("Billing");
                    timeline.Add((Stopwatch.GetTimestamp(), now.WalFrames, now.AllPasses));
                }
                stop.Token.WaitHandle.WaitOne(20);
            }
        }) { IsBackground = true, Name = "bench wal sampler" };
        sampler.Start();
    }

    /// <summary>Stops sampling and prints what the phase did to the WAL.</summary>
    public void Print(string phase)
    {
        Stop();
        var after = checkpointer.Restarts("Billing");
        var others = SqliteWalWrites.CheckpointsOutsideTheCheckpointer(databasePath) - otherCheckpointsBefore;
        var culture = CultureInfo.InvariantCulture;
        var line = new StringBuilder($"{phase} WAL:");
        List<(long Ticks, int Frames, long Passes)> samples;
        lock (timeline)
        {
            samples = [.. timeline];
        }
        if (samples.Count >= 10)
        {
            line.Append(culture, $" most frames per tenth (4 KiB pages, fallback at {SqliteSession.FallbackCheckpointPages}, restart from {SqliteCheckpointer.RestartPages}):");
            for (var tenth = 0; tenth < 10; tenth++)
            {
                var from = tenth * samples.Count / 10;
                var to = Math.Max(from + 1, (tenth + 1) * samples.Count / 10);
                line.Append(culture, $" {samples.Skip(from).Take(to - from).Max(s => s.Frames)}");
            }
            line.Append(';');
        }
        // The longest time no pass ended: a pass running long (its fsyncs) or a tick that was not run.
        var longest = 0.0;
        for (int i = 0, from = 0; i < samples.Count; i++)
        {
            if (samples[i].Passes != samples[from].Passes || i == samples.Count - 1)
            {
                longest = Math.Max(longest, (samples[i].Ticks - samples[from].Ticks) / (double)Stopwatch.Frequency);
                from = i;
            }
        }
        line.Append(culture, $" {after.AllPasses - before.AllPasses} passes in {(after.PassTime - before.PassTime).TotalMilliseconds:0} ms");
        if (samples.Count >= 2)
        {
            line.Append(culture, $", longest without a pass ending {longest * 1000:0} ms");
        }
        line.Append(culture, $"; restarted {after.Restarted - before.Restarted} times; {after.Passes - before.Passes} passes under the write gate ({after.Emptied - before.Emptied} left it fully copied), gate held {(after.GateHeld - before.GateHeld).TotalMilliseconds:0.0} ms, waited for {(after.GateWaited - before.GateWaited).TotalMilliseconds:0.0} ms; checkpoints by writers (fallback) {others}");
        Console.WriteLine(line);
    }

    private void Stop()
    {
        stop.Cancel();
        sampler?.Join();
    }

    public void Dispose()
    {
        Stop();
        stop.Dispose();
    }
}
