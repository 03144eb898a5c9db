using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LicenceOps.Platform.Data;

/// <summary>Reads one row of a <see cref="PackedRows"/> text, its values in the order the query packed them.</summary>
public delegate T ReadPackedRow<out T>(ref PackedRows row);

/// <summary>
/// Rows that SQLite packed as one JSON array of arrays (<c>json_group_array(json_array(...))</c>), read value by value without
/// building a document. On SQLite every column of every row is carried out of the engine by native calls of its own (each
/// taking and releasing the statement's handle): the reconciliation's read-ahead reads a few hundred thousand values per
/// pass (ADR 0047) and the invoice run a hundred seat changes per tenant, so their larger inputs come as one text per group
/// of rows instead (docs/performance.md). Values are as SQLite stored them: GUIDs and dates as text, flags and counts as
/// numbers, NULL as null. SQL Server reads columns (its client has no such cost per column).
/// </summary>
public ref struct PackedRows
{
    private Utf8JsonReader json;

    private PackedRows(ReadOnlySpan<byte> utf8)
    {
        json = new Utf8JsonReader(utf8);
        Next(JsonTokenType.StartArray);
    }

    /// <summary>Every row of <paramref name="packed"/>, read by <paramref name="read"/>, added to <paramref name="into"/>.</summary>
    public static void ReadAll<T>(string packed, ReadPackedRow<T> read, ICollection<T> into)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(packed.Length));
        try
        {
            ReadAll(buffer.AsSpan(0, Encoding.UTF8.GetBytes(packed, buffer)), read, into);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The same from the UTF-8 bytes SQLite holds (the packed text selected <c>CAST(... AS BLOB)</c>): no UTF-16 string is
    /// made of it only to be encoded back.
    /// </summary>
    public static void ReadAll<T>(ReadOnlySpan<byte> packed, ReadPackedRow<T> read, ICollection<T> into)
    {
        var rows = new PackedRows(packed);
        while (rows.NextRow())
        {
            into.Add(read(ref rows));
            rows.Next(JsonTokenType.EndArray);
        }
    }

    /// <summary>
    /// The rows of a query read the way each dialect reads best: on SQLite <paramref name="packedSql"/>, which selects one packed text
    /// per group of rows as bytes (<c>CAST(json_group_array(json_array(...)) AS BLOB)</c>), each row read by <paramref name="read"/>;
    /// elsewhere <paramref name="columnSql"/>, the same rows column by column.
    /// </summary>
    public static async Task<IReadOnlyList<T>> QueryAsync<T>(UnitOfWork uow, string columnSql, string packedSql, object param, ReadPackedRow<T> read)
    {
        if (uow.Dialect != SqlDialect.Sqlite)
        {
            return await uow.QueryAsync<T>(columnSql, param);
        }
        var rows = new List<T>();
        // Each packed text read where SQLite holds it (UnitOfWork.ReadBlobsAsync): read as a byte[] it was copied out once per group
        // of rows, about 26 MiB of a first reconciliation's 100,000 seats, each megabyte zeroed, faulted in and collected.
        await uow.ReadBlobsAsync(packedSql, param, (ReadOnlySpan<byte> packed) => ReadAll(packed, read, rows));
        return rows;
    }

    /// <summary>True at the start of the next row; false at the end of the rows.</summary>
    private bool NextRow()
    {
        json.Read();
        return json.TokenType switch
        {
            JsonTokenType.StartArray => true,
            JsonTokenType.EndArray => false,
            _ => throw new FormatException($"Packed rows: a row was expected, found {json.TokenType}."),
        };
    }

    private void Next(JsonTokenType expected)
    {
        if (!json.Read() || json.TokenType != expected)
        {
            throw new FormatException($"Packed rows: {expected} was expected, found {json.TokenType}.");
        }
    }

    /// <summary>The next value, which may be null.</summary>
    public string? NullableString()
    {
        json.Read();
        return json.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => json.GetString(),
            // A number stored in a text column reads as its text, as the column read would.
            JsonTokenType.Number => Encoding.UTF8.GetString(json.ValueSpan),
            _ => throw new FormatException($"Packed rows: a text value was expected, found {json.TokenType}."),
        };
    }

    public string String() => NullableString() ?? throw new FormatException("Packed rows: a value is null where none may be.");

    public Guid? NullableGuid()
    {
        json.Read();
        if (json.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (json.TokenType == JsonTokenType.String && !json.ValueIsEscaped && Utf8Parser.TryParse(json.ValueSpan, out Guid guid, out var used, 'D')
            && used == json.ValueSpan.Length)
        {
            return guid;
        }
        return System.Guid.Parse(json.GetString() ?? "");
    }

    public Guid Guid() => NullableGuid() ?? throw new FormatException("Packed rows: a GUID is null where none may be.");

    public long Int64()
    {
        json.Read();
        return json.TokenType == JsonTokenType.Number ? json.GetInt64() : long.Parse(json.GetString() ?? "", CultureInfo.InvariantCulture);
    }

    /// <summary>A flag stored as 0 or 1.</summary>
    public bool Flag() => Int64() != 0;

    /// <summary>A date stored as <c>yyyy-MM-dd</c> (or an instant, whose date part is taken), as Dapper's handler reads it.</summary>
    public DateOnly? NullableDate()
    {
        json.Read();
        if (json.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (json.TokenType == JsonTokenType.String && !json.ValueIsEscaped && StoredDate(json.ValueSpan) is { } date)
        {
            return date;
        }
        return DateOnly.ParseExact((json.GetString() ?? "")[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public DateOnly Date() => NullableDate() ?? throw new FormatException("Packed rows: a date is null where none may be.");

    /// <summary>
    /// An instant stored as ISO 8601 text in UTC, read as Dapper's handler reads it: the fixed-width form it writes
    /// (<c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>) digit by digit in the packed bytes, anything else by the general parser.
    /// </summary>
    public DateTimeOffset? NullableInstant()
    {
        json.Read();
        if (json.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        var text = json.ValueSpan;
        if (json.TokenType == JsonTokenType.String && !json.ValueIsEscaped && StoredInstant(text) is { } stored)
        {
            return stored;
        }
        var at = json.TokenType == JsonTokenType.String ? json.GetString() ?? "" : Encoding.UTF8.GetString(text);
        return DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    public DateTimeOffset Instant() => NullableInstant() ?? throw new FormatException("Packed rows: an instant is null where none may be.");

    /// <summary>
    /// The fixed-width UTC text Dapper's handler writes for an instant (<c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>), read digit by digit from
    /// its UTF-8 bytes; null when <paramref name="text"/> is not exactly that (the caller then leaves it to the general parser).
    /// </summary>
    internal static DateTimeOffset? StoredInstant(ReadOnlySpan<byte> text) =>
        text.Length == 28 && text[10] == 'T' && text[13] == ':' && text[16] == ':' && text[19] == '.' && text[27] == 'Z' && StoredDate(text) is { } date
        && Digits(text.Slice(11, 2)) is { } hour and <= 23 && Digits(text.Slice(14, 2)) is { } minute and <= 59
        && Digits(text.Slice(17, 2)) is { } second and <= 59 && Digits(text.Slice(20, 7)) is { } fraction
            ? new DateTimeOffset(date.DayNumber * TimeSpan.TicksPerDay + hour * TimeSpan.TicksPerHour + minute * TimeSpan.TicksPerMinute
                + second * TimeSpan.TicksPerSecond + fraction, TimeSpan.Zero)
            : null;

    /// <summary><c>yyyy-MM-dd</c> at the start of <paramref name="text"/>, or null when it is not that.</summary>
    internal static DateOnly? StoredDate(ReadOnlySpan<byte> text) =>
        text.Length >= 10 && text[4] == '-' && text[7] == '-'
        && Digits(text[..4]) is { } year and >= 1 && Digits(text.Slice(5, 2)) is { } month and >= 1 and <= 12
        && Digits(text.Slice(8, 2)) is { } day && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            ? new DateOnly(year, month, day)
            : null;

    private static int? Digits(ReadOnlySpan<byte> text)
    {
        var value = 0;
        foreach (var c in text)
        {
            if ((uint)(c - '0') > 9)
            {
                return null;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
