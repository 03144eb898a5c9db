using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace LicenceOps.Bench;

/// <summary>
/// Listens to the runtime's own events of one kind while a phase is recorded, and counts them under a key each event names
/// (<see cref="JitWatch"/>: methods compiled; <see cref="AllocWatch"/>: bytes allocated by type). Listening costs CPU of
/// its own, so a watch exists only when its environment variable asks for it.
/// </summary>
internal abstract class RuntimeEventWatch : EventListener
{
    private volatile bool recording;

    /// <summary>What each key counted while recording.</summary>
    protected ConcurrentDictionary<string, long> Counts { get; } = new();

    /// <summary>The runtime event keywords to enable (a constant: it is read while the base listener is still being built).</summary>
    protected abstract EventKeywords Keywords { get; }

    public void Record(bool on) => recording = on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, Keywords);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (recording && e.EventName is not null && e.Payload is not null && e.PayloadNames is not null && Counted(e) is ({ } key, var amount))
        {
            Counts.AddOrUpdate(key.Length > 160 ? key[..160] : key, amount, (_, n) => n + amount);
        }
    }

    /// <summary>The key and amount an event adds, or a null key for an event this watch does not count.</summary>
    protected abstract (string? Key, long Amount) Counted(EventWrittenEventArgs e);

    /// <summary>A payload field by name, or null.</summary>
    protected static object? Field(EventWrittenEventArgs e, string name) =>
        e.PayloadNames!.IndexOf(name) is var i and >= 0 ? e.Payload![i] : null;
}
