namespace LicenceOps.Seats.Shared;

internal static class Clock
{
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);
}
