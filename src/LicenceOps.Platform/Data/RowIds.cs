using System.Security.Cryptography;

namespace LicenceOps.Platform.Data;

/// <summary>
/// New primary keys for rows (ADR 0045). A version 7 GUID starts with its creation time in milliseconds, so its stored text
/// (<see cref="SqliteText.Of"/>: upper-case hex, most significant digits first) sorts by creation time: rows written together
/// land on the last pages of every index on their id instead of on random pages. On SQLite each page a transaction
/// touches is written again to the WAL at commit: a reconciliation opening 33,000 findings with their audit rows wrote
/// 208 MB of WAL with random ids and 90 MB with these (docs/performance.md). The remaining 74 bits are random, so two
/// processes never collide. Not for secrets or tokens: those stay fully random (<see cref="Guid.NewGuid"/> or
/// <c>RandomNumberGenerator</c>).
/// </summary>
public static class RowIds
{
    /// <summary>Random bytes drawn at once per thread: 256 ids' worth.</summary>
    private const int BufferBytes = 4096;

    [ThreadStatic]
    private static byte[]? buffer;

    [ThreadStatic]
    private static int used;

    /// <summary>
    /// The same layout as <see cref="Guid.CreateVersion7()"/> (48 bits of Unix milliseconds, version 7, variant 10, 74 random
    /// bits from the system's secure generator), but the random bits are drawn 4 KiB at a time: <see cref="Guid.NewGuid"/>, which
    /// <c>CreateVersion7</c> starts from, costs a read of <c>/dev/urandom</c> per id on Linux, about 1.7 µs — 57 ms of a
    /// reconciliation first run's 33,000 findings (docs/performance.md, feat/i11fr).
    /// </summary>
    public static Guid New()
    {
        var bytes = buffer ??= new byte[BufferBytes];
        if (used == 0 || used + 16 > BufferBytes)
        {
            RandomNumberGenerator.Fill(bytes);
            used = 0;
        }
        var r = bytes.AsSpan(used, 16);
        used += 16;
        var ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return new Guid((int)(ms >> 16), (short)ms, (short)((BitConverter.ToUInt16(r) & 0x0FFF) | 0x7000),
            (byte)((r[2] & 0x3F) | 0x80), r[3], r[4], r[5], r[6], r[7], r[8], r[9]);
    }
}
