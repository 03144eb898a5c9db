using System.Globalization;
using System.Text;
using System.Text.Json;
using LicenceOps.Platform.Data;

namespace LicenceOps.UnitTests.Platform;

/// <summary>
/// Packed rows read instants and dates in their UTF-8 bytes; what they read must be what Dapper's handlers read from the
/// same stored text, digit-by-digit form or not (<see cref="StoredText"/>, then the general parser).
/// </summary>
public sealed class PackedRowsTests
{
    private static DateTimeOffset? AsTheHandlerReads(string? text) => text is null ? null
        : StoredText.TryParseUtc(text, out var stored) ? stored
        : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>The instants of <paramref name="texts"/>, packed one per row, read from the UTF-8 bytes and from the string.</summary>
    private static (List<DateTimeOffset?> Bytes, List<DateTimeOffset?> Text) Read(IEnumerable<string?> texts)
    {
        var packed = JsonSerializer.Serialize(texts.Select(t => new[] { t }));
        List<DateTimeOffset?> bytes = [], text = [];
        PackedRows.ReadAll(Encoding.UTF8.GetBytes(packed), static (ref PackedRows r) => r.NullableInstant(), bytes);
        PackedRows.ReadAll(packed, static (ref PackedRows r) => r.NullableInstant(), text);
        return (bytes, text);
    }

    [Test]
    public void Instants_read_as_the_handler_reads_them()
    {
        var random = new Random(1580);
        var texts = new List<string?>
        {
            null, "0001-01-01T00:00:00.0000000Z", "9999-12-31T23:59:59.9999999Z", "2024-02-29T23:59:59.9999999Z",
            "2026-11-29 03:15:00", "2026-11-29T03:15:00Z", "2026-11-29T03:15:00.1234567+01:00", "2026-11-29T03:15:00.123456Z ",
        };
        for (var i = 0; i < 2000; i++)
        {
            texts.Add(new DateTimeOffset(random.NextInt64(DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero)
                .ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        }

        var (bytes, text) = Read(texts);

        var expected = texts.Select(AsTheHandlerReads).ToList();
        Assert.That(bytes, Is.EqualTo(expected));
        Assert.That(text, Is.EqualTo(expected));
        Assert.That(bytes.Select(b => b?.Offset), Has.All.EqualTo(TimeSpan.Zero).Or.Null);
    }

    [TestCase("2026-02-30T03:15:00.1234567Z")]
    [TestCase("2026-11-29T24:00:00.1234567Z")]
    [TestCase("2026-1a-29T03:15:00.1234567Z")]
    public void Malformed_instants_fail_as_they_do_for_the_handler(string text)
    {
        Assert.Throws<FormatException>(() => AsTheHandlerReads(text));
        Assert.Throws<FormatException>(() => Read([text]));
    }

    [Test]
    public void Dates_and_the_date_part_of_instants_read_as_stored()
    {
        var packed = """[["2024-02-29", "2026-11-29T03:15:00.1234567Z", null, "0001-01-01"]]""";
        var rows = new List<(DateOnly, DateOnly, DateOnly?, DateOnly)>();
        PackedRows.ReadAll(Encoding.UTF8.GetBytes(packed), static (ref PackedRows r) => (r.Date(), r.Date(), r.NullableDate(), r.Date()), rows);

        Assert.That(rows, Is.EqualTo(new[] { (new DateOnly(2024, 2, 29), new DateOnly(2026, 11, 29), (DateOnly?)null, DateOnly.MinValue) }));
    }
}
