namespace LicenceOps.Seats.Domain.Reconciliation;

/// <summary>
/// Turns a vendor account's reconciliation interval into the cron expression of its Hangfire recurring job (UTC).
/// A cron schedule restarts every hour (minute field) and every day (hour field), so only intervals that divide an hour
/// or a day repeat evenly: 7 minutes would give :00, :07 … :56 and then :00 again, 4 minutes later. Those are the only
/// intervals accepted (<see cref="Allowed"/>), from 5 minutes (vendor rate limits; a run reads the whole member list)
/// to a day. Each account starts at its own offset inside the interval, taken from its id, so a thousand hourly accounts
/// do not all hit the vendors and the database at :00.
/// </summary>
public static class ReconciliationCron
{
    public const int MinimumMinutes = 5;
    public const int MaximumMinutes = 24 * 60;

    /// <summary>Divisors of an hour from 5 minutes, then divisors of a day in whole hours.</summary>
    public static readonly IReadOnlyList<int> Allowed = [5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440];

    public static bool IsExpressible(int minutes) => Allowed.Contains(minutes);

    public static string Explanation =>
        $"The reconciliation interval must be one of {string.Join(", ", Allowed)} minutes: from {MinimumMinutes} minutes to a day, " +
        "and a divisor of an hour or of a day, so the schedule repeats evenly.";

    public static string For(int minutes, Guid accountId)
    {
        if (!IsExpressible(minutes))
        {
            throw new ArgumentOutOfRangeException(nameof(minutes), minutes, Explanation);
        }
        var spread = Spread(accountId);
        if (minutes < 60)
        {
            return $"{spread % (uint)minutes}-59/{minutes} * * * *";
        }
        var minute = spread % 60;
        var hours = minutes / 60;
        var hour = spread / 60 % (uint)hours;
        return hours == 24 ? $"{minute} {hour} * * *" : $"{minute} {hour}-23/{hours} * * *";
    }

    /// <summary>A stable number from the account id (the same on every host and after every restart).</summary>
    private static uint Spread(Guid accountId) => BitConverter.ToUInt32(accountId.ToByteArray(), 0);
}
