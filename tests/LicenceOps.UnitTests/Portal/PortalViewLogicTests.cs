using System.Globalization;
using System.Text.RegularExpressions;
using LicenceOps.Portal.Api;
using LicenceOps.Portal.Charts;
using LicenceOps.Portal.Localization;
using LicenceOps.Portal.Pages.Tenant;
using LicenceOps.Portal.Paging;

namespace LicenceOps.UnitTests.Portal;

/// <summary>The portal's own logic (no rules of the product live here): search and paging, the cost series, charts, texts.</summary>
public sealed class PortalViewLogicTests
{
    [Test]
    public void Paging_searches_every_term_and_clamps_the_page()
    {
        var names = Enumerable.Range(1, 60).Select(i => $"person {i:00} {(i % 2 == 0 ? "even" : "odd")}").ToList();

        var firstPage = Paged<string>.Of(names, null, 1, 25, n => [n]);
        Assert.Multiple(() =>
        {
            Assert.That(firstPage.Items, Has.Count.EqualTo(25));
            Assert.That(firstPage.PageCount, Is.EqualTo(3));
            Assert.That(firstPage.Total, Is.EqualTo(60));
        });

        var even = Paged<string>.Of(names, " EVEN  person ", 99, 25, n => [n]);
        Assert.Multiple(() =>
        {
            Assert.That(even.Total, Is.EqualTo(30), "every term must match, case-insensitively");
            Assert.That(even.Page, Is.EqualTo(2), "a page past the end shows the last page");
            Assert.That(even.Items, Has.Count.EqualTo(5));
            Assert.That(even.Query, Is.EqualTo("EVEN  person"));
        });

        Assert.That(Paged<string>.Of(names, "nobody", 0, 25, n => [n]).Page, Is.EqualTo(1));
    }

    [Test]
    public void Cost_per_month_nets_credit_notes_leaves_drafts_out_and_keeps_the_last_twelve_months()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en-IE");
        try
        {
            var invoices = Enumerable.Range(1, 12).Select(month => Invoice("invoice", "issued", $"2025-{month:00}", 100m + month)).ToList();
            invoices.Add(Invoice("invoice", "issued", "2026-01", 100m));
            invoices.Add(Invoice("credit-note", "issued", "2026-01", 40m));
            invoices.Add(Invoice("invoice", "draft", "2026-02", 999m));

            var points = DashboardModel.CostByMonth(invoices);
            Assert.Multiple(() =>
            {
                Assert.That(points, Has.Count.EqualTo(12), "13 invoiced months: the oldest falls off");
                Assert.That(points[0].Label, Is.EqualTo("Feb 25"));
                Assert.That(points[^1].Value, Is.EqualTo(60m), "100 invoiced minus a 40 credit note");
                Assert.That(points.Select(p => p.Label), Has.None.Contains("Feb 26"), "a draft is not a cost yet");
                Assert.That(points[^1].ValueText, Is.EqualTo("€60.00"));
            });
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Test]
    public void Charts_are_labelled_images_and_encode_their_text()
    {
        var html = SvgCharts.SplitBars("c", "Seats <b>", "desc & more", [new SplitBar("<script>alert(1)</script>", 3, 2)], "Assigned", "Free").ToString()!;
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("role=\"img\"").And.Contain("aria-labelledby=\"c-title c-desc\""));
            Assert.That(html, Does.Not.Contain("<script>").And.Not.Contain("<b>"));
            Assert.That(html, Does.Contain("3/5"));
        });

        var columns = SvgCharts.Columns("k", "Cost", "one month", [new ColumnPoint("Oct 26", 867.43m, "€867.43")]).ToString()!;
        var width = double.Parse(Regex.Match(columns, "<rect [^>]*width=\"([0-9.]+)\"").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.That(width, Is.LessThanOrEqualTo(56), "one month must not become a slab");
    }

    [Test]
    public void Every_text_exists_in_english_and_french()
    {
        var texts = new Texts();
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            foreach (var key in Texts.Keys)
            {
                CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en-IE");
                var english = texts[key];
                CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr-FR");
                var french = texts[key];
                Assert.That(english, Is.Not.Empty, key);
                Assert.That(french, Is.Not.Empty, key);
            }

            Assert.That(() => texts["no.such.key"], Throws.TypeOf<KeyNotFoundException>());
            Assert.That(texts.Code("seat", "brand_new_status"), Is.EqualTo("brand_new_status"));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Test]
    public void Every_text_a_page_asks_for_exists()
    {
        var pages = Path.Combine(RepositoryRoot(), "src", "LicenceOps.Portal");
        var used = Directory.EnumerateFiles(pages, "*.cs*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"T\[""([a-z0-9._-]+)""\]|texts\[""([a-z0-9._-]+)""\]").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value))
            .Distinct()
            .ToList();

        Assert.That(used, Is.Not.Empty);
        Assert.That(used.Except(Texts.Keys), Is.Empty);
    }

    private static InvoiceDto Invoice(string kind, string status, string period, decimal net) =>
        new(Guid.NewGuid(), kind, status == "draft" ? null : "F-1", status, period, null, null, net, net * 0.2m, net * 1.2m, "EUR");

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
