using System.Diagnostics;
using System.Globalization;
using LicenceOps.Bench;
using LicenceOps.Billing;
using LicenceOps.Billing.Documents;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Billing.Features.Runs;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Hosting;
using LicenceOps.Platform.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

if (args is ["http", ..])
{
    return await LicenceOps.Bench.Http.HttpBench.RunAsync(args[1..]);
}

if (args is ["report", ..])
{
    return await LicenceOps.Bench.Reports.ReportBench.RunAsync(args[1..]);
}

BenchOptions? options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
if (options is null || !BillingPeriod.TryParse(options.Period, out var parsedPeriod))
{
    Console.WriteLine(BenchOptions.Usage);
    return options is null ? 0 : 2;
}
var period = parsedPeriod.Value;

var dataDirectory = Path.Combine(Path.GetTempPath(), "licenceops-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(dataDirectory);
Console.WriteLine($"LicenceOps invoicing benchmark — {options.Tenants} tenants × {options.SubscriptionsPerTenant} subscriptions, period {period}, data {dataDirectory}");

var app = LicenceOpsApplication.Create([], [new IdentityModule(), new BillingModule()], builder =>
{
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Configuration["Storage:DataDirectory"] = dataDirectory;
    builder.Configuration["Jobs:RunServer"] = "false";
    builder.Configuration["Logging:LogLevel:Default"] = "Warning";
    builder.Configuration["Billing:AutoIssueMonthlyRun"] = "true";
});
try
{
    await app.StartAsync();
    var services = app.Services;
    var db = services.GetRequiredService<ModuleDatabase<BillingModule>>();
    var clock = Stopwatch.StartNew();
    await BenchSeed.SeedAsync(db, period, options.Tenants, options.SubscriptionsPerTenant, DateTimeOffset.UtcNow);
    Console.WriteLine($"seeded read models in {clock.Elapsed.TotalSeconds:0.00} s");

    var memory = new MemoryWatch();
    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    clock.Restart();
    var run = await services.GetRequiredService<InvoiceRunner>().RunAsync(period, issue: true, CancellationToken.None);
    var runSeconds = clock.Elapsed.TotalSeconds;
    memory.Sample();
    foreach (var failure in run.Failures.Take(5))
    {
        Console.WriteLine($"  run failure for tenant {failure.TenantId}: {failure.Reason}");
    }

    var store = services.GetRequiredService<InvoiceStore>();
    var renderer = services.GetRequiredService<IDocumentRenderer>();
    long pdfBytes = 0;
    var pages = 0;
    clock.Restart();
    await Parallel.ForEachAsync(run.InvoiceIds, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism }, async (invoiceId, ct) =>
    {
        var invoice = (await db.QuerySingleOrDefaultAsync<InvoiceRow>(
            $"SELECT {InvoiceRow.Columns} FROM invoices WHERE id = @invoiceId", new { invoiceId }, ct))!;
        var document = InvoiceDocumentMapper.Map(invoice, await store.LinesAsync(invoiceId, ct), await store.RatesAsync(invoiceId, ct), null);
        var pdf = renderer.RenderInvoicePdf(document);
        Interlocked.Add(ref pdfBytes, pdf.Length);
        Interlocked.Add(ref pages, CountPages(pdf));
        if (options.Keep && invoice.Number is { } number && Interlocked.Increment(ref savedSamples) <= 3)
        {
            await File.WriteAllBytesAsync(Path.Combine(dataDirectory, number + ".pdf"), pdf, ct);
        }
        memory.SampleEvery(50);
    });
    var renderSeconds = clock.Elapsed.TotalSeconds;
    memory.Sample();

    var invoices = run.InvoiceIds.Count;
    var culture = CultureInfo.InvariantCulture;
    Console.WriteLine(string.Create(culture, $"""

        invoice run end to end (draft + issue + PDF stored, rendering on {Environment.ProcessorCount} cores): {invoices} invoices ({run.Issued} issued, {run.Failures.Count} failures) in {runSeconds:0.00} s = {invoices / runSeconds:0.0} invoices/s
        rendering floor (PDF only, {options.Parallelism} thread(s)): {invoices} PDFs, {pages} pages, {pdfBytes / 1024.0 / 1024.0:0.0} MiB in {renderSeconds:0.00} s = {invoices / renderSeconds:0.0} invoices/s
        run ÷ rendering floor:        {(invoices / runSeconds) / (invoices / renderSeconds):P0}
        peak working set:             {Environment.WorkingSet / 1048576.0:0} MiB now, {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MiB peak (process)
        managed heap:                 {memory.PeakManagedBytes / 1048576.0:0} MiB peak sampled, {(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1048576.0:0} MiB allocated
        GC collections gen0/1/2:      {GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3}
        """));
    return 0;
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    if (options.Keep)
    {
        Console.WriteLine($"data kept in {dataDirectory}");
    }
    else
    {
        Directory.Delete(dataDirectory, recursive: true);
    }
}

static int CountPages(byte[] pdf)
{
    // Skia writes one "/Type /Page" object per page (and "/Type /Pages" once for the tree).
    var text = System.Text.Encoding.Latin1.GetString(pdf);
    var count = 0;
    for (var i = text.IndexOf("/Type /Page", StringComparison.Ordinal); i >= 0; i = text.IndexOf("/Type /Page", i + 1, StringComparison.Ordinal))
    {
        if (i + 11 >= text.Length || text[i + 11] != 's')
        {
            count++;
        }
    }
    return count;
}

internal static partial class Program
{
    private static int savedSamples;
}

/// <summary>Peak managed heap, sampled between invoices (the process peak working set comes from the OS).</summary>
internal sealed class MemoryWatch
{
    private long peak;
    private int calls;

    public long PeakManagedBytes => Interlocked.Read(ref peak);

    public void SampleEvery(int n)
    {
        if (Interlocked.Increment(ref calls) % n == 0)
        {
            Sample();
        }
    }

    public void Sample()
    {
        var now = GC.GetGCMemoryInfo().HeapSizeBytes;
        long seen;
        do
        {
            seen = Interlocked.Read(ref peak);
        }
        while (now > seen && Interlocked.CompareExchange(ref peak, now, seen) != seen);
    }
}
