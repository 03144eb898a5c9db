using Microsoft.Extensions.Configuration;

namespace LicenceOps.Platform.Messaging;

/// <summary>The <c>Outbox</c> configuration section (docs/operations.md).</summary>
public sealed record OutboxOptions(
    bool TrackConsumerInboxes,
    TimeSpan RedeliverAfter,
    TimeSpan BacklogThreshold,
    TimeSpan Retention)
{
    public static OutboxOptions From(IConfiguration configuration, bool inMemoryTransport)
    {
        var section = configuration.GetSection("Outbox");
        return new OutboxOptions(
            inMemoryTransport,
            TimeSpan.FromSeconds(section.GetValue("RedeliverAfterSeconds", 120)),
            TimeSpan.FromSeconds(section.GetValue("BacklogThresholdSeconds", 60)),
            TimeSpan.FromDays(section.GetValue("RetentionDays", 14)));
    }
}
