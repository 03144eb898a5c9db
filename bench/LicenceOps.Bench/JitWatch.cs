using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace LicenceOps.Bench;

/// <summary>
/// Which methods the JIT compiles during a phase, grouped by declaring type (the runtime's MethodLoadVerbose events):
/// says what a run's "methods JIT-compiled" are, e.g. code generated afresh for each new host. Only when
/// LICENCEOPS_BENCH_JIT=1, since listening costs CPU of its own.
/// </summary>
internal sealed class JitWatch : EventListener
{
    private const EventKeywords JitKeyword = (EventKeywords)0x10;
    private readonly ConcurrentDictionary<string, int> types = new();
    private volatile bool recording;

    // LICENCEOPS_BENCH_JIT=2 lists methods instead of types (to see which ones tier up during a run).
    private readonly bool byMethod = Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_JIT") == "2";

    public static JitWatch? StartIfAsked() =>
        Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_JIT") is "1" or "2" ? new JitWatch() : null;

    public void Record(bool on) => recording = on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, JitKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!recording || e.EventName is null || !e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }
        var ns = e.PayloadNames?.IndexOf("MethodNamespace") is int i and >= 0 ? e.Payload[i] as string : null;
        var name = e.PayloadNames?.IndexOf("MethodName") is int j and >= 0 ? e.Payload[j] as string : null;
        var key = string.IsNullOrEmpty(ns) ? "(dynamic) " + name : byMethod ? ns + "::" + name : ns;
        types.AddOrUpdate(key.Length > 140 ? key[..140] : key, 1, (_, n) => n + 1);
    }

    public void Print(int top)
    {
        top = byMethod ? Math.Max(top, 400) : top;
        Console.WriteLine($"methods compiled during the run, by type (top {top} of {types.Count} types, {types.Values.Sum()} methods):");
        foreach (var (type, count) in types.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine($"  {count,5}  {type}");
        }
        types.Clear();
    }
}
