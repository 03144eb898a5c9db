namespace LicenceOps.Portal.Paging;

/// <summary>
/// One page of a searched list. The list APIs answer whole lists today, so the portal searches and pages what it
/// receives; the page and the search stay in the query string (?q=&amp;page=), which keeps results linkable.
/// </summary>
public sealed class Paged<T>
{
    private Paged(IReadOnlyList<T> items, int page, int pageCount, int total, string? query)
    {
        Items = items;
        Page = page;
        PageCount = pageCount;
        Total = total;
        Query = query;
    }

    public IReadOnlyList<T> Items { get; }

    public int Page { get; }

    public int PageCount { get; }

    /// <summary>Rows matching the search, over all pages.</summary>
    public int Total { get; }

    public string? Query { get; }

    public static Paged<T> Of(IEnumerable<T> source, string? query, int page, int pageSize, Func<T, IEnumerable<string?>> searchable)
    {
        var terms = (query ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var matching = source
            .Where(item => terms.All(term => searchable(item).Any(text => text?.Contains(term, StringComparison.CurrentCultureIgnoreCase) == true)))
            .ToList();
        var size = Math.Max(1, pageSize);
        var pageCount = Math.Max(1, (matching.Count + size - 1) / size);
        var current = Math.Clamp(page, 1, pageCount);
        return new Paged<T>(matching.Skip((current - 1) * size).Take(size).ToList(), current, pageCount, matching.Count, string.IsNullOrWhiteSpace(query) ? null : query.Trim());
    }
}
