using System.Text;

namespace LicenceOps.Tenants.Features.People.ImportPeople;

/// <summary>
/// Turns the bytes of an HR export into text whatever wrote it: UTF-8 with or without BOM (LibreOffice, Google Sheets,
/// Excel's "CSV UTF-8"), UTF-16 with or without BOM (Excel's "Unicode text"), and Windows-1252 (Excel's plain "CSV" on
/// a French or German Windows). Bytes that are not valid UTF-8 are never silently replaced by '�'.
/// </summary>
public static class CsvTextDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static CsvTextDecoder() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public sealed record Decoded(string Text, string EncodingName);

    public static Decoded Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return new Decoded(StrictOrFallback(bytes[3..]), "UTF-8");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return new Decoded(Encoding.Unicode.GetString(bytes[2..]), "UTF-16LE");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return new Decoded(Encoding.BigEndianUnicode.GetString(bytes[2..]), "UTF-16BE");
        }

        // Without a BOM, UTF-16 text of a CSV (ASCII headers, Latin names) has a zero in every other byte.
        if (bytes.Length >= 4 && ZeroShare(bytes, 1) > 0.3 && ZeroShare(bytes, 0) < 0.05)
        {
            return new Decoded(Encoding.Unicode.GetString(bytes), "UTF-16LE");
        }

        if (bytes.Length >= 4 && ZeroShare(bytes, 0) > 0.3 && ZeroShare(bytes, 1) < 0.05)
        {
            return new Decoded(Encoding.BigEndianUnicode.GetString(bytes), "UTF-16BE");
        }

        try
        {
            return new Decoded(StrictUtf8.GetString(bytes), "UTF-8");
        }
        catch (DecoderFallbackException)
        {
            return new Decoded(Encoding.GetEncoding(1252).GetString(bytes), "Windows-1252");
        }
    }

    private static string StrictOrFallback(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(1252).GetString(bytes);
        }
    }

    private static double ZeroShare(ReadOnlySpan<byte> bytes, int parity)
    {
        int zeros = 0, total = 0;
        for (var i = parity; i < Math.Min(bytes.Length, 4096); i += 2)
        {
            total++;
            if (bytes[i] == 0)
            {
                zeros++;
            }
        }

        return total == 0 ? 0 : (double)zeros / total;
    }
}
