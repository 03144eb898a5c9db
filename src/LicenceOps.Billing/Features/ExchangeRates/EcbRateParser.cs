using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace LicenceOps.Billing.Features.ExchangeRates;

/// <summary>
/// Reads the ECB euro reference rate files: the daily and history XML (gesmes envelope with nested Cube
/// elements) and the CSV files (history: ISO dates, "N/A" for retired currencies; daily: "26 September 2024",
/// spaces after commas). Both CSV files end every row with a trailing comma.
/// </summary>
public static class EcbRateParser
{
    private const string EurofxrefNamespace = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref";

    public static IReadOnlyList<EcbRate> ParseXml(string xml)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml);
        }
        catch (XmlException ex)
        {
            throw new EcbFormatException($"The ECB XML is not well-formed: {ex.Message}");
        }

        XNamespace ns = EurofxrefNamespace;
        var days = document.Descendants(ns + "Cube").Where(c => c.Attribute("time") is not null).ToList();
        if (days.Count == 0)
        {
            throw new EcbFormatException("The ECB XML holds no <Cube time=...> element.");
        }

        var rates = new List<EcbRate>();
        foreach (var day in days)
        {
            var date = ParseIsoDate(day.Attribute("time")!.Value);
            foreach (var cube in day.Elements(ns + "Cube"))
            {
                var currency = cube.Attribute("currency")?.Value;
                var rate = cube.Attribute("rate")?.Value;
                if (currency is null || rate is null)
                {
                    throw new EcbFormatException($"A rate of {date:yyyy-MM-dd} lacks its currency or rate attribute.");
                }

                rates.Add(new EcbRate(date, NormaliseCurrency(currency), ParseRate(rate, currency, date)));
            }
        }

        return rates;
    }

    public static IReadOnlyList<EcbRate> ParseCsv(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 2)
        {
            throw new EcbFormatException("The ECB CSV needs a header row and at least one rate row.");
        }

        var header = SplitRow(lines[0]);
        if (!string.Equals(header[0], "Date", StringComparison.OrdinalIgnoreCase))
        {
            throw new EcbFormatException("The ECB CSV header must start with \"Date\".");
        }

        var rates = new List<EcbRate>();
        for (var row = 1; row < lines.Length; row++)
        {
            var cells = SplitRow(lines[row]);
            if (cells.Count > header.Count)
            {
                throw new EcbFormatException($"Row {row + 1} has more cells than the header.");
            }

            var date = ParseCsvDate(cells[0], row + 1);
            for (var column = 1; column < cells.Count; column++)
            {
                var value = cells[column];
                // Retired currencies (CYP, EEK...) read N/A after their retirement; empty cells likewise mean no rate.
                if (value.Length == 0 || value.Equals("N/A", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                rates.Add(new EcbRate(date, NormaliseCurrency(header[column]), ParseRate(value, header[column], date)));
            }
        }

        return rates;
    }

    /// <summary>Picks the parser from the content itself, so uploads need no format flag.</summary>
    public static IReadOnlyList<EcbRate> Parse(string content)
    {
        var trimmed = content.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (trimmed.Length == 0)
        {
            throw new EcbFormatException("The ECB file is empty.");
        }

        return trimmed[0] == '<' ? ParseXml(trimmed) : ParseCsv(trimmed);
    }

    private static List<string> SplitRow(string line)
    {
        var cells = line.Split(',').Select(c => c.Trim()).ToList();
        // Every ECB row ends with a comma: drop the empty cell it creates.
        if (cells.Count > 1 && cells[^1].Length == 0)
        {
            cells.RemoveAt(cells.Count - 1);
        }

        return cells;
    }

    private static DateOnly ParseCsvDate(string value, int rowNumber)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var iso))
        {
            return iso;
        }

        if (DateOnly.TryParseExact(value, "d MMMM yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var spelled))
        {
            return spelled;
        }

        throw new EcbFormatException($"Row {rowNumber}: \"{value}\" is not a date (expected yyyy-MM-dd or \"26 September 2024\").");
    }

    private static DateOnly ParseIsoDate(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new EcbFormatException($"\"{value}\" is not an ISO date (yyyy-MM-dd).");

    private static decimal ParseRate(string value, string currency, DateOnly date)
    {
        if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) && rate > 0)
        {
            return rate;
        }

        throw new EcbFormatException($"The {currency} rate of {date:yyyy-MM-dd} (\"{value}\") is not a positive number.");
    }

    private static string NormaliseCurrency(string code)
    {
        var trimmed = code.Trim().ToUpperInvariant();
        if (trimmed.Length != 3 || !trimmed.All(char.IsAsciiLetterUpper))
        {
            throw new EcbFormatException($"\"{code}\" is not an ISO 4217 currency code.");
        }

        return trimmed;
    }
}

public sealed class EcbFormatException(string message) : Exception(message);
