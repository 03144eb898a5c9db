using LicenceOps.Contracts.Seats;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;

namespace LicenceOps.Billing.Consumers;

/// <summary>A seat counts for billing from its assignment's effective date.</summary>
public sealed class SeatAssignedConsumer(ModuleDatabase<BillingModule> database)
    : ModuleConsumer<BillingModule, SeatAssigned>(database)
{
    protected override Task HandleAsync(SeatAssigned message, UnitOfWork uow, CancellationToken ct) =>
        SeatChangeLog.RecordAsync(uow, message.SeatId, message.TenantId, message.SubscriptionId, true, message.EffectiveDate, message.OccurredAt);
}

/// <summary>A released seat counts up to and including its release's effective date.</summary>
public sealed class SeatReleasedConsumer(ModuleDatabase<BillingModule> database)
    : ModuleConsumer<BillingModule, SeatReleased>(database)
{
    protected override Task HandleAsync(SeatReleased message, UnitOfWork uow, CancellationToken ct) =>
        SeatChangeLog.RecordAsync(uow, message.SeatId, message.TenantId, message.SubscriptionId, false, message.EffectiveDate, message.OccurredAt);
}

internal static class SeatChangeLog
{
    public static Task RecordAsync(UnitOfWork uow, Guid seatId, Guid tenantId, Guid subscriptionId, bool assigned, DateOnly effectiveDate, DateTimeOffset occurredAt) =>
        uow.ExecuteAsync(
            """
            INSERT INTO seat_changes (seat_id, tenant_id, subscription_id, assigned, effective_date, occurred_at, recorded_at)
            SELECT @seatId, @tenantId, @subscriptionId, @assigned, @effectiveDate, @occurredAt, @now
            WHERE NOT EXISTS (SELECT 1 FROM seat_changes
                              WHERE seat_id = @seatId AND assigned = @assigned AND effective_date = @effectiveDate AND occurred_at = @occurredAt)
            """,
            new { seatId, tenantId, subscriptionId, assigned, effectiveDate, occurredAt, now = uow.Now });
}
