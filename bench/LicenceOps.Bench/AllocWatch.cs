using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace LicenceOps.Bench;

/// <summary>
/// Which types a phase allocates, from the runtime's allocation ticks (one event per ~100 KB allocated on a thread, naming the
/// type of the object that crossed the mark): a sample, so the shares are estimates, good to a few percent over hundreds of
/// MiB. Only when LICENCEOPS_BENCH_ALLOC=1, since listening costs CPU of its own.
/// </summary>
internal sealed class AllocWatch : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> types = new();
    private volatile bool recording;

    public static AllocWatch? StartIfAsked() =>
        Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_ALLOC") == "1" ? new AllocWatch() : null;

    public void Record(bool on) => recording = on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!recording || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null
            || e.PayloadNames is null)
        {
            return;
        }
        var type = e.PayloadNames.IndexOf("TypeName") is var i and >= 0 ? e.Payload[i] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var j and >= 0 ? Convert.ToInt64(e.Payload[j], System.Globalization.CultureInfo.InvariantCulture)
            : e.PayloadNames.IndexOf("AllocationAmount") is var k and >= 0 ? Convert.ToInt64(e.Payload[k], System.Globalization.CultureInfo.InvariantCulture) : 0;
        types.AddOrUpdate(type.Length > 160 ? type[..160] : type, amount, (_, n) => n + amount);
    }

    /// <summary>Prints the sampled bytes by type, largest first, and starts over.</summary>
    public void Print(string phase, int top)
    {
        var total = types.Values.Sum();
        Console.WriteLine($"  allocated during {phase}, by type (sampled, {total / 1048576.0:0} MiB, top {top} of {types.Count} types):");
        foreach (var (type, bytes) in types.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine($"    {bytes / 1048576.0,7:0.0} MiB  {type}");
        }
        types.Clear();
    }
}
