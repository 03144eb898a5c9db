using LicenceOps.Platform.Http;
using LicenceOps.Seats.Features.Reports;

namespace LicenceOps.UnitTests.Seats;

public sealed class ReportPeriodTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);

    [Test]
    public void Without_bounds_the_report_covers_the_twelve_months_ending_now()
    {
        var period = ReportPeriod.Parse(null, null, Today, new ValidationErrors())!;
        Assert.That((period.Start, period.End, period.Months), Is.EqualTo((new DateOnly(2025, 12, 1), new DateOnly(2026, 11, 30), 12)));
    }

    [TestCase("2026-10", "2026-09", "from")]
    [TestCase("2024-10", "2026-10", "from")]
    [TestCase("2026-13", "2026-10", "from")]
    [TestCase("26-10", "2026-10", "from")]
    [TestCase("1999-12", "2000-01", "from")]
    [TestCase("2026-09", "2026-12", "to")]
    public void Bad_bounds_name_their_parameter(string from, string to, string field)
    {
        var errors = new ValidationErrors();
        Assert.That(ReportPeriod.Parse(from, to, Today, errors), Is.Null);
        Assert.That(errors.Any, Is.True);
        Assert.That(errors.ToProblem().ProblemDetails.Errors.Keys, Does.Contain(field));
    }

    [Test]
    public void Twenty_four_months_is_the_longest_report() =>
        Assert.That(ReportPeriod.Parse("2024-12", "2026-11", Today, new ValidationErrors())!.Months, Is.EqualTo(24));

    [TestCase("csv", "application/json", "csv")]
    [TestCase(null, "text/csv", "csv")]
    [TestCase(null, "application/pdf", "pdf")]
    [TestCase(null, "*/*", "json")]
    [TestCase("PDF", "", "pdf")]
    [TestCase("xlsx", "", null)]
    public void The_format_comes_from_the_query_then_the_accept_header(string? format, string accept, string? expected) =>
        Assert.That(ReadUsageReport.FormatOf(format, accept), Is.EqualTo(expected));
}
