using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace LicenceOps.Portal.Pages;

/// <summary>The search form above a list: its label, current text and the other filters to keep.</summary>
public sealed record SearchBox(string Id, string Label, string? Query, IReadOnlyDictionary<string, string?> Keep);

/// <summary>Links to the previous and next page, keeping the search and filters.</summary>
public sealed record PagerModel(string Path, int Page, int PageCount, int Total, IReadOnlyDictionary<string, string?> Keep)
{
    public string Link(int page)
    {
        var query = Keep.Where(k => !string.IsNullOrEmpty(k.Value)).ToDictionary(k => k.Key, k => k.Value);
        query["p"] = page.ToString(CultureInfo.InvariantCulture);
        return QueryHelpers.AddQueryString(Path, query);
    }
}

/// <summary>Figures the local way: amounts in euros, dates and months in the page's language.</summary>
public static class Fmt
{
    public static string Money(decimal amount) => amount.ToString("C2", CultureInfo.CurrentCulture);

    public static string Date(DateOnly? date) => date?.ToString("d", CultureInfo.CurrentCulture) ?? "—";

    public static string Date(DateTimeOffset? instant) =>
        instant is { } value ? LicenceOps.Platform.ParisCalendar.DateOf(value).ToString("d", CultureInfo.CurrentCulture) : "—";

    /// <summary>An instant as Paris wall-clock date and time: SLA deadlines are counted in Paris business hours.</summary>
    public static string DateTime(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, LicenceOps.Platform.ParisCalendar.Zone).ToString("g", CultureInfo.CurrentCulture);

    /// <summary>"2026-10" → "Oct 2026" / "oct. 2026".</summary>
    public static string Month(string period) =>
        DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            ? first.ToString("MMM yyyy", CultureInfo.CurrentCulture)
            : period;

    public static string ShortMonth(string period) =>
        DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            ? first.ToString("MMM yy", CultureInfo.CurrentCulture)
            : period;
}
