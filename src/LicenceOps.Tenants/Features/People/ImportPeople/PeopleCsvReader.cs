using System.Globalization;
using CsvHelper;
using LicenceOps.Tenants.Domain;

namespace LicenceOps.Tenants.Features.People.ImportPeople;

/// <summary>
/// Reads an HR people export (comma, semicolon or tab separated: CsvHelper detects which; header row required) into rows, checking each
/// field on its own. Checks that need the tenant's data (domains, departments, managers) come later.
/// </summary>
public static class PeopleCsvReader
{
    public const int MaxRows = 5000;

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd/MM/yyyy"];
    private static readonly string[] TrueWords = ["true", "yes", "y", "1", "oui", "x"];
    private static readonly string[] FalseWords = ["", "false", "no", "n", "0", "non"];

    public sealed record Result(IReadOnlyList<PersonCsvRow> Rows, IReadOnlyList<RowError> Errors);

    public static Result Read(string text)
    {
        try
        {
            return ReadChecked(text);
        }
        catch (CsvFormatException e)
        {
            var row = e.LineNumber > 0 ? (int)e.LineNumber : 1;
            return new Result([], [new RowError(row, "file", "This is not a readable CSV file: " + e.Message)]);
        }
    }

    private static Result ReadChecked(string text)
    {
        var rows = new List<PersonCsvRow>();
        var errors = new List<RowError>();
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new RowError(1, "file", "The file is empty; expected a header row: " + string.Join(",", PeopleCsvColumns.Required) + "."));
            return new Result(rows, errors);
        }

        var malformedLines = new HashSet<long>();
        var options = CsvReaderOptions.Default with
        {
            NormalizeHeaderName = NormalizeHeader,
            TrimWhitespace = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = record => malformedLines.Add(record.LineNumber),
            MaxRecordSize = 64 * 1024,
        };
        using var csv = CsvReader.FromText(text, options);

        csv.ReadHeader();
        var headers = csv.Headers.Select(NormalizeHeader).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in PeopleCsvColumns.Required.Where(c => !headers.Contains(c)))
        {
            errors.Add(new RowError(1, missing, $"Missing column '{missing}'."));
        }
        if (errors.Count > 0)
        {
            return new Result(rows, errors);
        }

        var firstRowByEmail = new Dictionary<string, int>(StringComparer.Ordinal);
        while (csv.Read())
        {
            var rowNumber = (int)csv.LineNumber;
            if (rows.Count + 1 > MaxRows)
            {
                errors.Add(new RowError(rowNumber, "file", $"Too many rows; import at most {MaxRows} people at a time."));
                break;
            }
            var row = ReadRow(csv, rowNumber, errors);
            if (row is null)
            {
                continue;
            }
            if (firstRowByEmail.TryGetValue(row.Email, out var firstRow))
            {
                errors.Add(new RowError(rowNumber, PeopleCsvColumns.Email, $"{row.Email} already appears on row {firstRow}."));
                continue;
            }
            firstRowByEmail[row.Email] = rowNumber;
            rows.Add(row);
        }
        // Malformed records are skipped by the reader; they still are errors of their row.
        errors.AddRange(malformedLines.Select(line => new RowError((int)line, "row", "Malformed CSV quoting; fix the quotes of this row.")));
        if (rows.Count == 0 && errors.Count == 0)
        {
            errors.Add(new RowError(1, "file", "The file has a header but no people."));
        }
        return new Result(rows, errors.OrderBy(e => e.Row).ToList());
    }

    private static PersonCsvRow? ReadRow(CsvReader csv, int rowNumber, List<RowError> errors)
    {
        var errorsBefore = errors.Count;
        string Field(string name) => csv.GetString(name)?.Trim() ?? "";
        // Optional columns (status, end_date) may be absent from an HR export.
        string Optional(string name) => csv.Headers.Any(h => NormalizeHeader(h) == name) ? Field(name) : "";
        void Fail(string field, string message) => errors.Add(new RowError(rowNumber, field, message));
        void CheckName(string field, string value, string label)
        {
            if (value.Length == 0)
            {
                Fail(field, $"{label} is required.");
            }
            else if (value.Length > PeopleRules.MaxNameLength)
            {
                Fail(field, $"{label} is at most {PeopleRules.MaxNameLength} characters.");
            }
            else if (LicenceOps.Platform.Http.FieldRules.Problem(value, new LicenceOps.Platform.Http.TextAttribute(PeopleRules.MaxNameLength)) is { } problem)
            {
                Fail(field, $"{label} {problem}");
            }
        }

        var email = EmailAddress.Normalize(Field(PeopleCsvColumns.Email));
        if (email.Length == 0)
        {
            Fail(PeopleCsvColumns.Email, "Email is required.");
        }
        else if (!EmailAddress.IsValid(email))
        {
            Fail(PeopleCsvColumns.Email, $"'{email}' is not a valid email address.");
        }

        var firstName = Field(PeopleCsvColumns.FirstName);
        CheckName(PeopleCsvColumns.FirstName, firstName, "First name");
        var lastName = Field(PeopleCsvColumns.LastName);
        CheckName(PeopleCsvColumns.LastName, lastName, "Last name");

        var managerEmail = EmailAddress.Normalize(Field(PeopleCsvColumns.ManagerEmail));
        if (managerEmail.Length > 0 && !EmailAddress.IsValid(managerEmail))
        {
            Fail(PeopleCsvColumns.ManagerEmail, $"'{managerEmail}' is not a valid email address.");
        }
        else if (managerEmail.Length > 0 && managerEmail == email)
        {
            Fail(PeopleCsvColumns.ManagerEmail, "A person cannot be their own manager.");
        }

        var startText = Field(PeopleCsvColumns.StartDate);
        DateOnly startDate = default;
        if (startText.Length == 0)
        {
            Fail(PeopleCsvColumns.StartDate, "Start date is required.");
        }
        else if (!DateOnly.TryParseExact(startText, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out startDate))
        {
            Fail(PeopleCsvColumns.StartDate, $"'{startText}' is not a date; use YYYY-MM-DD (or DD/MM/YYYY).");
        }

        var externalText = Field(PeopleCsvColumns.External).ToLowerInvariant();
        var external = TrueWords.Contains(externalText);
        if (!external && !FalseWords.Contains(externalText))
        {
            Fail(PeopleCsvColumns.External, $"'{externalText}' is not a yes/no value; use true or false (empty means false).");
        }

        // Status and end date are never ignored: a leaver row records the leave (its end date is the last day); a status
        // saying someone left without saying when is refused rather than guessed.
        var status = Optional(PeopleCsvColumns.Status).ToLowerInvariant();
        var endText = Optional(PeopleCsvColumns.EndDate);
        DateOnly? endDate = null;
        if (status.Length > 0 && !PersonStatus.All.Contains(status))
        {
            Fail(PeopleCsvColumns.Status, $"Status '{status}' is not one of {string.Join(", ", PersonStatus.All)}.");
        }
        if (endText.Length > 0)
        {
            if (DateOnly.TryParseExact(endText, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsedEnd))
            {
                endDate = parsedEnd;
            }
            else
            {
                Fail(PeopleCsvColumns.EndDate, $"'{endText}' is not a date; use YYYY-MM-DD (or DD/MM/YYYY).");
            }
        }
        else if (status is PersonStatus.Leaving or PersonStatus.Left)
        {
            Fail(PeopleCsvColumns.EndDate, $"A '{status}' row needs its end date (the last day) to record the leave.");
        }
        if (endDate is { } end && startText.Length > 0 && end < startDate && errors.Count == errorsBefore)
        {
            Fail(PeopleCsvColumns.EndDate, $"The end date {end:yyyy-MM-dd} is before the start date {startDate:yyyy-MM-dd}.");
        }

        if (errors.Count > errorsBefore)
        {
            return null;
        }
        var department = Field(PeopleCsvColumns.Department);
        return new PersonCsvRow(
            rowNumber,
            email,
            firstName,
            lastName,
            department.Length == 0 ? null : department,
            managerEmail.Length == 0 ? null : managerEmail,
            startDate,
            external,
            endDate);
    }

    // "First Name" or "first-name" in an HR export mean first_name.
    private static string NormalizeHeader(string header) =>
        header.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
}
