using System.Globalization;
using LicenceOps.Platform.Data;

namespace LicenceOps.UnitTests.Platform;

/// <summary>
/// The digit-by-digit readers of stored dates and instants give exactly what the general parsers gave, and leave
/// every other shape to them (so nothing that read before reads differently now).
/// </summary>
public sealed class StoredTextTests
{
    private const string StoredFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    [Test]
    public void Stored_instants_read_back_exactly_as_the_general_parser_reads_them()
    {
        var random = new Random(16);
        var instants = new List<DateTimeOffset>
        {
            DateTimeOffset.MinValue, DateTimeOffset.MaxValue, new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999),
        };
        for (var i = 0; i < 2000; i++)
        {
            instants.Add(new DateTimeOffset(random.NextInt64(DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero));
        }
        foreach (var instant in instants)
        {
            var text = instant.ToString(StoredFormat, CultureInfo.InvariantCulture);
            Assert.That(StoredText.TryParseUtc(text, out var fast), Is.True, text);
            var general = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            Assert.That(fast, Is.EqualTo(general), text);
            Assert.That(fast.Offset, Is.EqualTo(TimeSpan.Zero), text);
            Assert.That(fast.UtcTicks, Is.EqualTo(instant.UtcTicks), text);
        }
    }

    [TestCase("2026-11-29 03:15:00")]           // SQLite's CURRENT_TIMESTAMP shape
    [TestCase("2026-11-29T03:15:00Z")]          // no fraction
    [TestCase("2026-11-29T03:15:00.1234567+01:00")]
    [TestCase("2026-11-29T03:15:00.123456Z ")]  // right length, wrong shape
    [TestCase("2026-02-30T03:15:00.1234567Z")]  // no such day
    [TestCase("2026-11-29T24:00:00.1234567Z")]
    [TestCase("2026-11-29T03:60:00.1234567Z")]
    [TestCase("2026-11-29T03:15:60.1234567Z")]
    [TestCase("2026-1a-29T03:15:00.1234567Z")]
    [TestCase("0000-01-01T00:00:00.0000000Z")]
    [TestCase("")]
    public void Other_shapes_are_left_to_the_general_parser(string text) =>
        Assert.That(StoredText.TryParseUtc(text, out _), Is.False);

    [Test]
    public void Stored_dates_read_back_exactly_and_ignore_a_time_part_as_before()
    {
        for (var date = new DateOnly(2023, 12, 25); date < new DateOnly(2025, 1, 10); date = date.AddDays(1))
        {
            var text = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.That(StoredText.TryParseDate(text, out var fast), Is.True, text);
            Assert.That(fast, Is.EqualTo(date));
            Assert.That(StoredText.TryParseDate(text + " 00:00:00", out var withTime), Is.True);
            Assert.That(withTime, Is.EqualTo(date));
        }
        Assert.That(StoredText.TryParseDate("9999-12-31", out var last) && last == DateOnly.MaxValue, Is.True);
    }

    [TestCase("2026-2-03")]
    [TestCase("2026-02-29")]
    [TestCase("2026-13-01")]
    [TestCase("2026-00-01")]
    [TestCase("2026-01-00")]
    [TestCase("2026/01/05")]
    [TestCase("0000-01-05")]
    [TestCase("20260105")]
    public void Other_dates_are_left_to_the_exact_parser(string text) =>
        Assert.That(StoredText.TryParseDate(text, out _), Is.False);
}
