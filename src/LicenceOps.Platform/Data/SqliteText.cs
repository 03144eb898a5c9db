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
        for (var i = 0; i < 36; i++)
        {
            if (utf8[i] is >= (byte)'a' and <= (byte)'f')
            {
                utf8[i] = (byte)(utf8[i] - ('a' - 'A'));
            }
        }
    }

    /// <summary>Writes <paramref name="value"/> as <see cref="Of"/> does into <paramref name="chars"/> (36 characters), without a string.</summary>
    public static void Format(Guid value, Span<char> chars)
    {
        value.TryFormat(chars, out _, "D");
        for (var i = 0; i < 36; i++)
        {
            if (chars[i] is >= 'a' and <= 'f')
            {
                chars[i] = (char)(chars[i] - ('a' - 'A'));
            }
        }
    }
}
