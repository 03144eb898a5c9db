using System.Diagnostics;
using System.Globalization;

namespace LicenceOps.Bench;

/// <summary>
/// How long work queued to the thread pool waits for a thread while a phase runs: every 10 ms a thread of the bench's own
/// queues an item to the pool's global queue (where timers' callbacks, socket completions and requests land) and records the
/// time until the item starts. The invoice run's busy workers (one per core, ADR 0068) held pool threads until ADR 0093 gave them
/// threads of their own: the checkpointer's ticks (ADR 0088) and this probe's items waited up to seconds behind them.
/// Only when LICENCEOPS_BENCH_POOL=1: each probe wakes a pool thread, which then spins before it sleeps again, a hundred times a
/// second in the measured phase and never in its floor; that was about 0.05 ms of CPU per invoice charged to the invoice run
/// alone (docs/performance.md, feat/i16w2).
/// </summary>
internal sealed class PoolWatch : IDisposable
{
    private readonly List<double> delays = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Thread prober;

    public static PoolWatch? StartIfAsked() =>
        Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_POOL") == "1" ? new PoolWatch() : null;

    private PoolWatch()
    {
        prober = new Thread(() =>
        {
            using var started = new ManualResetEventSlim();
            while (!stop.IsCancellationRequested)
            {
                started.Reset();
                var queued = Stopwatch.GetTimestamp();
                var delay = 0.0;
                ThreadPool.UnsafeQueueUserWorkItem<object?>(_ =>
                {
                    delay = Stopwatch.GetElapsedTime(queued).TotalMilliseconds;
                    started.Set();
                }, null, preferLocal: false);
                // Waits for the item (however long), so one probe is in the queue at a time.
                started.Wait();
                lock (delays)
                {
                    delays.Add(delay);
                }
                stop.Token.WaitHandle.WaitOne(10);
            }
        }) { IsBackground = true, Name = "bench pool prober" };
        prober.Start();
    }

    /// <summary>Stops probing and prints the phase's queueing delays.</summary>
    public void Print(string phase)
    {
        Stop();
        double[] sorted;
        lock (delays)
        {
            sorted = [.. delays.Order()];
        }
        if (sorted.Length == 0)
        {
            return;
        }
        double At(double share) => sorted[Math.Min(sorted.Length - 1, (int)(share * sorted.Length))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase} thread pool: {sorted.Length} items queued every 10 ms waited p50 {At(0.5):0.0} ms, p99 {At(0.99):0.0} ms, max {sorted[^1]:0.0} ms, {sorted.Count(d => d > 50)} over 50 ms (threads now {ThreadPool.ThreadCount})"));
    }

    private void Stop()
    {
        if (!stop.IsCancellationRequested)
        {
            stop.Cancel();
            prober.Join();
        }
    }

    public void Dispose()
    {
        Stop();
        stop.Dispose();
    }
}
