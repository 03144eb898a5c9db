using System.Diagnostics.Tracing;
using System.Globalization;

namespace LicenceOps.Bench;

/// <summary>
/// Why the collector ran while a phase was recorded, and what survived (LICENCEOPS_BENCH_GC=1): each collection's generation and
/// reason (the runtime's <c>GCStart</c>), and the bytes each generation's collections promoted (<c>GCHeapStats</c>). A pass
/// whose collections cost far more than its floor's, at fewer collections, pays for what survives them, not for what it allocates.
/// </summary>
internal sealed class GcWatch : RuntimeEventWatch
{
    public static GcWatch? StartIfAsked() =>
        Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_GC") == "1" ? new GcWatch() : null;

    // GC events only, at Informational: GCStart and GCHeapStats without the allocation ticks.
    protected override EventKeywords Keywords => (EventKeywords)0x1;

    // The runtime's reasons (GC_REASON), in its order.
    private static readonly string[] Reasons =
    [
        "small allocations", "induced", "low memory", "empty", "large allocations", "out of small-object space",
        "out of large-object space", "induced, not forced", "internal (stress)", "induced, low memory", "induced, compacting",
        "host low memory", "provisional mode", "host low memory, blocking", "background tuning",
    ];

    protected override (string? Key, long Amount) Counted(EventWrittenEventArgs e)
    {
        if (e.EventName!.StartsWith("GCStart", StringComparison.Ordinal))
        {
            var depth = Convert.ToInt32(Field(e, "Depth"), CultureInfo.InvariantCulture);
            var reason = Convert.ToInt32(Field(e, "Reason"), CultureInfo.InvariantCulture);
            var type = Convert.ToInt32(Field(e, "Type") ?? 0, CultureInfo.InvariantCulture);
            return ($"gen {depth}{(type == 1 ? " background" : "")} collections, reason: {(reason < Reasons.Length ? Reasons[reason] : reason.ToString(CultureInfo.InvariantCulture))}", 1);
        }
        if (e.EventName.StartsWith("GCGlobalHeapHistory", StringComparison.Ordinal))
        {
            // After each collection: how many heaps DATAS ran it with, and the gen-0 budget it set for the next one (all heaps
            // together). A phase whose collections come every few MiB touches less fresh memory between two of them than one
            // whose budget lets tens of MiB pile up (feat/i16ot).
            var heaps = Convert.ToInt64(Field(e, "NumHeaps") ?? 0, CultureInfo.InvariantCulture);
            var budget = Convert.ToInt64(Field(e, "FinalYoungestDesired") ?? 0L, CultureInfo.InvariantCulture);
            Counts.AddOrUpdate("~heaps", heaps, (_, n) => n + heaps);
            Counts.AddOrUpdate("~budget", budget, (_, n) => n + budget);
            Counts.AddOrUpdate("~histories", 1, (_, n) => n + 1);
            return (null, 0);
        }
        if (e.EventName.StartsWith("GCHeapStats", StringComparison.Ordinal))
        {
            // One event per collection, after it: the bytes it promoted out of each generation it collected.
            foreach (var (field, what) in new[] { ("TotalPromotedSize0", "promoted from gen 0 to gen 1"), ("TotalPromotedSize1", "promoted from gen 1 to gen 2"), ("TotalPromotedSize2", "surviving in gen 2 (its collections)") })
            {
                var promoted = Convert.ToInt64(Field(e, field) ?? 0L, CultureInfo.InvariantCulture);
                Counts.AddOrUpdate($"bytes {what}", promoted, (_, n) => n + promoted);
            }
            return (null, 0);
        }
        return (null, 0);
    }

    /// <summary>Prints what was counted and starts over.</summary>
    public void Print(string phase)
    {
        Console.WriteLine($"  collections during {phase}:");
        if (Counts.TryGetValue("~histories", out var histories) && histories > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    heaps per collection {Counts["~heaps"] / (double)histories:0.00}, gen-0 budget set after each {Counts["~budget"] / (double)histories / 1048576.0:0.0} MiB (mean of {histories})"));
        }
        foreach (var (key, n) in Counts.Where(p => !p.Key.StartsWith('~')).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(key.StartsWith("bytes", StringComparison.Ordinal) ? $"    {n / 1048576.0,7:0.0} MiB {key[6..]}" : $"    {n,7} {key}");
        }
        Counts.Clear();
    }
}
