using System.Text.RegularExpressions;
using LicenceOps.Platform.Data;

namespace LicenceOps.UnitTests.Platform;

/// <summary>
/// Row ids sort by creation time in the text SQLite stores (ADR 0045), and new row ids come from <see cref="RowIds"/>:
/// the few random GUIDs left in src/ are listed here with the reason they are not row ids.
/// </summary>
public sealed class RowIdsTests
{
    [Test]
    public void Ids_made_in_later_milliseconds_sort_after_earlier_ones_as_stored_text()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(RowIds.New());
            var start = DateTime.UtcNow;
            while (DateTime.UtcNow - start < TimeSpan.FromMilliseconds(2))
            {
                Thread.SpinWait(100);
            }
        }
        var texts = ids.Select(SqliteText.Of).ToList();
        Assert.That(texts, Is.EqualTo(texts.OrderBy(t => t, StringComparer.Ordinal)), "stored text follows creation order");
        Assert.That(ids.Select(i => i.Version), Is.All.EqualTo(7));
    }

    [Test]
    public void Ids_made_in_the_same_millisecond_stay_distinct()
    {
        var ids = Enumerable.Range(0, 100_000).Select(_ => RowIds.New()).ToList();
        Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Count));
    }

    [Test]
    public void Ids_carry_the_time_they_were_made_and_the_layout_of_a_version_7_guid()
    {
        // RowIds draws its random bits in blocks (feat/i11fr): the ids must still be what Guid.CreateVersion7 makes, across blocks
        // and threads: 48 bits of Unix milliseconds, version 7, variant 10.
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                ids.Add(RowIds.New());
            }
        });
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.That(ids.Distinct().Count(), Is.EqualTo(4_000));
        foreach (var id in ids)
        {
            var text = id.ToString("N");
            var ms = Convert.ToInt64(text[..12], 16);
            Assert.That(ms, Is.InRange(before, after), "the first 48 bits are the creation time");
            Assert.That(id.Version, Is.EqualTo(7));
            Assert.That(id.Variant, Is.InRange(8, 11), "variant 10xx");
        }
    }

    /// <summary>Where a random GUID is right, and why; anything else that calls Guid.NewGuid() in src/ is a row id that should not.</summary>
    private static readonly Dictionary<string, string> RandomOnPurpose = new()
    {
        ["LicenceOps.Platform/Messaging/OutboxDispatcher.cs"] = "the dispatcher's epoch, not a row",
        ["LicenceOps.Platform/Identity/UserRecord.cs"] = "security stamp: must not be guessable",
        ["LicenceOps.Platform/Identity/UserEndpoints.cs"] = "user ids stay random (Identity)",
        ["LicenceOps.Platform/Identity/IdentitySeeder.cs"] = "user ids stay random (Identity)",
        ["LicenceOps.Platform/Jobs/LeasedJobWorker.cs"] = "a lease owner token",
        ["LicenceOps.Platform/Mail/MailDispatcher.cs"] = "a claim token",
        ["LicenceOps.Platform/Mail/MailTransports.cs"] = "a file name when a message has no Message-ID",
        ["LicenceOps.Seats/Transfers/PersonConvergence.cs"] = "an idempotency-key suffix",
        ["LicenceOps.Billing/Features/Invoices/DocumentFiles.cs"] = "a temporary file name",
        ["LicenceOps.Billing/Features/Runs/InvoiceRunner.cs"] = "a lease owner token",
    };

    [Test]
    public void Only_the_listed_places_make_random_guids()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var found = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"Guid\.NewGuid\(\)"))
            .Select(f => Path.GetRelativePath(src, f).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
        Assert.That(found, Is.SubsetOf(RandomOnPurpose.Keys), "a new row id should come from RowIds.New() (ADR 0045)");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LicenceOps.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("LicenceOps.sln not found above the test output.");
    }
}
