using System.Globalization;
using CsvHelper;

namespace LicenceOps.Tenants.Features.People.ExportPeople;

public sealed record PersonCsvLine(
    string Email, string FirstName, string LastName, string? Department, string? ManagerEmail,
    DateOnly StartDate, bool External, string Status, DateOnly? EndDate);

/// <summary>Writes people in the import's columns (plus status and end date), so an export re-imports unchanged.</summary>
public static class PeopleCsvWriter
{
    private static readonly string[] Header =
    [
        PeopleCsvColumns.Email, PeopleCsvColumns.FirstName, PeopleCsvColumns.LastName, PeopleCsvColumns.Department,
        PeopleCsvColumns.ManagerEmail, PeopleCsvColumns.StartDate, PeopleCsvColumns.External,
        PeopleCsvColumns.Status, PeopleCsvColumns.EndDate,
    ];

    public static string Write(IEnumerable<PersonCsvLine> people)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        Write(text, people, header: true);
        return text.ToString();
    }

    /// <summary>Appends rows (after the header when <paramref name="header"/>): the export streams chunk by chunk.</summary>
    public static void Write(TextWriter text, IEnumerable<PersonCsvLine> people, bool header)
    {
        // Names come from HR files and end up opened in a spreadsheet: never let "=HYPERLINK(...)" run as a formula.
        var options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };
        using (var csv = CsvWriter.Create(text, options, leaveOpen: true))
        {
            if (header)
            {
                csv.WriteHeader(Header);
            }
            foreach (var p in people)
            {
                csv.WriteRecord(
                    p.Email, p.FirstName, p.LastName, p.Department, p.ManagerEmail,
                    Date(p.StartDate), p.External ? "true" : "false", p.Status, p.EndDate is { } end ? Date(end) : null);
            }
        }
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
