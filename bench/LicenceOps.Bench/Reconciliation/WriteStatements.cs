using System.Collections.Concurrent;
using LicenceOps.Platform.Data;
using LicenceOps.Seats;

namespace LicenceOps.Bench.Reconciliation;

/// <summary>
/// <c>LICENCEOPS_BENCH_SQL=1</c>: the statements Seats' write transactions ran in a pass, by text, per account (through the
/// module's <see cref="ModuleDatabase.BeforeStatement"/> seam, so reads outside a write transaction, the run's first read and
/// the read-ahead's snapshot, are not in it). Says which of a pass's statements per account the writer pays and how often.
/// </summary>
internal sealed class WriteStatements
{
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);

    public static WriteStatements? StartIfAsked(ModuleDatabase<SeatsModule> db)
    {
        if (Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_SQL") != "1")
        {
            return null;
        }
        var watch = new WriteStatements();
        db.BeforeStatement = (_, sql) =>
        {
            watch.counts.AddOrUpdate(sql, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        };
        return watch;
    }

    /// <summary>Forgets what was counted so far (before a pass).</summary>
    public void Take() => counts.Clear();

    public void Print(int accounts)
    {
        foreach (var (sql, n) in counts.OrderByDescending(c => c.Value))
        {
            var text = string.Join(' ', sql.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
            Console.WriteLine($"    {(double)n / accounts,5:0.00} per account  {(text.Length > 110 ? text[..110] + "…" : text)}");
        }
    }
}
