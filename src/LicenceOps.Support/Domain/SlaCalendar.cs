using System.Collections.Concurrent;
using LicenceOps.Platform;
using PublicHoliday;

namespace LicenceOps.Support.Domain;

/// <summary>
/// Business time of the hotline: Monday to Friday, opening to closing hour in Europe/Paris, minus French public
/// holidays. SLA targets are durations of business time; this turns them into due instants and back. Pure.
/// </summary>
public sealed class SlaCalendar(TimeOnly opens, TimeOnly closes)
{
    private static readonly ConcurrentDictionary<int, HashSet<DateOnly>> Holidays = new();

    public static SlaCalendar Default { get; } = new(new TimeOnly(9, 0), new TimeOnly(18, 0));

    public TimeOnly Opens { get; } = opens < closes ? opens : throw new ArgumentException("The hotline must open before it closes.");

    public TimeOnly Closes { get; } = closes;

    public static bool IsHoliday(DateOnly date) =>
        Holidays.GetOrAdd(date.Year, year => new FrancePublicHoliday().PublicHolidays(year).Select(DateOnly.FromDateTime).ToHashSet())
            .Contains(date);

    public static bool IsBusinessDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !IsHoliday(date);

    /// <summary>The instant when <paramref name="duration"/> of business time has elapsed after <paramref name="start"/>.</summary>
    public DateTimeOffset Add(DateTimeOffset start, TimeSpan duration)
    {
        var local = TimeZoneInfo.ConvertTime(start, ParisCalendar.Zone).DateTime;
        var remaining = duration;
        var day = DateOnly.FromDateTime(local);
        var cursor = TimeOnly.FromDateTime(local);
        // Bounded: a year of business days covers any sane SLA target.
        for (var i = 0; i < 800; i++)
        {
            if (IsBusinessDay(day))
            {
                var from = cursor < Opens ? Opens : cursor;
                if (from < Closes)
                {
                    var available = Closes - from;
                    if (remaining <= available)
                    {
                        return ToInstant(day, from.Add(remaining));
                    }

                    remaining -= available;
                }
            }

            day = day.AddDays(1);
            cursor = TimeOnly.MinValue;
        }

        throw new ArgumentOutOfRangeException(nameof(duration), "SLA targets longer than two years of business time are not supported.");
    }

    /// <summary>Business time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return TimeSpan.Zero;
        }

        var start = TimeZoneInfo.ConvertTime(from, ParisCalendar.Zone).DateTime;
        var end = TimeZoneInfo.ConvertTime(to, ParisCalendar.Zone).DateTime;
        var total = TimeSpan.Zero;
        for (var day = DateOnly.FromDateTime(start); day <= DateOnly.FromDateTime(end); day = day.AddDays(1))
        {
            if (!IsBusinessDay(day))
            {
                continue;
            }

            var open = day.ToDateTime(Opens);
            var close = day.ToDateTime(Closes);
            var a = start > open ? start : open;
            var b = end < close ? end : close;
            if (b > a)
            {
                total += b - a;
            }
        }

        return total;
    }

    private static DateTimeOffset ToInstant(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, ParisCalendar.Zone.GetUtcOffset(local)).ToUniversalTime();
    }
}

/// <summary>First-response and resolution targets of one priority, in business hours.</summary>
public sealed record SlaTarget(double FirstResponseHours, double ResolutionHours);

/// <summary>Where a ticket stands against its targets at an instant. Pure: the sweep job only stores the result.</summary>
public static class SlaEvaluator
{
    /// <param name="resolutionDue">Null while the resolution clock is stopped (waiting on the customer).</param>
    public static string Evaluate(
        SlaCalendar calendar, DateTimeOffset now, DateTimeOffset? firstResponseDue, bool responded,
        DateTimeOffset? resolutionDue, SlaTarget target, double warnFraction)
    {
        var dues = new List<(DateTimeOffset Due, double Hours)>();
        if (!responded && firstResponseDue is { } firstDue)
        {
            dues.Add((firstDue, target.FirstResponseHours));
        }

        if (resolutionDue is { } resolveBy)
        {
            dues.Add((resolveBy, target.ResolutionHours));
        }

        if (dues.Any(d => now >= d.Due))
        {
            return SlaStates.Breached;
        }

        return dues.Any(d => calendar.Between(now, d.Due) <= TimeSpan.FromHours(d.Hours * warnFraction))
            ? SlaStates.AtRisk
            : SlaStates.Ok;
    }
}
