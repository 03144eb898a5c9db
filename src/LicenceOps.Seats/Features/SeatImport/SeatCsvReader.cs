namespace LicenceOps.Seats.Features.SeatImport;

public sealed record SeatCsvReadResult(IReadOnlyList<SeatCsvRow> Rows, IReadOnlyList<SeatRowError> Errors);

/// <summary>
/// Reads "email,plan,start_date,vendor_member_id" (the last column optional, any column order, comma or semicolon
/// as French spreadsheets write it). Values are plain: quotes around a value are removed, no value holds a separator.
/// </summary>
public static class SeatCsvReader
{
    public const int MaxRows = 5_000;
    private static readonly string[] Required = ["email", "plan", "start_date"];

    public static SeatCsvReadResult Read(string text)
    {
        var lines = text.TrimStart('\uFEFF').Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && string.IsNullOrWhiteSpace(lines[^1]))
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (lines.Count == 0)
        {
            return new([], [new SeatRowError(1, "file", "The file is empty; expected a header email,plan,start_date[,vendor_member_id].")]);
        }

        var separator = lines[0].Contains(';', StringComparison.Ordinal) ? ';' : ',';
        var header = Split(lines[0], separator).Select(h => h.ToLowerInvariant()).ToList();
        var missing = Required.Where(r => !header.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            return new([], [new SeatRowError(1, "header", $"Missing column(s): {string.Join(", ", missing)}.")]);
        }

        if (lines.Count - 1 > MaxRows)
        {
            return new([], [new SeatRowError(1, "file", $"At most {MaxRows} seats per file.")]);
        }

        var rows = new List<SeatCsvRow>();
        var errors = new List<SeatRowError>();
        for (var i = 1; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var cells = Split(lines[i], separator);
            if (cells.Count > header.Count)
            {
                errors.Add(new SeatRowError(i + 1, "row", $"{cells.Count} values for {header.Count} columns."));
                continue;
            }

            string Cell(string name) => header.IndexOf(name) is var index and >= 0 && index < cells.Count ? cells[index] : "";
            rows.Add(new SeatCsvRow(i + 1, Cell("email"), Cell("plan"), Cell("start_date"), Cell("vendor_member_id")));
        }

        return new(rows, errors);
    }

    private static List<string> Split(string line, char separator) =>
        line.Split(separator).Select(c => c.Trim().Trim('"').Trim()).ToList();
}
