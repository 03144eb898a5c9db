using System.Diagnostics.Tracing;
using System.Globalization;

namespace LicenceOps.Bench;

/// <summary>
/// Which types a phase allocates, from the runtime's allocation ticks (one event per ~100 KB allocated on a thread, naming the
/// type of the object that crossed the mark): a sample, so the shares are estimates, good to a few percent over hundreds of
/// MiB. Only when LICENCEOPS_BENCH_ALLOC=1.
/// </summary>
internal sealed class AllocWatch : RuntimeEventWatch
{
    public static AllocWatch? StartIfAsked() =>
        Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_ALLOC") == "1" ? new AllocWatch() : null;

    protected override EventKeywords Keywords => (EventKeywords)0x1;

    protected override (string? Key, long Amount) Counted(EventWrittenEventArgs e) =>
        e.EventName!.StartsWith("GCAllocationTick", StringComparison.Ordinal)
            ? (Field(e, "TypeName") as string ?? "?", Convert.ToInt64(Field(e, "AllocationAmount64") ?? Field(e, "AllocationAmount") ?? 0L, CultureInfo.InvariantCulture))
            : (null, 0);

    /// <summary>Prints the sampled bytes by type, largest first, and starts over.</summary>
    public void Print(string phase, int top)
    {
        var total = Counts.Values.Sum();
        Console.WriteLine($"  allocated during {phase}, by type (sampled, {total / 1048576.0:0} MiB, top {top} of {Counts.Count} types):");
        foreach (var (type, bytes) in Counts.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine($"    {bytes / 1048576.0,7:0.0} MiB  {type}");
        }
        Counts.Clear();
    }
}
