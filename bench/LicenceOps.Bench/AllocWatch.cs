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
    /// <summary>
    /// LICENCEOPS_BENCH_ALLOC=2: strings and byte arrays also by the size of the sampled object, in powers of two (a GUID's text is
    /// 96 bytes, an instant's 80, a finding's texts 150–400, a packed group of rows kilobytes): which of them a phase makes.
    /// </summary>
    private readonly bool bySize = Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_ALLOC") == "2";

    public static AllocWatch? StartIfAsked() =>
        Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_ALLOC") is "1" or "2" ? new AllocWatch() : null;

    protected override EventKeywords Keywords => (EventKeywords)0x1;

    protected override (string? Key, long Amount) Counted(EventWrittenEventArgs e)
    {
        if (!e.EventName!.StartsWith("GCAllocationTick", StringComparison.Ordinal))
        {
            return (null, 0);
        }
        var type = Field(e, "TypeName") as string ?? "?";
        var amount = Convert.ToInt64(Field(e, "AllocationAmount64") ?? Field(e, "AllocationAmount") ?? 0L, CultureInfo.InvariantCulture);
        if (bySize && type is "System.String" or "System.Byte[]" && Field(e, "ObjectSize") is { } size)
        {
            var bytes = Convert.ToInt64(size, CultureInfo.InvariantCulture);
            var bucket = bytes <= 1 ? 1 : 1L << (int)(64 - long.LeadingZeroCount(bytes - 1));
            type = $"{type} of {bucket / 2 + 1}–{bucket} bytes";
        }
        return (type, amount);
    }

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
