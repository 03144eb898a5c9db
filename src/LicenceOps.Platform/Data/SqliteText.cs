namespace LicenceOps.Platform.Data;

/// <summary>
/// How values are written as TEXT into SQLite when they bypass Dapper's type handlers (JSON row arrays read by
/// <c>json_each</c>, prepared statements): the same text the handlers write, so rows compare equal whichever path wrote them.
/// </summary>
public static class SqliteText
{
    /// <summary>A GUID as stored in SQLite: upper case with hyphens, e.g. "0F8FAD5B-D9CB-469F-A165-70867728950E".</summary>
    public static string Of(Guid value) => value.ToString("D").ToUpperInvariant();
}
