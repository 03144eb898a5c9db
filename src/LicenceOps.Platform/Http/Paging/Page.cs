namespace LicenceOps.Platform.Http.Paging;

/// <param name="Items">This page's rows, in the list's fixed order.</param>
/// <param name="Limit">The page size asked for; a page holds at most this many items.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> to read the next page; null on the last page.</param>
/// <param name="Total">How many rows the whole list has: given on the first page (no cursor) of a list of at most
/// <see cref="Keyset{TRow}.MaxCountedTotal"/> rows; null on later pages and for longer lists.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, int Limit, string? NextCursor, long? Total)
{
    public Page<TView> Map<TView>(Func<T, TView> map) => new(Items.Select(map).ToList(), Limit, NextCursor, Total);
}
