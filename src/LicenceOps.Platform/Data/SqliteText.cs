using System.Text;

namespace LicenceOps.Platform.Data;

/// <summary>
/// How values are written as TEXT into SQLite when they bypass Dapper's type handlers (JSON row arrays read by
/// <c>json_each</c>, prepared statements): the same text the handlers write, so rows compare equal whichever path wrote them.
/// </summary>
public static class SqliteText
{
    /// <summary>A GUID as stored in SQLite: upper case with hyphens, e.g. "0F8FAD5B-D9CB-469F-A165-70867728950E".</summary>
    public static string Of(Guid value) => string.Create(36, value, static (chars, guid) => Format(guid, chars));

    /// <summary>
    /// Writes <paramref name="value"/> as <see cref="Of"/> does into <paramref name="utf8"/> (36 bytes): the set writers format tens of
    /// thousands of ids per statement into their UTF-8 JSON rows (<see cref="JsonRows"/>).
    /// </summary>
    public static void Format(Guid value, Span<byte> utf8)
    {
        value.TryFormat(utf8, out _, "D");
        // Upper-cased a vector at a time: a byte-by-byte loop over the 36 digits was most of a usage sheet's writing (79,000
        // entries, two ids each, in the reconciliation bench's activity pass; docs/performance.md, feat/i11cp).
        Ascii.ToUpperInPlace(utf8[..36], out _);
    }

    /// <summary>Writes <paramref name="value"/> as <see cref="Of"/> does into <paramref name="chars"/> (36 characters), without a string.</summary>
    public static void Format(Guid value, Span<char> chars)
    {
        value.TryFormat(chars, out _, "D");
        Ascii.ToUpperInPlace(chars[..36], out _);
    }
}
