using System.Diagnostics.Tracing;

namespace LicenceOps.Bench;

/// <summary>
/// Which methods the JIT compiles during a phase, grouped by declaring type (the runtime's MethodLoadVerbose events):
/// says what a run's "methods JIT-compiled" are, e.g. code generated afresh for each new host. Only when
/// LICENCEOPS_BENCH_JIT=1.
/// </summary>
internal sealed class JitWatch : RuntimeEventWatch
{
    // LICENCEOPS_BENCH_JIT=2 lists methods instead of types (to see which ones tier up during a run).
    private readonly bool byMethod = Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_JIT") == "2";

    public static JitWatch? StartIfAsked() =>
        Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_JIT") is "1" or "2" ? new JitWatch() : null;

    protected override EventKeywords Keywords => (EventKeywords)0x10;

    protected override (string? Key, long Amount) Counted(EventWrittenEventArgs e)
    {
        if (!e.EventName!.StartsWith("MethodLoadVerbose", StringComparison.Ordinal))
        {
            return (null, 0);
        }
        var ns = Field(e, "MethodNamespace") as string;
        var name = Field(e, "MethodName") as string;
        return (string.IsNullOrEmpty(ns) ? "(dynamic) " + name : byMethod ? ns + "::" + name : ns, 1);
    }

    public void Print(int top)
    {
        top = byMethod ? Math.Max(top, 400) : top;
        Console.WriteLine($"methods compiled during the run, by type (top {top} of {Counts.Count} types, {Counts.Values.Sum()} methods):");
        foreach (var (type, count) in Counts.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine($"  {count,5}  {type}");
        }
        Counts.Clear();
    }
}
