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
    private readonly List<(long Ticks, TimeSpan Cpu)> timeline = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Thread sampler;

    private ThreadCpu()
    {
        sampler = new Thread(() =>
        {
            var process = Process.GetCurrentProcess();
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                lock (timeline)
                {
                    timeline.Add((Stopwatch.GetTimestamp(), process.TotalProcessorTime));
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
    }

    /// <summary>Stops the sampler first: it waits on the token's handle, which must outlive it.</summary>
    public void Dispose()
    {
        stop.Cancel();
        sampler.Join();
        stop.Dispose();
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
