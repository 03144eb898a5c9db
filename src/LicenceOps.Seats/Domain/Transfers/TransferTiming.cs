namespace LicenceOps.Seats.Domain.Transfers;

public static class TransferTiming
{
    /// <summary>A leaver keeps access through their end date; offboarding starts the next day (UTC).</summary>
    public static DateTimeOffset OffboardingStartsAt(DateOnly endDate) =>
        new(endDate.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>An invite still not accepted gets a reminder every <paramref name="interval"/> since the last nudge.</summary>
    public static bool ReminderDue(DateTimeOffset invitedAt, DateTimeOffset? lastReminderAt, DateTimeOffset now, TimeSpan interval) =>
        now - (lastReminderAt ?? invitedAt) >= interval;
}
