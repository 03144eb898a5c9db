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
            if (instrument.Name == ReconciliationMetrics.PhaseDuration)
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
        listener.Start();
    }

    /// <summary>The sums since the last call, one line, largest first; then starts over.</summary>
    public string Take()
    {
        var taken = Interlocked.Exchange(ref sums, new ConcurrentDictionary<string, (double Seconds, long Count)>());
        var line = new StringBuilder("  phases (thread-seconds):");
        foreach (var (phase, (seconds, _)) in taken.OrderByDescending(p => p.Value.Seconds))
        {
            line.Append(CultureInfo.InvariantCulture, $" {phase} {seconds:0.00}");
        }
        return line.ToString();
    }

    public void Dispose() => listener.Dispose();
}
