using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceOps.Platform.Http;

/// <summary>
/// CSV exports written to the response while the rows are read: a chunk of rows is formatted, sent and forgotten,
/// so an export of 40,000 people costs the host a chunk's memory, not the whole file's. The status line is sent
/// before the last row is read, so a failure half-way aborts the connection (the client sees a truncated
/// transfer, never a short file with a 200 it could mistake for complete: the body ends without its chunked
/// terminator).
/// </summary>
public static class CsvStreaming
{
    public const int RowsPerChunk = 500;

    /// <param name="writeChunk">Formats rows; <c>first</c> is true for the first chunk (write the header then).</param>
    public static PushStreamHttpResult Stream<T>(
        IAsyncEnumerable<T> rows, Action<TextWriter, IReadOnlyList<T>, bool> writeChunk, string contentType, string fileName, bool byteOrderMark = false) =>
        TypedResults.Stream(async body =>
        {
            var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            if (byteOrderMark)
            {
                await body.WriteAsync(Encoding.UTF8.GetPreamble());
            }
            var chunk = new List<T>(RowsPerChunk);
            var first = true;
            async Task FlushAsync()
            {
                using var text = new StringWriter(CultureInfo.InvariantCulture);
                writeChunk(text, chunk, first);
                first = false;
                chunk.Clear();
                await body.WriteAsync(encoding.GetBytes(text.ToString()));
                await body.FlushAsync();
            }

            await foreach (var row in rows)
            {
                chunk.Add(row);
                if (chunk.Count == RowsPerChunk)
                {
                    await FlushAsync();
                }
            }
            if (chunk.Count > 0 || first)
            {
                await FlushAsync();
            }
        }, contentType, fileName);
}
