using System.Globalization;
using LicenceOps.Platform.Http;

namespace LicenceOps.Seats.Features.Reports;

/// <summary>A report's months, first and last included, checked against today's month.</summary>
public sealed record ReportPeriod(DateOnly First, DateOnly Last)
{
    /// <summary>Longest report: two years, so one request reads a bounded amount of usage.</summary>
    public const int MaxMonths = 24;

    public DateOnly Start => new(First.Year, First.Month, 1);

    public DateOnly End => new DateOnly(Last.Year, Last.Month, 1).AddMonths(1).AddDays(-1);

    public int Months => (Last.Year - First.Year) * 12 + Last.Month - First.Month + 1;

    /// <summary>
    /// Parses <c>from</c> and <c>to</c> ("YYYY-MM"). Without <c>to</c> the report ends with the current month; without
    /// <c>from</c> it covers the 12 months ending with <c>to</c>. Errors are named by parameter.
    /// </summary>
    public static ReportPeriod? Parse(string? from, string? to, DateOnly today, ValidationErrors errors)
    {
        var current = new DateOnly(today.Year, today.Month, 1);
        var last = to is null ? current : Month(to, "to", errors);
        var first = from is null ? last?.AddMonths(-11) : Month(from, "from", errors);
        if (first is null || last is null)
        {
            return null;
        }

        if (last > current)
        {
            errors.Add("to", $"to must not be after the current month ({current:yyyy-MM}): a report shows what happened.");
        }
        else if (first > last)
        {
            errors.Add("from", "from must not be after to.");
        }
        else if (new ReportPeriod(first.Value, last.Value).Months > MaxMonths)
        {
            errors.Add("from", $"a report covers at most {MaxMonths} months.");
        }

        return errors.Any ? null : new ReportPeriod(first.Value, last.Value);
    }

    private static DateOnly? Month(string text, string field, ValidationErrors errors)
    {
        if (text.Length == 7 && DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            && month >= BusinessDateAttribute.Earliest)
        {
            return month;
        }

        errors.Add(field, $"{field} must be a month written YYYY-MM (e.g. 2026-09), from 2000-01.");
        return null;
    }
}
