using System.Diagnostics;
using System.Diagnostics.Metrics;
using LicenceOps.Platform.Observability;

namespace LicenceOps.Seats.Reconciliation;

/// <summary>
/// How long each phase of a reconciliation run takes (licenceops.reconciliation.phase.duration, seconds, tag "phase"),
/// exported with the other LicenceOps meters. The bench listens to it to tell fetching from planning from writing.
/// </summary>
public static class ReconciliationMetrics
{
    public const string PhaseDuration = "licenceops.reconciliation.phase.duration";

    private static readonly Meter Meter = new(Telemetry.MeterName);

    private static readonly Histogram<double> Phases = Meter.CreateHistogram<double>(PhaseDuration, "s",
        "Time spent in one phase of a reconciliation run (read_vendor, wait_write, load, plan, findings, usage, members, commit, …)");

    public const string Runs = "licenceops.reconciliation.runs";

    private static readonly Counter<long> RunCounter = Meter.CreateCounter<long>(Runs, "{run}",
        "Reconciliation runs recorded, by outcome: compared, confirmed (unchanged since the last comparison, ADR 0036) or failed");

    public const string Preloads = "licenceops.reconciliation.preloaded_inputs";

    private static readonly Counter<long> PreloadCounter = Meter.CreateCounter<long>(Preloads, "{account}",
        "Comparisons whose inputs were read outside the write lock (ADR 0038), by use: used, read_again because the tenant's data changed " +
        "meanwhile, or remembered: not read at all, the last comparison's inputs kept in memory at the same versions (ADR 0052)");

    public const string UsageRowsWritten = "licenceops.reconciliation.usage_rows_written";

    private static readonly Counter<long> UsageRowCounter = Meter.CreateCounter<long>(UsageRowsWritten, "{row}",
        "Usage rows written by committed comparisons: only seats whose observed usage differs from their latest stored row get one (ADR 0044)");

    /// <summary>Counts usage rows a comparison wrote (call once its transaction committed).</summary>
    public static void CountUsageRows(int rows)
    {
        if (rows > 0)
        {
            UsageRowCounter.Add(rows);
        }
    }

    /// <summary>Counts the comparisons of one group that used inputs read outside the write lock, and those that had to read them again.</summary>
    public static void CountPreloads(int used, int readAgain)
    {
        if (used > 0)
        {
            PreloadCounter.Add(used, new KeyValuePair<string, object?>("use", "used"));
        }
        if (readAgain > 0)
        {
            PreloadCounter.Add(readAgain, new KeyValuePair<string, object?>("use", "read_again"));
        }
    }

    /// <summary>Counts comparisons whose inputs came from memory (ADR 0052), not from Seats' rows.</summary>
    public static void CountRemembered(int remembered)
    {
        if (remembered > 0)
        {
            PreloadCounter.Add(remembered, new KeyValuePair<string, object?>("use", "remembered"));
        }
    }

    /// <summary>Counts one recorded run under <paramref name="outcome"/>.</summary>
    public static void CountRun(string outcome) => RunCounter.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Records the time since <paramref name="started"/> (a <see cref="Stopwatch.GetTimestamp"/>) and returns a new start.</summary>
    public static long Lap(string phase, long started)
    {
        var now = Stopwatch.GetTimestamp();
        if (Phases.Enabled)
        {
            Phases.Record(Stopwatch.GetElapsedTime(started, now).TotalSeconds, new KeyValuePair<string, object?>("phase", phase));
        }
        return now;
    }
}
