using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors;

namespace LicenceOps.UnitTests.Seats;

/// <summary>
/// The hash of a vendor reading that lets a run be confirmed without reading Seats' rows (ADR 0036): equal readings hash
/// equal, and any difference a comparison could see makes the hashes differ.
/// </summary>
public class ReadingHashTests
{
    private static readonly DateOnly Day = new(2026, 11, 30);

    private static VendorMember Member(int i, string? displayName = null) =>
        new($"person{i}@acme.example", "user", "active", Day.AddDays(-i), $"user_{i:D5}", displayName ?? $"Person {i}", Day.AddDays(-100 - i));

    private static ReconciliationRunner.VendorReadingSet Reading(IReadOnlyList<VendorMember> members, VendorQuantity? quantity = null,
        bool reportsActivity = true, IReadOnlyList<string>? notes = null) =>
        new("claude", new VendorMemberList(members, reportsActivity, notes ?? []), quantity);

    private static string Hash(ReconciliationRunner.VendorReadingSet reading) => ReconciliationFingerprint.OfReading(reading);

    /// <summary>The format as documented on <see cref="ReconciliationFingerprint.HashedFields"/>, written the plain way.</summary>
    private static string Expected(ReconciliationRunner.VendorReadingSet set)
    {
        var text = new StringBuilder();
        void Field(string? value) => text.Append(value is null ? "-1" : value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('|');
        string? DayText(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Field(set.ConnectorName);
        Field(set.Members.ReportsActivity ? "activity" : "no-activity");
        Field(set.Quantity is { } q ? $"{q.Purchased}/{q.Consumed}" : null);
        Field(set.Members.Notes.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var note in set.Members.Notes)
        {
            Field(note);
        }
        Field(set.Members.Members.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var m in set.Members.Members)
        {
            Field(m.Email);
            Field(m.Role);
            Field(m.Status);
            Field(DayText(m.LastActiveOn));
            Field(m.ExternalId);
            Field(m.DisplayName);
            Field(DayText(m.JoinedOn));
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    [Test]
    public void A_reading_hashes_as_its_fields_written_out_in_full_whatever_its_size()
    {
        // Sizes below, at and far beyond one buffer; names with accents, CJK and an emoji (a surrogate pair) in every position
        // of a piece boundary, and a display name longer than the whole buffer.
        var names = new[] { "Éloïse Dùpont", "王小明", "Zoë 🚀 Ångström", new string('é', 5000) + "🚀" + new string('x', 9000) };
        foreach (var count in new[] { 0, 1, 37, 101, 1000 })
        {
            var members = Enumerable.Range(0, count).Select(i => Member(i, names[i % names.Length] + i)).ToList();
            var reading = Reading(members, new VendorQuantity(count, count - 1), notes: ["the activity report hides names", ""]);
            Assert.That(Hash(reading), Is.EqualTo(Expected(reading)), $"{count} members");
        }
        var lone = Reading([Member(1, "broken \ud83d surrogate")]);
        Assert.That(Hash(lone), Is.EqualTo(Expected(lone)), "a lone surrogate is encoded as the replacement character, as before");
    }

    [Test]
    public void Any_field_a_comparison_sees_changes_the_hash()
    {
        var members = Enumerable.Range(0, 50).Select(i => Member(i)).ToList();
        var baseline = Hash(Reading(members));
        Assert.That(Hash(Reading(members.ToList())), Is.EqualTo(baseline), "equal readings hash equal");

        var changes = new Dictionary<string, ReconciliationRunner.VendorReadingSet>
        {
            ["e-mail"] = Reading(members.Select((m, i) => i == 7 ? m with { Email = "other@acme.example" } : m).ToList()),
            ["role"] = Reading(members.Select((m, i) => i == 7 ? m with { Role = "admin" } : m).ToList()),
            ["no role"] = Reading(members.Select((m, i) => i == 7 ? m with { Role = null } : m).ToList()),
            ["empty role"] = Reading(members.Select((m, i) => i == 7 ? m with { Role = "" } : m).ToList()),
            ["status"] = Reading(members.Select((m, i) => i == 7 ? m with { Status = "invited" } : m).ToList()),
            ["last activity"] = Reading(members.Select((m, i) => i == 7 ? m with { LastActiveOn = Day } : m).ToList()),
            ["never active"] = Reading(members.Select((m, i) => i == 7 ? m with { LastActiveOn = null } : m).ToList()),
            ["vendor id"] = Reading(members.Select((m, i) => i == 7 ? m with { ExternalId = "user_x" } : m).ToList()),
            ["display name"] = Reading(members.Select((m, i) => i == 7 ? m with { DisplayName = "Person Seven" } : m).ToList()),
            ["joined"] = Reading(members.Select((m, i) => i == 7 ? m with { JoinedOn = Day } : m).ToList()),
            ["order"] = Reading(members.AsEnumerable().Reverse().ToList()),
            ["one fewer"] = Reading(members.Skip(1).ToList()),
            ["quantity"] = Reading(members, new VendorQuantity(50, 50)),
            ["activity not reported"] = Reading(members, reportsActivity: false),
            ["a note"] = Reading(members, notes: ["names hidden"]),
        };
        foreach (var (what, reading) in changes)
        {
            Assert.That(Hash(reading), Is.Not.EqualTo(baseline), what);
        }
        Assert.That(changes.Values.Select(Hash).Distinct().Count(), Is.EqualTo(changes.Count), "every change hashes apart from every other");
    }

    [Test]
    public void No_value_can_pass_for_two()
    {
        var split = Reading([new VendorMember("a@acme.example", "ab", "c", null)]);
        var moved = Reading([new VendorMember("a@acme.example", "a", "bc", null)]);
        var piped = Reading([new VendorMember("a@acme.example", "a|2:bc", "", null)]);
        Assert.That(new[] { Hash(split), Hash(moved), Hash(piped) }.Distinct().Count(), Is.EqualTo(3));
    }
}
