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
        return (string.IsNullOrEmpty(ns) ? "(dynamic) " + name : byMethod ? $"[{Tier(e)}] {ns}::{name}" : ns, 1);
    }

    /// <summary>
    /// The code version the event is for, from bits 7–9 of MethodFlags (the runtime's optimisation tier): says whether a
    /// method compiled during a phase is new to the process (tier 0) or code the process ran before, now promoted (tier 1,
    /// an instrumented tier of dynamic PGO, or a loop's on-stack replacement).
    /// </summary>
    private static string Tier(EventWrittenEventArgs e) =>
        (Convert.ToUInt32(Field(e, "MethodFlags") ?? 0u, System.Globalization.CultureInfo.InvariantCulture) >> 7 & 0x7) switch
        {
            1 => "minopts",
            2 => "optimized",
            3 => "tier0",
            4 => "tier1",
            5 => "osr",
            6 => "tier0-instr",
            7 => "tier1-instr",
            var other => $"tier{other}?",
        };

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
