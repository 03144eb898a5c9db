using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LicenceOps.Bench;

/// <summary>
/// What the process's resident memory is made of over a phase, sampled every 50 ms: the kernel's split (anonymous and
/// file-backed pages), the GC's committed and in-use bytes, and glibc malloc's view (bytes in use, bytes free but kept).
/// At each new high of the resident set the anonymous mappings are read from /proc/self/smaps and grouped by size, with the
/// main malloc heap and the stack apart. Printed at the run's peak, with the GC configuration in force, so the peak can be
/// attributed (docs/performance.md, branch feat/i16n). Only when LICENCEOPS_BENCH_MEMORY=1.
/// </summary>
internal sealed class MemoryTrace : IDisposable
{
    private readonly Thread thread;
    private volatile bool stop;
    private Sample? peak;
    private string? peakMappings;
    private Sample? first;
    private Sample? last;

    private MemoryTrace()
    {
        thread = new Thread(Loop) { IsBackground = true, Name = "memory trace" };
        thread.Start();
    }

    public static MemoryTrace? StartIfAsked() =>
        Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_MEMORY") == "1" ? new MemoryTrace() : null;

    private void Loop()
    {
        while (!stop)
        {
            var sample = Take();
            first ??= sample;
            last = sample;
            if (peak is null || sample.RssKiB > peak.RssKiB + 1024)
            {
                peak = sample;
                peakMappings = Mappings();
            }
            else if (sample.RssKiB > peak.RssKiB)
            {
                peak = sample;
            }
            Thread.Sleep(50);
        }
    }

    public void Print(string phase)
    {
        stop = true;
        thread.Join();
        first ??= Take();
        peak ??= first;
        last ??= first;
        peakMappings ??= Mappings();
        Console.WriteLine($"  memory during {phase} (KiB unless said; first / at the peak of the resident set / last sample):");
        foreach (var (name, value) in Sample.Fields)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {name,-28} {value(first!),9:0} {value(peak!),9:0} {value(last!),9:0}"));
        }
        Console.WriteLine("  anonymous mappings at (about) the peak, grouped by size:");
        Console.Write(peakMappings);
        Console.WriteLine("  GC configuration: " + string.Join(", ", GC.GetConfigurationVariables()
            .Where(v => v.Key.Contains("Gen0", StringComparison.OrdinalIgnoreCase) || v.Key.Contains("Heap", StringComparison.OrdinalIgnoreCase)
                || v.Key.Contains("Adaptation", StringComparison.OrdinalIgnoreCase) || v.Key.Contains("Conserve", StringComparison.OrdinalIgnoreCase))
            .Select(v => $"{v.Key}={v.Value}")));
    }

    public void Dispose()
    {
        stop = true;
    }

    private static Sample Take()
    {
        long rss = 0, anon = 0, file = 0, shmem = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kib(line);
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kib(line);
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = Kib(line);
            else if (line.StartsWith("RssShmem:", StringComparison.Ordinal)) shmem = Kib(line);
        }
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        var malloc = MallInfo2();
        return new Sample(rss, anon, file, shmem, gc.TotalCommittedBytes / 1024, gc.HeapSizeBytes / 1024, gc.FragmentedBytes / 1024,
            GC.GetTotalMemory(false) / 1024, (long)malloc.uordblks / 1024 + (long)malloc.hblkhd / 1024, (long)malloc.fordblks / 1024,
            (long)malloc.arena / 1024, (long)malloc.hblkhd / 1024, gc.Index, GC.CollectionCount(2));
    }

    private static long Kib(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    /// <summary>Anonymous mappings by kind: RSS summed per group (KiB), with how many mappings.</summary>
    private static string Mappings()
    {
        var groups = new SortedDictionary<string, (long Rss, int Count)>();
        string? kind = null;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            var range = parts.Length > 0 ? parts[0].Split('-') : [];
            if (range.Length == 2 && range.All(bound => bound.Length > 0 && bound.All(char.IsAsciiHexDigit)))
            {
                var size = (ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) - ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)) / 1024;
                var path = parts.Length > 5 ? parts[5].Trim() : "";
                kind = path switch
                {
                    // By the mapping's size only: the GC's committed regions and malloc's arenas are both anonymous, and a
                    // reservation splits into several mappings where its protection changes.
                    "" when size >= 1024 * 1024 => "anonymous, mappings of 1 GiB or more",
                    "" when size >= 1024 * 60 => "anonymous, 60 MiB – 1 GiB",
                    "" when size >= 1024 => "anonymous, 1–60 MiB",
                    "" => "anonymous, under 1 MiB",
                    "[heap]" => "[heap] (main malloc arena)",
                    _ when path.StartsWith("[stack", StringComparison.Ordinal) => "[stack]",
                    _ when path.StartsWith('/') || path.StartsWith("[v", StringComparison.Ordinal) => null,
                    _ => "other: " + path,
                };
            }
            else if (kind is not null && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                var rss = Kib(line);
                groups[kind] = groups.TryGetValue(kind, out var g) ? (g.Rss + rss, g.Count + 1) : (rss, 1);
            }
        }
        var text = new StringBuilder();
        foreach (var (name, (rss, count)) in groups)
        {
            text.Append(CultureInfo.InvariantCulture, $"    {name,-40} {rss,9} KiB in {count} mappings\n");
        }
        return text.ToString();
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo MallInfo2();

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    private sealed record Sample(long RssKiB, long AnonKiB, long FileKiB, long ShmemKiB, long GcCommittedKiB, long GcHeapKiB, long GcFragmentedKiB,
        long ManagedKiB, long MallocUsedKiB, long MallocFreeKiB, long MallocArenaKiB, long MallocMmappedKiB, long GcIndex, long Gen2)
    {
        public static readonly (string, Func<Sample, double>)[] Fields =
        [
            ("VmRSS", s => s.RssKiB), ("RssAnon", s => s.AnonKiB), ("RssFile", s => s.FileKiB), ("RssShmem", s => s.ShmemKiB),
            ("GC committed", s => s.GcCommittedKiB), ("GC heap at last GC", s => s.GcHeapKiB), ("GC fragmented at last GC", s => s.GcFragmentedKiB),
            ("managed now", s => s.ManagedKiB), ("malloc in use (+ mmapped)", s => s.MallocUsedKiB), ("malloc free, kept", s => s.MallocFreeKiB),
            ("malloc arenas (sbrk+arenas)", s => s.MallocArenaKiB), ("malloc mmapped chunks", s => s.MallocMmappedKiB),
            ("GC index", s => s.GcIndex), ("gen-2 collections", s => s.Gen2),
        ];
    }
}
