using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LicenceOps.Bench;

/// <summary>
/// Where a phase's CPU went, by thread (LICENCEOPS_BENCH_THREADS=1): each thread's time on a CPU from
/// /proc/self/task/*/schedstat (nanoseconds, unlike stat's 10 ms ticks), grouped by the thread's name with its digits
/// dropped (".NET TP Worker", ".NET Tiered Com", ".NET BGC"…), and the process's cores in use over the phase, sampled
/// every 20 ms and printed per tenth of the phase. Says whether a phase is waiting (cores idle at its start or end) or
/// working, and which threads do the work the floor does not. Linux only; prints nothing elsewhere.
/// </summary>
internal sealed class ThreadCpu : IDisposable
{
    private readonly Dictionary<int, (string Name, long Nanoseconds)> before = Snapshot();
    private readonly (long Busy, long Idle)? machineBefore = MachineTicks();
    private readonly long startedTicks = Stopwatch.GetTimestamp();
    private readonly List<(long Ticks, TimeSpan Cpu)> timeline = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Thread sampler;

    private ThreadCpu()
    {
        sampler = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                lock (timeline)
                {
                    timeline.Add((Stopwatch.GetTimestamp(), CpuClock.Process()));
                }
                stop.Token.WaitHandle.WaitOne(20);
            }
        }) { IsBackground = true, Name = "bench sampler" };
        sampler.Start();
    }

    public static ThreadCpu? StartIfAsked() =>
        Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_THREADS") == "1" && Directory.Exists("/proc/self/task") ? new ThreadCpu() : null;

    /// <summary>Prints the phase's CPU by thread name (ms per invoice) and its cores in use per tenth of the phase.</summary>
    public void Print(string phase, int invoices, TimeSpan processCpu)
    {
        stop.Cancel();
        sampler.Join();
        var after = Snapshot();
        var byName = new Dictionary<string, long>();
        foreach (var (tid, (name, ns)) in after)
        {
            var spent = ns - (before.TryGetValue(tid, out var b) && b.Name == name ? b.Nanoseconds : 0);
            byName[name] = byName.GetValueOrDefault(name) + spent;
        }
        var seen = byName.Values.Sum();
        var culture = CultureInfo.InvariantCulture;
        var line = new StringBuilder($"{phase} CPU by thread (ms per invoice):");
        foreach (var (name, ns) in byName.Where(p => p.Value > 0).OrderByDescending(p => p.Value))
        {
            line.Append(culture, $" {name} {ns / 1e6 / invoices:0.000};");
        }
        line.Append(culture, $" threads gone meanwhile {(processCpu.Ticks * 100 - seen) / 1e6 / invoices:0.000}");
        Console.WriteLine(line);
        if (machineBefore is { } m0 && MachineTicks() is { } m1)
        {
            // The machine's idle cores say whether this process had no work for a core or other processes took it: "cores
            // in use" below is lower in both cases, and only the first is the phase's own (docs/performance.md, feat/i16cu).
            var wall = (Stopwatch.GetTimestamp() - startedTicks) / (double)Stopwatch.Frequency;
            var busy = (m1.Busy - m0.Busy) / TicksPerSecond / Math.Max(wall, 1e-6);
            Console.WriteLine(string.Create(culture,
                $"{phase} machine: {(m1.Idle - m0.Idle) / TicksPerSecond / Math.Max(wall, 1e-6):0.000} cores idle, {Math.Max(0, busy - processCpu.TotalSeconds / Math.Max(wall, 1e-6)):0.000} cores used by other processes (/proc/stat over {wall:0.00} s)"));
        }

        List<(long Ticks, TimeSpan Cpu)> samples;
        lock (timeline)
        {
            samples = [.. timeline];
        }
        if (samples.Count < 11)
        {
            return;
        }
        var cores = new StringBuilder($"{phase} cores in use per tenth:");
        for (var tenth = 0; tenth < 10; tenth++)
        {
            var from = samples[tenth * (samples.Count - 1) / 10];
            var to = samples[(tenth + 1) * (samples.Count - 1) / 10];
            var seconds = (to.Ticks - from.Ticks) / (double)Stopwatch.Frequency;
            cores.Append(culture, $" {(to.Cpu - from.Cpu).TotalSeconds / Math.Max(seconds, 1e-6):0.00}");
        }
        cores.Append(culture, $" (over {(samples[^1].Ticks - samples[0].Ticks) / (double)Stopwatch.Frequency:0.00} s)");
        Console.WriteLine(cores);

        // A tenth of a 1,000-tenant run is 0.3-0.5 s, which hides its first and last batches: the ramp-up (nothing renders
        // before the first batch commits) and the tail (one core idle while the other renders or stores the last PDFs).
        // Their cores in use are printed over the phase's first and last 100 ms, and what they cost: the CPU time they fell
        // short of the phase's middle (feat/i16jt).
        var edge = Stopwatch.Frequency / 10;
        var head = samples.FindIndex(s => s.Ticks - samples[0].Ticks >= edge);
        var tail = samples.FindLastIndex(s => samples[^1].Ticks - s.Ticks >= edge);
        if (head > 0 && tail > head)
        {
            double Cores(int from, int to) =>
                (samples[to].Cpu - samples[from].Cpu).TotalSeconds / Math.Max((samples[to].Ticks - samples[from].Ticks) / (double)Stopwatch.Frequency, 1e-6);
            double Seconds(int from, int to) => (samples[to].Ticks - samples[from].Ticks) / (double)Stopwatch.Frequency;
            var (first, middle, last) = (Cores(0, head), Cores(head, tail), Cores(tail, samples.Count - 1));
            var shortfall = (Math.Max(0, middle - first) * Seconds(0, head), Math.Max(0, middle - last) * Seconds(tail, samples.Count - 1));
            Console.WriteLine(string.Create(culture,
                $"{phase} edges: first 0.1 s {first:0.00} cores, middle {middle:0.00}, last 0.1 s {last:0.00}; short of the middle by {shortfall.Item1 * 1000:0} ms of CPU at the start and {shortfall.Item2 * 1000:0} ms at the end ({(shortfall.Item1 + shortfall.Item2) / Math.Max((samples[^1].Cpu - samples[0].Cpu).TotalSeconds, 1e-6):P1} of the phase's CPU)"));
        }
    }

    /// <summary>Stops the sampler first: it waits on the token's handle, which must outlive it.</summary>
    public void Dispose()
    {
        stop.Cancel();
        sampler.Join();
        stop.Dispose();
    }

    /// <summary>/proc/stat's clock ticks (USER_HZ, 100 a second on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>
    /// The machine's CPU time so far from /proc/stat's first line: busy (user, nice, system, irq, softirq, steal) and idle
    /// (idle, iowait), in clock ticks; null where there is no /proc/stat.
    /// </summary>
    private static (long Busy, long Idle)? MachineTicks()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return fields.Length < 8 ? null : (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7], fields[3] + fields[4]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static Dictionary<int, (string, long)> Snapshot()
    {
        var result = new Dictionary<int, (string, long)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var tid = int.Parse(Path.GetFileName(directory), CultureInfo.InvariantCulture);
                var name = new string(File.ReadAllText(Path.Combine(directory, "comm")).Trim().Where(c => !char.IsDigit(c)).ToArray()).Trim();
                var ns = long.Parse(File.ReadAllText(Path.Combine(directory, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                result[tid] = (name, ns);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // The thread ended between the listing and the read: its time shows as "threads gone".
            }
        }
        return result;
    }
}
