using System.Globalization;
using System.Net.Mail;
using CsvHelper;

namespace LicenceOps.Seats.Vendors.Csv;

public sealed record CsvRowError(int Row, string Message);

public sealed record CsvMemberExportResult(IReadOnlyList<VendorMember> Members, IReadOnlyList<CsvRowError> Errors);

/// <summary>
/// Reads a vendor's member export (Perplexity, Midjourney, ChatGPT Business…): one member per row with e-mail, status
/// and last active, under whatever header names the vendor uses. Pure: every row is checked, every bad row reported
/// with its line number, nothing half-read.
/// </summary>
public static class CsvMemberExport
{
    public const int MaxRows = 20_000;

    private static readonly string[] EmailHeaders = ["email", "e-mail", "email address", "user email", "member email", "mail"];
    private static readonly string[] StatusHeaders = ["status", "state", "member status", "account status"];
    private static readonly string[] LastActiveHeaders = ["last active", "last_active", "last active date", "last activity", "last activity date", "last_active_at", "last seen"];
    private static readonly string[] JoinedHeaders = ["joined", "joined on", "date added", "added", "added at", "start date", "created"];
    private static readonly string[] NameHeaders = ["name", "display name", "full name"];
    private static readonly string[] RoleHeaders = ["role"];
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd/MM/yyyy", "yyyy/MM/dd", "MM/dd/yyyy"];

    public static CsvMemberExportResult Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new([], [new CsvRowError(1, "The file is empty: a header row with email, status and last active is expected.")]);
        }
        try
        {
            return ParseChecked(text);
        }
        catch (CsvFormatException ex)
        {
            return new([], [new CsvRowError(ex.LineNumber > 0 ? (int)ex.LineNumber : 1, $"This is not a readable CSV file: {ex.Message}")]);
        }
    }

    private static CsvMemberExportResult ParseChecked(string text)
    {
        var errors = new List<CsvRowError>();
        var members = new List<VendorMember>();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var malformed = new HashSet<long>();
        var options = CsvReaderOptions.Default with
        {
            NormalizeHeaderName = Normalise,
            TrimWhitespace = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = record => malformed.Add(record.LineNumber),
            MaxRecordSize = 64 * 1024,
        };
        using var csv = CsvReader.FromText(text.TrimStart('\uFEFF'), options);
        csv.ReadHeader();
        var headers = csv.Headers.Select(Normalise).ToList();
        var email = Column(headers, EmailHeaders);
        var status = Column(headers, StatusHeaders);
        if (email is null || status is null)
        {
            return new([], [new CsvRowError(1, $"The header needs an e-mail and a status column; found: {string.Join(", ", csv.Headers)}.")]);
        }
        var lastActive = Column(headers, LastActiveHeaders);
        var joined = Column(headers, JoinedHeaders);
        var name = Column(headers, NameHeaders);
        var role = Column(headers, RoleHeaders);
        string? Field(string? column) => column is null ? null : csv.GetString(column)?.Trim() is { Length: > 0 } value ? value : null;

        while (csv.Read())
        {
            var row = (int)csv.LineNumber;
            if (members.Count + errors.Count >= MaxRows)
            {
                errors.Add(new CsvRowError(row, $"More than {MaxRows} rows: split the export."));
                break;
            }
            var rowErrors = new List<string>();
            var address = Field(email) ?? "";
            if (!IsEmail(address))
            {
                rowErrors.Add($"'{address}' is not an e-mail address");
            }
            else if (seen.TryGetValue(address, out var firstRow))
            {
                rowErrors.Add($"{address} already appears on row {firstRow}");
            }
            var statusText = Field(status);
            var normalised = NormaliseStatus(statusText);
            if (normalised is null)
            {
                rowErrors.Add($"status '{statusText}' is not one of active, invited, pending, inactive, suspended, deactivated");
            }
            var lastActiveOn = ReadDate(Field(lastActive), "last active", rowErrors);
            var joinedOn = ReadDate(Field(joined), "joined", rowErrors);
            if (rowErrors.Count > 0)
            {
                errors.Add(new CsvRowError(row, string.Join("; ", rowErrors)));
                continue;
            }
            seen[address] = row;
            members.Add(new VendorMember(address.ToLowerInvariant(), Field(role), normalised!, lastActiveOn, null, Field(name), joinedOn));
        }
        errors.AddRange(malformed.Select(line => new CsvRowError((int)line, "Malformed CSV quoting; fix the quotes of this row.")));
        return new(members, errors.OrderBy(e => e.Row).ToList());
    }

    internal static string? NormaliseStatus(string? status) => status?.Trim().ToLowerInvariant() switch
    {
        "active" or "member" or "joined" or "enabled" => VendorMemberStatuses.Active,
        "invited" or "pending" or "invite pending" => VendorMemberStatuses.Invited,
        "inactive" or "suspended" or "deactivated" or "disabled" => VendorMemberStatuses.Inactive,
        _ => null,
    };

    private static string Normalise(string header) => header.Trim().ToLowerInvariant();

    private static string? Column(List<string> headers, string[] names) => names.FirstOrDefault(headers.Contains);

    private static DateOnly? ReadDate(string? text, string what, List<string> errors)
    {
        if (text is null || text.Equals("never", StringComparison.OrdinalIgnoreCase) || text == "-")
        {
            return null;
        }
        if (DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return DateOnly.FromDateTime(at.UtcDateTime);
        }
        errors.Add($"{what} '{text}' is not a date (yyyy-MM-dd)");
        return null;
    }

    private static bool IsEmail(string text) =>
        text.Length is > 3 and <= 320 && MailAddress.TryCreate(text, out var parsed) && parsed.Address == text;
}
