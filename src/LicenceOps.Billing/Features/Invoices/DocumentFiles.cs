using System.Security.Cryptography;
using LicenceOps.Platform.Data;

namespace LicenceOps.Billing.Features.Invoices;

/// <summary>
/// Issued PDFs as files in the data directory, named by their SHA-256, so a download is a file sent by the web server
/// (pooled buffers, no 90 KB array per request, no database read of the bytes). The database stays the record: a file
/// is only a copy, written on first download from the stored bytes after checking their hash, and rewritten whenever
/// it is missing (a new host, a wiped directory). The bytes under a hash never change, so there is nothing to
/// invalidate; concurrent first downloads each write a private temporary file and rename it into place atomically.
/// </summary>
public sealed class DocumentFiles
{
    private readonly string directory;

    public DocumentFiles(DatabaseOptions database)
    {
        directory = Path.Combine(database.DataDirectory, "documents");
    }

    /// <summary>The path of the PDF whose SHA-256 is <paramref name="sha256"/>, copied from <paramref name="load"/> first if absent.</summary>
    public async Task<string> PathOfAsync(string sha256, Func<CancellationToken, Task<byte[]>> load, CancellationToken ct)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"'{sha256}' is not a lower-case SHA-256.", nameof(sha256));
        }

        var path = Path.Combine(directory, sha256[..2], sha256 + ".pdf");
        if (!File.Exists(path))
        {
            var bytes = await load(ct);
            if (!Convert.ToHexStringLower(SHA256.HashData(bytes)).Equals(sha256, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The stored document bytes do not hash to {sha256}; refusing to serve them.");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllBytesAsync(temporary, bytes, ct);
            File.Move(temporary, path, overwrite: true);
        }

        return path;
    }
}
