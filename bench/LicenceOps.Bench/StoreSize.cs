using System.Globalization;

namespace LicenceOps.Bench;

/// <summary>
/// The size of Billing's SQLite database file, its write-ahead log and the pack of issued PDFs beside them (ADR 0099). The
/// file grows by what a run stored (its pages, once checkpointed) and the pack by the run's PDFs; the log's size says how far
/// it grew between the checkpoints that let writers start it again from its beginning, i.e. how much of a run's WAL appends
/// extended a file rather than overwrote blocks already allocated.
/// </summary>
internal readonly record struct StoreSize(long DatabaseBytes, long WalBytes, long PackBytes)
{
    public static StoreSize Of(string dataDirectory) =>
        new(Length(Path.Combine(dataDirectory, "billing.db")), Length(Path.Combine(dataDirectory, "billing.db-wal")),
            Length(Path.Combine(dataDirectory, "billing.pdfpack")));

    private static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>The file's and the pack's growth since <paramref name="before"/> per item and the log's size now.</summary>
    public string Since(StoreSize before, int items) => string.Create(CultureInfo.InvariantCulture,
        $"database file +{(DatabaseBytes - before.DatabaseBytes) / 1024.0 / Math.Max(1, items):0.0} KiB and PDF pack +{(PackBytes - before.PackBytes) / 1024.0 / Math.Max(1, items):0.0} KiB per invoice, WAL {WalBytes / 1048576.0:0.0} MiB (was {before.WalBytes / 1048576.0:0.0})");
}
