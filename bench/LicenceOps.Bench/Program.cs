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
if (args is ["reconcile", ..])
{
    return await LicenceOps.Bench.Reconciliation.ReconciliationBench.RunAsync(args[1..]);
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

if (options.Scale is { } scale)
{
    // Flatness: the same bench at each tenant count in one process, after warm-up runs so the sizes are measured with
    // compiled code, as the floor is (it renders right after each run, with the code the run compiled); per-invoice cost
    // should not grow with the number of tenants. One 200-tenant warm-up was not enough: the runtime went on promoting
    // the run's hot methods to tier 1 during the measured runs (3,000–3,800 methods and 5–15 s of JIT time in a
    // 1,000-tenant run under load, against about 120 once settled), so the run paid the JIT and the floor did not.
    // The warm-up is therefore repeated until one of its runs compiles fewer than 300 methods (at most 5 rounds). The
    // first warm-up is the cold figure (a fresh process: what a host pays on its first run) and is printed as such.
    // The rounds after it run in batches of 8 tenants (ADR 0054): the run's code that runs once per batch (drafting a batch's
    // inputs, its inserts, numbering, the lease) was called 7 times per 200-tenant round, so after five rounds it had run 35
    // times, short of the 60 or so calls tiered compilation (with PGO) needs to reach tier 1, while the code that runs once
    // per invoice, the floor's included, had run 1,000 times. Its tier-1 compilation then landed in the first measured run of
    // 1,000 tenants or more (355 methods, 0.63 s of the tiering thread's CPU: 0.6 ms per invoice at 1,000 tenants, none at
    // 10,000), a once-per-process cost charged to whichever size came first. Batches of 8 call it 25 times a round.
    // Batches of 8 in turn never reached the code a real batch runs because it holds more than 8 tenants (the lists and
    // pooled arrays of a batch's tenants growing past their first 8 items: SegmentedArrayBuilder, ArrayPool of Guid and of
    // (Guid, string)), nor the store step often enough (one per 16 PDFs, 13 a round): those tiered up in the first measured
    // run instead, about 90 methods (feat/i16jt). So the rounds after the first take 400 tenants in batches of 16: the
    // per-batch code still runs 25 times a round, now with batches past 8 tenants, and the store step 25 times. The first
    // measured 1,000-tenant run then compiled 28 methods, as many as the runs after it (the code of timers and of the
    // dispatchers' sweeps, which tiers up in whichever run crosses its call counts, at any size).
    const int warmUpTenants = 200;
    const int laterWarmUpTenants = 400;
    const int warmUpBatchTenants = 16;
    const int settledMethods = 300;
    const int leastWarmUps = 4;
    InvoiceBenchResult? cold = null;
    for (var round = 1; round <= 5; round++)
    {
        var tenants = round > 1 ? laterWarmUpTenants : warmUpTenants;
        Console.WriteLine($"warm-up run {round} ({tenants} tenants{(round > 1 ? $" in batches of {warmUpBatchTenants}" : "")}, not in the table):");
        var warmUp = await RunOnceAsync(options with { Tenants = tenants }, period, round > 1 ? warmUpBatchTenants : null, warmUp: true);
        cold ??= warmUp;
        if (round >= leastWarmUps && warmUp.JitMethods < settledMethods)
        {
            break;
        }
    }
    // Each size is measured in several rounds, the sizes taking turns (1,000, 10,000, 1,000, 10,000, …), and the goals read
    // each size's median round. A run and its floor are measured one after the other, and on this VM the same rendering
    // code ran 0.89–1.16 times as fast in one as in the other (the renders' thread CPU, run ÷ floor): one round's ratio
    // moved by ±8 points with no change to the code (docs/performance.md, sessions 23–25), so a single round read the
    // machine's drift as often as the product. The HTTP bench reads the median of 3 rounds for the same reason.
    var sizes = scale.Distinct().ToList();
    var rounds = sizes.Select(_ => new List<InvoiceBenchResult>()).ToList();
    for (var round = 1; round <= options.Rounds; round++)
    {
        for (var size = 0; size < sizes.Count; size++)
        {
            Console.WriteLine();
            Console.WriteLine($"round {round} of {options.Rounds}, {sizes[size]} tenants:");
            rounds[size].Add(await RunOnceAsync(options with { Tenants = sizes[size] }, period));
        }
    }
    // The median round of each size (the middle one by its ratio; with an even count, the lower of the two middle ones).
    var results = rounds.Select(sizeRounds => sizeRounds.OrderBy(r => r.RunOverFloor).ElementAt((sizeRounds.Count - 1) / 2)).ToList();
    Console.WriteLine();
    Console.WriteLine($"every round (run ÷ floor, W = CPU per invoice outside rendering, renders run ÷ floor), {options.Rounds} per size:");
    for (var size = 0; size < sizes.Count; size++)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {sizes[size],7} tenants: {string.Join("; ", rounds[size].Select(r => $"{r.RunOverFloor:P0} (W {r.OutsideRenderingMs:0.00} ms, {r.RunRenderMs / r.FloorRenderMs:0.00})"))}; median {results[size].RunOverFloor:P0}"));
    }
    Console.WriteLine();
    Console.WriteLine("scaling (each size's median round; per-invoice cost of the run end to end; host CPU = process user + system time during the run):");
    Console.WriteLine("  tenants   invoices   run s   ms/invoice   CPU ms/invoice   floor CPU ms/invoice   run ÷ floor   peak managed heap   run peak working set");
    foreach (var r in results)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {r.Tenants,7}   {r.Invoices,8}   {r.RunSeconds,5:0.0}   {r.RunSeconds * 1000 / r.Invoices,10:0.00}   {r.RunCpuSeconds * 1000 / r.Invoices,14:0.00}   {r.FloorCpuSeconds * 1000 / r.Invoices,20:0.00}   {r.RunOverFloor,11:P0}   {r.PeakManagedMiB,13:0} MiB   {r.PeakWorkingSetMiB,16:0} MiB"));
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  cold (first warm-up, {cold!.Tenants} tenants in a fresh process): run ÷ floor {cold.RunOverFloor:P0}, {(cold.RunCpuSeconds - cold.FloorCpuSeconds) * 1000 / cold.Invoices:0.00} ms of CPU per invoice beyond rendering, {cold.JitMethods} methods JIT-compiled during the run"));
    // Beside each ratio, what tells a drifted run from a real change (TimedRenderer).
    foreach (var r in results)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {r.Tenants,7} tenants: run ÷ floor {r.RunOverFloor:P0}; rendering CPU per invoice: run {r.RunRenderMs:0.00} ms, floor {r.FloorRenderMs:0.00} ms (run ÷ floor {r.RunRenderMs / r.FloorRenderMs:0.00}); CPU per invoice outside rendering: {r.OutsideRenderingMs:0.00} ms"));
    }
    Console.WriteLine($"  methods JIT-compiled during each measured run: {string.Join(", ", results.Select(r => $"{r.JitMethods} at {r.Tenants}"))}");
    Console.WriteLine($"  load average at the end: {LoadAverage()}");
    var perInvoice = results.Select(r => r.RunSeconds / r.Invoices).ToList();
    var cpuPerInvoice = results.Select(r => r.RunCpuSeconds / r.Invoices).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  per-invoice time, largest ÷ smallest size: {perInvoice[^1] / perInvoice[0]:0.00}×; per-invoice CPU: {cpuPerInvoice[^1] / cpuPerInvoice[0]:0.00}× (flat = about 1)"));
    Console.WriteLine();
    Console.WriteLine("goals (issue 16):");
    Goals.Print($"invoice run ≥ 90 % of the PDF-rendering floor on both cores (median of {options.Rounds} round(s)): {string.Join(", ", results.Select(r => $"{r.RunOverFloor:P0} at {r.Tenants}"))}",
        results.All(r => r.RunOverFloor >= 0.9));
    Goals.Print($"flat per-invoice cost from {sizes[0]} to {sizes[^1]} tenants: CPU per invoice {cpuPerInvoice[^1] / cpuPerInvoice[0]:0.00}× (within 1.25×)",
        cpuPerInvoice[^1] / cpuPerInvoice[0] <= 1.25);
    // The peak is the first round's: the process as a host is when it invoices its month (after the warm-ups, one run per
    // size, as the bench was with one round). Each size's run has a host of its own in this one process, and what the
    // hosts before it leave (native memory of their SQLite pools and caches, glibc's arenas, generated code) is not given back:
    // the resident set between runs grew by 10–20 MiB per host (176 → 254 MiB over eight hosts, session 26), a bench's
    // leftover no host carries, which later rounds' peaks include. They are printed, not judged.
    var firstRound = rounds.Select(sizeRounds => sizeRounds[0]).ToList();
    Console.WriteLine($"  peak working set of each round's run (MiB; later rounds carry the earlier hosts' leftovers): {string.Join("; ", rounds.Select(sizeRounds => $"{string.Join(", ", sizeRounds.Select(r => $"{r.PeakWorkingSetMiB:0}"))} at {sizeRounds[0].Tenants}"))}");
    Goals.Print($"peak memory < 300 MB: {firstRound.Max(r => r.PeakWorkingSetMiB) * 1.048576:0} MB (peak working set of the process during the first round's runs)", firstRound.Max(r => r.PeakWorkingSetMiB) * 1.048576 < 300);
    return 0;
}

await RunOnceAsync(options, period);
return 0;

static async Task<InvoiceBenchResult> RunOnceAsync(BenchOptions options, BillingPeriod period, int? batchTenants = null, bool warmUp = false)
{
    var dataDirectory = Path.Combine(Path.GetTempPath(), "licenceops-bench", Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(dataDirectory);
    Console.WriteLine($"LicenceOps invoicing benchmark — {options.Tenants} tenants × {options.SubscriptionsPerTenant} subscriptions, period {period}, data {dataDirectory}");
    // Every host of this process sees its data directory under one path, a link to this size's own directory. Dapper keeps the
    // code it generates to read a query's rows per connection string, for the life of the process: with a path of its own,
    // each size's host generated and compiled it again (35-39 dynamic methods per measured run), a cost a warmed host pays
    // once in its life and the floor, run on the same host right after, never pays. One path keeps the connection strings, and
    // so that code, the same across the sizes, as they are across the months of one host.
    var hostDataDirectory = Path.Combine(Path.GetTempPath(), "licenceops-bench", $"invoice-run-{Environment.ProcessId}");
    if (new FileInfo(hostDataDirectory).LinkTarget is not null)
    {
        // Left by an earlier process of the same id that died before its cleanup (the link may point at nothing now).
        File.Delete(hostDataDirectory);
    }
    Directory.CreateSymbolicLink(hostDataDirectory, dataDirectory);

    // The product's renderer with each rendering's thread CPU counted, for the run and the floor alike (TimedRenderer).
    var timedRenderer = new TimedRenderer(new SkiaInvoiceRenderer());
    var app = LicenceOpsApplication.Create([], [new IdentityModule(), new BillingModule()], builder =>
    {
        builder.Services.AddSingleton<IDocumentRenderer>(timedRenderer);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Storage:DataDirectory"] = hostDataDirectory;
        builder.Configuration["Jobs:RunServer"] = "false";
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Configuration["Billing:AutoIssueMonthlyRun"] = "true";
        if (batchTenants is { } batch)
        {
            builder.Configuration["Billing:RunBatchTenants"] = batch.ToString(CultureInfo.InvariantCulture);
        }
    });
    try
    {
        await app.StartAsync();
        var services = app.Services;
        var db = services.GetRequiredService<ModuleDatabase<BillingModule>>();
        var clock = Stopwatch.StartNew();
        await BenchSeed.SeedAsync(db, period, options.Tenants, options.SubscriptionsPerTenant, DateTimeOffset.UtcNow);
        Console.WriteLine($"seeded read models in {clock.Elapsed.TotalSeconds:0.00} s");
        // The seed is one transaction of every read-model row (about 40 MB of WAL per 1,000 tenants). The background
        // checkpointer copies it into the database file once it commits, but first fsyncs the WAL, and that wait is not CPU:
        // the quiet wait below saw a quiet process and the copy (its WAL reads and database writes) fell inside the measured
        // run, about 40 KiB read and 40 KiB written per invoice at 1,000 tenants (strace, docs/performance.md, feat/i16rd).
        // A host that invoices its month wrote its read models long before, so the seed is checkpointed here, to the end.
        Console.WriteLine($"seed checkpointed: {await CheckpointSeedAsync(db)}");

        // Every size runs in this one process, each with a host of its own: what the previous sizes' hosts, runs and floors
        // left on the heap, and the seed's one large transaction, are the bench's garbage, not this run's. Left there, a
        // background gen-2 collection of it lands in whichever run comes next (the 100-tenant run, 0.3-0.6 s long, took one
        // in one idle run of two and read 53 % against 99 %). A host that invoices its month has one heap, so it is collected
        // here, before the quiet wait, once per size, and again before the floor, so neither is charged the other's garbage.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();

        // What the host was still doing when the seed ended (its start-up: tier-1 recompilation of start-up code, lazily built
        // endpoints, MassTransit's and Dapper's generated code): the run starts once the process has been quiet for a quarter
        // of a second (under 10 % of a core; at most 5 s), as a host that invoices its month started long before, and the CPU
        // waited out is printed. A seed of 100 tenants takes a fraction of a second, so that tail (0.2–0.9 s of CPU) used to
        // land in that run and in none of the larger ones (ADR 0054). The floor has its quiet second after the run.
        var (settleCpuSeconds, settleSeconds) = await QuietProcess.WaitAsync(TimeSpan.FromSeconds(5));

        var memory = new MemoryWatch();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var gcPauseBefore = GC.GetTotalPauseDuration();
        var jitBefore = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());

        // The honest memory figure is the run's own: the seed above (one transaction of every read-model row) and
        // the floor below are the bench's work, not the host's, so the peak is reset here and read right after the run.
        ProcessMemory.ResetPeak();
        using var memoryTrace = MemoryTrace.StartIfAsked();
        var storeBefore = StoreSize.Of(dataDirectory);
        var statementsBefore = Statements(db);
        var commitsBefore = db.Commits;
        var ioBefore = ProcessIo.Now();
        var sysBefore = Process.GetCurrentProcess().PrivilegedProcessorTime;
        var faultsBefore = ThreadWaits.MinorPageFaults();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var renderBefore = timedRenderer.Total;
        clock.Restart();
        // For profiling (perf record -k CLOCK_MONOTONIC): the run's bounds on the clock perf stamps its samples with.
        var monotonicStart = Stopwatch.GetTimestamp();
        jitWatch?.Record(true);
        allocWatch?.Record(true);
        gcWatch?.Record(true);
        using var runThreads = ThreadCpu.StartIfAsked();
        using var walWatch = WalWatch.Start(services.GetRequiredService<SqliteCheckpointer>(), Path.Combine(dataDirectory, "billing.db"));
        using var poolWatch = PoolWatch.StartIfAsked();
        var run = await services.GetRequiredService<InvoiceRunner>().RunAsync(period, issue: true, CancellationToken.None);
        var runSeconds = clock.Elapsed.TotalSeconds;
        poolWatch?.Print("run");
        jitWatch?.Record(false);
        allocWatch?.Record(false);
        gcWatch?.Record(false);
        if (Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_MARKS") == "1")
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run bounds (CLOCK_MONOTONIC s): {monotonicStart / (double)Stopwatch.Frequency:0.000000} {Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency:0.000000}"));
        }
        var runCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var runRender = Since(timedRenderer.Total, renderBefore);
        var runIo = ProcessIo.Now() - ioBefore;
        var runSysSeconds = (Process.GetCurrentProcess().PrivilegedProcessorTime - sysBefore).TotalSeconds;
        var runFaults = ThreadWaits.MinorPageFaults() - faultsBefore;
        var runStatements = Statements(db) - statementsBefore;
        var runCommits = db.Commits - commitsBefore;
        var runPeakMiB = ProcessMemory.PeakMiB();
        var runGcPause = GC.GetTotalPauseDuration() - gcPauseBefore;
        var runJit = (System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore.Item1, System.Runtime.JitInfo.GetCompilationTime() - jitBefore.Item2);
        var runGc = (GC.CollectionCount(0) - gcBefore.Item1, GC.CollectionCount(1) - gcBefore.Item2, GC.CollectionCount(2) - gcBefore.Item3);
        var runAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        memory.Sample();
        runThreads?.Print("run", Math.Max(1, run.InvoiceIds.Count), TimeSpan.FromSeconds(runCpuSeconds));
        memoryTrace?.Print("the run");
        jitWatch?.Print(25);
        allocWatch?.Print("the run", 25);
        gcWatch?.Print("the run");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run done: {run.InvoiceIds.Count} invoices in {runSeconds:0.00} s, {runCpuSeconds * 1000 / Math.Max(1, run.InvoiceIds.Count):0.00} ms of CPU per invoice, load average {LoadAverage()}"));
        foreach (var failure in run.Failures.Take(5))
        {
            Console.WriteLine($"  run failure for tenant {failure.TenantId}: {failure.Reason}");
        }

        // What the run left running once it returned (its events still being published, a WAL checkpoint, mail being
        // sent): measured over a quiet second before the floor starts, so the floor is not measured while the run's
        // leftovers share its cores, and printed so a tail that grows with the run's size shows.
        var tailCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.Delay(TimeSpan.FromSeconds(1));
        var tailCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - tailCpuBefore).TotalSeconds;
        // After the quiet second too: a restart pass or a fallback started near the run's end is counted with it.
        walWatch.Print("run");
        // After the quiet second, so the file holds the run's last checkpoint too.
        var storeAfterRun = StoreSize.Of(dataDirectory);

        var store = services.GetRequiredService<InvoiceStore>();
        var renderer = services.GetRequiredService<IDocumentRenderer>();
        long pdfBytes = 0;
        var pages = 0;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        ProcessMemory.ResetPeak();
        var floorAllocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var floorGcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var floorGcPauseBefore = GC.GetTotalPauseDuration();
        var floorIoBefore = ProcessIo.Now();
        var floorSysBefore = Process.GetCurrentProcess().PrivilegedProcessorTime;
        var floorFaultsBefore = ThreadWaits.MinorPageFaults();
        var floorCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var floorRenderBefore = timedRenderer.Total;
        using var floorThreads = ThreadCpu.StartIfAsked();
        clock.Restart();
        var floorMonotonicStart = Stopwatch.GetTimestamp();
        allocWatch?.Record(true);
        gcWatch?.Record(true);
        await Parallel.ForEachAsync(run.InvoiceIds, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism }, async (invoiceId, ct) =>
        {
            var invoice = (await db.QuerySingleOrDefaultAsync<InvoiceRow>(
                $"SELECT {InvoiceRow.Columns} FROM invoices WHERE id = @invoiceId", new { invoiceId }, ct))!;
            var document = InvoiceDocumentMapper.Map(invoice, await store.LinesAsync(invoiceId, ct), await store.RatesAsync(invoiceId, ct), null);
            // Rendered the way the run renders (into a pooled buffer, given back once done with: feat/i16gc), so the floor pays
            // for its PDFs what the run's renders pay, no more.
            using var pdf = renderer.RenderInvoicePdfPooled(document);
            Interlocked.Add(ref pdfBytes, pdf.Length);
            Interlocked.Add(ref pages, CountPages(pdf.Span));
            if (options.Keep && invoice.Number is { } number && Interlocked.Increment(ref savedSamples) <= 3)
            {
                await File.WriteAllBytesAsync(Path.Combine(dataDirectory, number + ".pdf"), pdf.ToArray(), ct);
            }
            memory.SampleEvery(50);
        });
        var renderSeconds = clock.Elapsed.TotalSeconds;
        var floorMonotonicEnd = Stopwatch.GetTimestamp();
        allocWatch?.Record(false);
        gcWatch?.Record(false);
        var floorCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - floorCpuBefore).TotalSeconds;
        var floorRender = Since(timedRenderer.Total, floorRenderBefore);
        var floorIo = ProcessIo.Now() - floorIoBefore;
        var floorSysSeconds = (Process.GetCurrentProcess().PrivilegedProcessorTime - floorSysBefore).TotalSeconds;
        var floorFaults = ThreadWaits.MinorPageFaults() - floorFaultsBefore;
        var floorPeakMiB = ProcessMemory.PeakMiB();
        var floorGcPause = GC.GetTotalPauseDuration() - floorGcPauseBefore;
        var floorGc = (GC.CollectionCount(0) - floorGcBefore.Item1, GC.CollectionCount(1) - floorGcBefore.Item2, GC.CollectionCount(2) - floorGcBefore.Item3);
        var floorAllocated = GC.GetTotalAllocatedBytes(precise: true) - floorAllocatedBefore;
        memory.Sample();
        floorThreads?.Print("floor", Math.Max(1, run.InvoiceIds.Count), TimeSpan.FromSeconds(floorCpuSeconds));
        allocWatch?.Print("the floor", 25);
        gcWatch?.Print("the floor");
        if (Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_MARKS") == "1")
        {
            // The floor's bounds too, so a profile's run and floor samples can be told apart (perf script --time).
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"floor bounds (CLOCK_MONOTONIC s): {floorMonotonicStart / (double)Stopwatch.Frequency:0.000000} {floorMonotonicEnd / (double)Stopwatch.Frequency:0.000000}"));
        }

        var invoices = run.InvoiceIds.Count;
        var culture = CultureInfo.InvariantCulture;
        // The renders' own CPU (thread CPU inside RenderInvoicePdf), so the machine's drift between the run and its floor
        // shows (rendering run ÷ floor away from 1: the same code ran slower or faster) and the run's own work is read
        // without it: CPU outside rendering, the run's minus the floor's (the floor's own: reading each invoice back,
        // counting its pages, its share of the GC).
        var runRenderMs = runRender.Seconds * 1000 / Math.Max(1, runRender.Calls);
        var floorRenderMs = floorRender.Seconds * 1000 / Math.Max(1, floorRender.Calls);
        var runOutsideMs = (runCpuSeconds - runRender.Seconds) * 1000 / invoices;
        var floorOutsideMs = (floorCpuSeconds - floorRender.Seconds) * 1000 / invoices;
        Console.WriteLine(string.Create(culture, $"""

            invoice run end to end (draft + issue + PDF stored, rendering on {Environment.ProcessorCount} cores): {invoices} invoices ({run.Issued} issued, {run.Failures.Count} failures) in {runSeconds:0.00} s = {invoices / runSeconds:0.0} invoices/s, {runSeconds * 1000 / invoices:0.00} ms and {runCpuSeconds * 1000 / invoices:0.00} ms of CPU per invoice
            rendering floor (PDF only, {options.Parallelism} thread(s)): {invoices} PDFs, {pages} pages, {pdfBytes / 1024.0 / 1024.0:0.0} MiB in {renderSeconds:0.00} s = {invoices / renderSeconds:0.0} invoices/s, {floorCpuSeconds * 1000 / invoices:0.00} ms of CPU per invoice
            run ÷ rendering floor:        {(invoices / runSeconds) / (invoices / renderSeconds):P0} (CPU per invoice beyond rendering: {(runCpuSeconds - floorCpuSeconds) * 1000 / invoices:0.00} ms)
            rendering CPU per invoice:    run {runRenderMs:0.00} ms, floor {floorRenderMs:0.00} ms (run ÷ floor {runRenderMs / floorRenderMs:0.00}; {runRender.Calls} and {floorRender.Calls} renders, thread CPU inside RenderInvoicePdf: away from 1.00 the machine drifted between run and floor)
            CPU per invoice outside rendering: {runOutsideMs - floorOutsideMs:0.00} ms (run {runOutsideMs:0.00} ms − floor {floorOutsideMs:0.00} ms; the run's own work, free of the renders' drift); floor CPU ÷ run CPU with the run's renders at the floor's cost {floorCpuSeconds * 1000 / invoices / (runOutsideMs + floorRenderMs):P0}
            before the run:               {settleCpuSeconds:0.000} s of CPU in the {settleSeconds:0.00} s after the seed until the process was quiet (the host's start-up still running)
            after the run:                {tailCpuSeconds:0.000} s of CPU in the quiet second before the floor (work the run left running)
            run, GC and JIT:              {runGc.Item1}/{runGc.Item2}/{runGc.Item3} collections gen0/1/2, {runGcPause.TotalMilliseconds * 1000 / invoices / 1000:0.00} ms of GC pause per invoice, {runAllocated / 1048576.0 / invoices:0.00} MiB allocated per invoice ({runAllocated / 1024.0 / invoices:0.0} KiB); {runJit.Item1} methods JIT-compiled in {runJit.Item2.TotalSeconds:0.00} s
            kernel CPU (system time):     run {runSysSeconds * 1000 / invoices:0.00} ms per invoice, floor {floorSysSeconds * 1000 / invoices:0.00} ms (what storing durably costs in the kernel: the run's WAL appends, checkpoints, reads of evicted pages); minor page faults per invoice: run {runFaults / (double)invoices:0.0}, floor {floorFaults / (double)invoices:0.0}
            run, I/O:                     {runIo.PerItem(invoices, "invoice")}; {runStatements / (double)invoices:0.0} Billing SQLite statements per invoice; {runCommits / (double)invoices:0.00} write transactions per invoice (the run's and the dispatchers'); Billing's files {storeAfterRun.Since(storeBefore, invoices)}
            floor, I/O:                   {floorIo.PerItem(invoices, "invoice")}
            floor, GC:                    {floorGc.Item1}/{floorGc.Item2}/{floorGc.Item3} collections gen0/1/2, {floorGcPause.TotalMilliseconds * 1000 / invoices / 1000:0.00} ms of GC pause per invoice, {floorAllocated / 1048576.0 / invoices:0.00} MiB allocated per invoice ({floorAllocated / 1024.0 / invoices:0.0} KiB)
            GC:                           {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}{(System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.Batch ? ", non-concurrent" : ", concurrent")}, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1048576.0:0} MiB available to the GC, gen-0 budget at most {Convert.ToInt64(GC.GetConfigurationVariables().GetValueOrDefault("GCGen0MaxBudget", 0L), culture) / 1048576.0:0} MiB
            peak working set:             run {runPeakMiB:0} MiB, floor {floorPeakMiB:0} MiB, {Environment.WorkingSet / 1048576.0:0} MiB now, {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MiB peak since the last reset (process)
            managed heap:                 {memory.PeakManagedBytes / 1048576.0:0} MiB peak sampled
            load average:                 {LoadAverage()}
            sqlite statements kept:       {SqliteStatements(services)}
            """));
        if (warmUp)
        {
            // The run queues one mail per invoice (the PDF attached) and the host's dispatcher sends 20 of them every 2 s
            // (Mail:PollIntervalSeconds), so a 200-tenant warm-up, whose host lives a few seconds, sent a few dozen: after the
            // warm-ups the mail path (MimeKit's message building and writing, the stored PDF read for the attachment, the
            // pickup folder's file writes) had run too few times to be tier-1 code, and its tier-1 compilation landed in the
            // first measured run long enough to send mail: 135 of the 266 methods JIT-compiled in one first 1,000-tenant run,
            // 0.2-0.3 ms of the tiering thread's CPU per invoice, none in the runs after it (docs/performance.md, feat/i16jt).
            // A host sends mail every day; it compiles that path once in its life. So each warm-up's mail is sent here, after
            // its floor, through the product's own dispatcher, and the measured runs send theirs as the host does.
            var dispatcher = services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<LicenceOps.Platform.Mail.MailDispatcher>()
                .Single(d => d.Module == db.Module);
            var mailClock = Stopwatch.StartNew();
            var mailed = 0;
            for (int sent; (sent = await dispatcher.DispatchDueAsync(CancellationToken.None)) > 0;)
            {
                mailed += sent;
            }
            Console.WriteLine(string.Create(culture, $"warm-up mail:                 {mailed} queued mails sent after the floor in {mailClock.Elapsed.TotalSeconds:0.00} s (not measured)"));
        }
        return new InvoiceBenchResult(options.Tenants, invoices, runSeconds, runCpuSeconds, (invoices / runSeconds) / (invoices / renderSeconds),
            memory.PeakManagedBytes / 1048576.0, runPeakMiB, floorCpuSeconds, runJit.Item1, runRenderMs, floorRenderMs, runOutsideMs - floorOutsideMs);
    }
    finally
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        LicenceOps.Platform.Data.ModuleDatabase.ClearSqlitePools();
        File.Delete(hostDataDirectory);
        if (options.Keep)
        {
            Console.WriteLine($"data kept in {dataDirectory}");
        }
        else
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}

// Copies Billing's whole WAL into its database file and has the next writer start the WAL again from its beginning
// (RESTART waits for readers and for the background checkpointer through the busy handler; retried while it reports busy).
static async Task<string> CheckpointSeedAsync(ModuleDatabase<BillingModule> db)
{
    await using var connection = await db.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = "PRAGMA wal_checkpoint(RESTART)";
    for (var attempt = 1; ; attempt++)
    {
        long busy, frames, copied;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            (busy, frames, copied) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }
        if (busy == 0 || attempt == 20)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{copied} of {frames} WAL frames copied{(busy == 0 ? "" : ", still busy")}");
        }
        await Task.Delay(100);
    }
}

// SQLite statements Billing's connections have executed so far (compiled or taken from their cache), counted on the idle
// connections of its pool and the ones it closed: once the run has returned and its renderers and writer are done, every
// connection still open is idle again.
static long Statements(ModuleDatabase<BillingModule> db) => db.SqlitePool?.StatementsRun() ?? 0;

// ADR 0041: what each module database's idle SQLite connections keep compiled, and what that costs SQLite's heap.
static string SqliteStatements(IServiceProvider services) =>
    string.Join("; ", services.GetRequiredService<ModuleDatabases>().All
        .Where(d => d.SqlitePool is not null)
        .Select(d => (d.Module, Stats: d.SqlitePool!.Statistics()))
        .Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{p.Module} {p.Stats.IdleConnections} idle connection(s), {p.Stats.CachedTexts} texts, {p.Stats.StatementBytes / 1024.0:0} KiB, {p.Stats.Compiled} compiled / {p.Stats.Reused} reused")));

static (double Seconds, long Calls) Since((long Nanoseconds, long Calls) now, (long Nanoseconds, long Calls) before) =>
    ((now.Nanoseconds - before.Nanoseconds) / 1e9, now.Calls - before.Calls);

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static int CountPages(ReadOnlySpan<byte> pdf)
{
    // Skia writes one "/Type /Page" object per page (and "/Type /Pages" once for the tree). Searched in the bytes: this
    // runs inside the floor's measurement, and decoding each PDF to a string (a 186 KB large-object allocation per
    // invoice) made the floor pay gen-2 collections the run does not, which flattered the run.
    var marker = "/Type /Page"u8;
    var count = 0;
    var rest = pdf;
    for (var i = rest.IndexOf(marker); i >= 0; i = rest.IndexOf(marker))
    {
        var end = i + marker.Length;
        if (end >= rest.Length || rest[end] != (byte)'s')
        {
            count++;
        }
        rest = rest[end..];
    }
    return count;
}

/// <summary>One invoice bench run: what the scaling table prints.</summary>
internal sealed record InvoiceBenchResult(
    int Tenants, int Invoices, double RunSeconds, double RunCpuSeconds, double RunOverFloor, double PeakManagedMiB, double PeakWorkingSetMiB,
    double FloorCpuSeconds, long JitMethods, double RunRenderMs, double FloorRenderMs, double OutsideRenderingMs);

internal static partial class Program
{
    private static readonly JitWatch? jitWatch = JitWatch.StartIfAsked();

    // LICENCEOPS_BENCH_ALLOC=1: what the run and the floor allocate, by type (sampled).
    private static readonly AllocWatch? allocWatch = AllocWatch.StartIfAsked();

    // LICENCEOPS_BENCH_GC=1: the run's and the floor's collections by generation and reason, their heaps and gen-0 budgets.
    private static readonly GcWatch? gcWatch = GcWatch.StartIfAsked();
    private static int savedSamples;
}

/// <summary>
/// The process's peak resident set (VmHWM) over a phase: Linux lets a process reset its own high-water mark
/// (writing 5 to /proc/self/clear_refs), so the run's peak is not the seed's or the floor's.
/// </summary>
internal static class ProcessMemory
{
    public static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or not allowed: the peak then covers the whole process life (never lower than the truth).
        }
    }

    public static double PeakMiB()
    {
        if (File.Exists("/proc/self/status"))
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
                }
            }
        }
        return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
    }
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
