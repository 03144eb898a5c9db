using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
namespace LicenceOps.Platform.Data;

/// <summary>
/// Many rows as one JSON array of arrays, for one SQLite statement that reads them with <c>jsonb_each(CAST(@rows AS TEXT))</c>
/// (the rows bound as UTF-8, <see cref="ToUtf8"/>) and <c>value -&gt;&gt; n</c> instead of one statement per row: Microsoft.Data.Sqlite finds each named parameter by a
/// linear search and every execution crosses into native code, which made per-row inserts most of a first
/// reconciliation's write time (docs/performance.md). Values are written exactly as the Dapper type handlers store them
/// in SQLite (upper-case GUIDs, yyyy-MM-dd dates, invariant decimal text, 0/1 flags), so stored rows compare equal whichever
/// path wrote them. Read them with <c>jsonb_each</c>: it hands each row to <c>-&gt;&gt;</c> as SQLite's binary JSON, where
/// <c>json_each</c> hands it over as text that every <c>-&gt;&gt;</c> of the row parses again (a first reconciliation's
/// findings insert spent about a quarter less CPU in SQLite with <c>jsonb_each</c>, docs/performance.md). Shared by the
/// modules that write sets (Seats' reconciliation, Billing's invoice run, ADR 0042).
/// </summary>
public sealed class JsonRows
{
    private readonly PooledBufferWriter buffer;
    private readonly Utf8JsonWriter writer;

    /// <summary>
    /// How the rows are written: only what JSON itself requires is escaped (quotes, backslashes, control characters). The text
    /// goes to SQLite's JSON parser and nowhere else, so the default encoder's escaping of HTML-sensitive and non-ASCII
    /// characters (every quote of an embedded JSON text as six bytes) only made it longer and gave SQLite more to unescape.
    /// </summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="expectedBytes">
    /// The text's expected length, when the caller knows it (rows × bytes per row): the buffer (rented, <see cref="PooledBufferWriter"/>)
    /// then starts at that size instead of doubling its way up from 256 bytes, each step copying what it holds.
    /// </param>
    public JsonRows(int expectedBytes = 0)
    {
        buffer = new PooledBufferWriter(expectedBytes);
        writer = new Utf8JsonWriter(buffer, WriterOptions);
        writer.WriteStartArray();
    }

    public int Count { get; private set; }

    /// <summary>The writer of the current row, for values written as JSON directly (the outbox's and audit's bodies).</summary>
    internal Utf8JsonWriter Writer => writer;

    public JsonRows Row()
    {
        if (Count > 0)
        {
            writer.WriteEndArray();
        }
        writer.WriteStartArray();
        Count++;
        return this;
    }

    public JsonRows Add(Guid value)
    {
        WriteGuid(writer, value);
        return this;
    }

    /// <summary>
    /// A GUID as SQLite stores it (<see cref="SqliteText.Of"/>), written as a JSON string straight in UTF-8: formatted as characters
    /// it was transcoded and scanned for escapes on every write, and a first reconciliation writes a few hundred thousand.
    /// </summary>
    internal static void WriteGuid(Utf8JsonWriter writer, Guid value)
    {
        Span<byte> quoted = stackalloc byte[38];
        quoted[0] = (byte)'"';
        SqliteText.Format(value, quoted.Slice(1, 36));
        quoted[37] = (byte)'"';
        // Hex digits and hyphens only: nothing to escape or validate.
        writer.WriteRawValue(quoted, skipInputValidation: true);
    }

    public JsonRows Add(Guid? value)
    {
        if (value is { } guid)
        {
            return Add(guid);
        }
        writer.WriteNullValue();
        return this;
    }

    public JsonRows Add(long value)
    {
        writer.WriteNumberValue(value);
        return this;
    }

    public JsonRows Add(DateOnly? value)
    {
        if (value is { } date)
        {
            // Formatted on the stack, as ids are: a usage sheet writes three dates per seat. "O" is yyyy-MM-dd for a DateOnly, on the
            // runtime's fast path (a custom pattern is interpreted on every call).
            Span<byte> quoted = stackalloc byte[12];
            quoted[0] = (byte)'"';
            date.TryFormat(quoted[1..], out var written, "O", CultureInfo.InvariantCulture);
            quoted[written + 1] = (byte)'"';
            // Digits and hyphens, straight in UTF-8, as ids are.
            writer.WriteRawValue(quoted[..(written + 2)], skipInputValidation: true);
        }
        else
        {
            writer.WriteNullValue();
        }
        return this;
    }

    public JsonRows Add(string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
        return this;
    }

    /// <summary>As the decimal handler stores money in SQLite: invariant TEXT, every digit kept (a JSON number would be a REAL).</summary>
    public JsonRows Add(decimal value)
    {
        writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public JsonRows Add(decimal? value)
    {
        if (value is { } number)
        {
            return Add(number);
        }
        writer.WriteNullValue();
        return this;
    }

    public JsonRows Add(int value) => Add((long)value);

    public JsonRows Add(int? value)
    {
        if (value is { } number)
        {
            return Add((long)number);
        }
        writer.WriteNullValue();
        return this;
    }

    public JsonRows Add(bool value)
    {
        writer.WriteNumberValue(value ? 1 : 0);
        return this;
    }

    /// <summary>The JSON text as a string (for SQL Server, which reads the sheets' text); call once, after the last row.</summary>
    public string ToJson()
    {
        var json = Encoding.UTF8.GetString(End());
        buffer.Release();
        return json;
    }

    /// <summary>
    /// The same text as its UTF-8 bytes, to bind as a BLOB that the statement reads as text: <c>jsonb_each(CAST(@rows AS TEXT))</c>
    /// (a BLOB given to a JSON function is taken for binary JSON). A string parameter is the text twice more: UTF-16 in .NET, then
    /// encoded back to UTF-8 to be bound; a first reconciliation binds tens of megabytes of rows (docs/performance.md). Call once,
    /// after the last row, instead of <see cref="ToJson"/>.
    /// </summary>
    public byte[] ToUtf8()
    {
        var utf8 = End().ToArray();
        buffer.Release();
        return utf8;
    }

    /// <summary>
    /// The text's UTF-8 bytes where they were written, for <see cref="UnitOfWork.ExecuteRowsAsync"/> to bind without a copy; valid until
    /// <see cref="Release"/>. Call once, after the last row, instead of <see cref="ToUtf8"/>.
    /// </summary>
    internal ReadOnlySpan<byte> Complete() => End();

    /// <summary>Gives the buffer back (after <see cref="Complete"/>); the rows must not be used afterwards.</summary>
    internal void Release() => buffer.Release();

    private ReadOnlySpan<byte> End()
    {
        if (Count > 0)
        {
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.Flush();
        return buffer.WrittenSpan;
    }
}
