using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using LicenceOps.Seats.Reconciliation;

namespace LicenceOps.Bench.Reconciliation;

/// <summary>
/// Sums the runner's phase durations (<see cref="ReconciliationMetrics.PhaseDuration"/>) between two calls of
/// <see cref="Take"/>, so each pass can say where its time went. Phases of concurrent runs overlap: the sums are
/// thread-seconds, not wall-clock.
/// </summary>
internal sealed class PhaseWatch : IDisposable
{
    private readonly MeterListener listener = new();
    private ConcurrentDictionary<string, (double Seconds, long Count)> sums = new();

    public PhaseWatch()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name is ReconciliationMetrics.PhaseDuration or ReconciliationMetrics.Preloads or ReconciliationMetrics.UsageRowsWritten)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var phase = "?";
            foreach (var tag in tags)
            {
                if (tag.Key == "phase")
                {
                    phase = tag.Value as string ?? "?";
                }
            }
            sums.AddOrUpdate(phase, (value, 1), (_, old) => (old.Seconds + value, old.Count + 1));
        });
        // Preloaded inputs (ADR 0038): how many comparisons used them and how many read their inputs again in the write transaction.
        // Usage rows written (ADR 0044): only seats whose observed usage changed get one.
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == ReconciliationMetrics.UsageRowsWritten)
            {
                sums.AddOrUpdate("rows:usage_written", (value, value), (_, old) => (old.Seconds + value, old.Count + value));
                return;
            }
            var use = "?";
            foreach (var tag in tags)
            {
                if (tag.Key == "use")
                {
                    use = tag.Value as string ?? "?";
                }
            }
            sums.AddOrUpdate("preloaded:" + use, (value, value), (_, old) => (old.Seconds + value, old.Count + value));
        });
        listener.Start();
    }

    /// <summary>The sums since the last call, one line, largest first; then starts over.</summary>
    public string Take()
    {
        var taken = Interlocked.Exchange(ref sums, new ConcurrentDictionary<string, (double Seconds, long Count)>());
        var line = new StringBuilder("  phases (thread-seconds):");
        foreach (var (phase, (seconds, _)) in taken.Where(p => !p.Key.StartsWith("preloaded:", StringComparison.Ordinal) && !p.Key.StartsWith("rows:", StringComparison.Ordinal))
                     .OrderByDescending(p => p.Value.Seconds))
        {
            line.Append(CultureInfo.InvariantCulture, $" {phase} {seconds:0.00}");
        }
        foreach (var (counter, (_, count)) in taken.Where(p => p.Key.StartsWith("preloaded:", StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            line.Append(CultureInfo.InvariantCulture, $"; inputs {counter} {count}");
        }
        line.Append(CultureInfo.InvariantCulture, $"; usage rows written {taken.GetValueOrDefault("rows:usage_written").Count}");
        return line.ToString();
    }

    public void Dispose() => listener.Dispose();
}
