using System.Diagnostics;
using System.Globalization;
using System.Text;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Hosting;
using LicenceOps.Platform.Identity;
using LicenceOps.Seats;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Bench.Reconciliation;

/// <summary>
/// "reconcile" verb: N tenants × M seats, each tenant a Claude organisation on one loopback fake speaking the Anthropic
/// Admin API (users paged by after_id, invites, per-user analytics). A warm-up on other tenants runs every pass below until the
/// JIT has settled, and each measurement starts once the process is quiet. First the floor: every account's pages fetched and
/// parsed by the real connector, nothing else. Then the same accounts reconciled for real (fetch, plan, one write each:
/// findings, usage sheets, member snapshot, audit, outbox), then once more (steady state: confirmed without reading Seats' rows, ADR 0036),
/// then again with every run comparing (fingerprints dropped: findings refreshed, not opened), then three runs of the next day
/// (the host's clock moved a day on): the same reading (confirmed unless a time rule flips, ADR 0048), the vendor reporting the
/// day's activity (every active member's last activity a day later: every run compares and writes the usage sheets of those seats' subscriptions),
/// and that day's steady state. All of it is done in several rounds (<c>--rounds</c>), and each pass is judged by its median.
/// </summary>
internal static class ReconciliationBench
{
    private const string Usage = """
        LicenceOps reconciliation benchmark.

        Usage:
          dotnet run -c Release --project bench/LicenceOps.Bench -- reconcile [--tenants N] [--seats N] [--parallel N] [--per-account] [--rounds N]

          --tenants N   tenants, one Claude organisation each (default 1000)
          --seats N     seats per tenant (default 100)
          --parallel N  accounts read at once (default: one per core); the floor uses the same
          --per-account the runs are the per-account jobs (VendorAccountReconciliationJob), N at once (their readings
                        share the writer's transactions, ADR 0065), instead of one RunManyAsync pipeline over all accounts (several accounts per write),
                        which is what the catch-up job runs for the accounts overdue at start (ADR 0059)
          --rounds N    the whole measurement N times over, each round on a host, data and vendor fake of its own
                        (default 3); each pass's ratio is judged by its median round
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        int tenants = 1000, seats = 100, parallel = Environment.ProcessorCount, rounds = 3;
        var perAccount = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--tenants": tenants = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seats": seats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--parallel": parallel = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--per-account": perAccount = true; break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.WriteLine(Usage); return args[i] is "--help" or "-h" ? 0 : 2;
            }
        }
        if (rounds < 1)
        {
            Console.WriteLine(Usage);
            return 2;
        }

        // One round's ratios moved by ±0.2–0.5× between runs of the same build on this 2-vCPU VM (a pass and its floor are
        // measured seconds apart, and the machine's speed drifts between them: docs/performance.md, sessions 23–27), so each pass
        // is judged by its median round, as the invoice and HTTP benches judge theirs. A first run exists once per data set,
        // so every round starts over: a host, a data directory and a vendor fake of its own (and its own warm-up, short after
        // the first round since the JIT's work is the process's). The peak memory printed is each round's own host's.
        var results = new List<RoundResult>(rounds);
        for (var round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"round {round} of {rounds}:");
            results.Add(await RunOnceAsync(tenants, seats, parallel, perAccount));
            // What the round's host left collectable is collected before the next round, so its heap starts from what is still held.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        Console.WriteLine($"every round (each pass's time ÷ its round's floor), {rounds} round(s):");
        var passes = results[0].Ratios.Select(r => r.Pass).ToList();
        var worst = 0.0;
        for (var p = 0; p < passes.Count; p++)
        {
            var ratios = results.Select(r => r.Ratios[p].Ratio).ToList();
            // With an even number of rounds the higher of the two middle ones: the goal is not read on the luckier half.
            var median = ratios.Order().ElementAt(ratios.Count / 2);
            worst = Math.Max(worst, median);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {passes[p]}: {string.Join(", ", ratios.Select(r => $"{r:0.00}×"))}; median {median:0.00}×"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  floors: {string.Join(", ", results.Select(r => $"{r.FloorSeconds:0.00} s"))}; peak managed heap of each round: {string.Join(", ", results.Select(r => $"{r.PeakManagedMiB:0} MiB"))} " +
            $"(later rounds carry what the earlier hosts left: the first round's is the product's); the process's peak working set {PeakWorkingSetMiB():0} MiB over all rounds (the first round's own is printed with it)"));
        Goals.Print($"every pass under 2× its floor (median of {rounds} round(s)): worst pass {worst:0.00}×", worst < 2.0);
        return 0;
    }

    /// <summary>One round's outcome: each pass's time over its round's floor, the floor, and the round's peak managed heap.</summary>
    private sealed record RoundResult(IReadOnlyList<(string Pass, double Ratio)> Ratios, double FloorSeconds, double PeakManagedMiB);

    private static double PeakWorkingSetMiB()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1048576.0;
    }

    private static async Task<RoundResult> RunOnceAsync(int tenants, int seats, int parallel, bool perAccount)
    {
        using var allocWatch = AllocWatch.StartIfAsked();
        using var gcWatch = GcWatch.StartIfAsked();

        // The vendor's "today": its members' last activity dates count back from it; moved a day on for the next day's activity.
        var vendorDay = new VendorDay(DateOnly.FromDateTime(DateTime.UtcNow));
        await using var vendor = await StartVendorAsync(seats, vendorDay);
        var vendorAddress = vendor.Urls.First();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "licenceops-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        Console.WriteLine($"LicenceOps reconciliation benchmark — {tenants} tenants × {seats} seats = {tenants * seats:N0} seats, {parallel} at once, {(perAccount ? "RunAsync per account" : "one RunManyAsync pipeline")}, " +
                          $"vendor fake {vendorAddress}, data {dataDirectory}");

        // The host's clock: the machine's, moved forward a day for the next-day pass.
        var clockShift = new ShiftedClock();
        var app = LicenceOpsApplication.Create([], [new IdentityModule(), new SeatsModule()], builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clockShift);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration["Storage:DataDirectory"] = dataDirectory;
            builder.Configuration["Jobs:RunServer"] = "false";
            builder.Configuration["Demo:Seed"] = "false";
            builder.Configuration["Logging:LogLevel:Default"] = "Warning";
            builder.Configuration["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning";
        });
        try
        {
            await app.StartAsync();
            var services = app.Services;
            var db = services.GetRequiredService<ModuleDatabase<SeatsModule>>();
            var clock = Stopwatch.StartNew();
            var accounts = await SeedAsync(db, services.GetRequiredService<VendorCredentials>(), vendorAddress, tenants, seats);
            Console.WriteLine($"seeded {tenants * seats:N0} seats in {clock.Elapsed.TotalSeconds:0.0} s");

            using var phases = new PhaseWatch();
            var memory = new MemoryWatch();

            // Every account's pages fetched and parsed with the real connector, no database work: the floor's work (and the
            // warm-up's reading).
            async Task<long> ReadAllAsync(IReadOnlyList<VendorAccountRow> readAccounts)
            {
                long members = 0;
                await Parallel.ForEachAsync(readAccounts, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (account, ct) =>
                {
                    using var scope = services.CreateScope();
                    var runner = scope.ServiceProvider.GetRequiredService<ReconciliationRunner>();
                    var (reading, failure) = await runner.ReadVendorAsync(account, account.TenantId, ct);
                    if (reading is null)
                    {
                        throw new InvalidOperationException($"vendor reading failed: {failure}");
                    }
                    Interlocked.Add(ref members, reading.Members.Members.Count);
                    memory.SampleEvery(25);
                });
                return members;
            }

            // The six passes over some accounts. The steady state is what the hourly jobs meet: the same reading over unchanged
            // records, confirmed without reading Seats' rows (ADR 0036). The third pass drops the fingerprints first, so every
            // run compares again as it would after a change in every tenant (or a new reading from every vendor): the cost of a
            // comparison that opens nothing. The fourth pass is the first run of the next day (the host's clock moved one day on)
            // over the same reading: no time rule of these estates flips that day, so every run is confirmed (ADR 0048). The
            // fifth is what the hourly jobs meet once a day at a real vendor: the vendor now reports the new day's activity (four
            // members in five were active the day before), so every run compares and writes a usage row for each of those seats.
            // The sixth is that day's steady state (confirmed again).
            // Each pass starts once the process is quiet: the previous pass's WAL checkpoint (a first run writes hundreds of
            // megabytes, the checkpointer copies them afterwards, ADR 0037) and background GC are that pass's work, not this
            // one's. What was waited out, and the methods the JIT compiled during the pass, are printed with it.
            // LICENCEOPS_BENCH_SQLITE_BOUND=1: the measured first run's rows are kept and replayed at the end of the round (SqliteReplay).
            SqliteReplay? replay = null;
            async Task<List<(string Pass, double Seconds)>> PassesAsync(IReadOnlyList<VendorAccountRow> passAccounts, bool measured)
            {
                var runs = new List<(string Pass, double Seconds)>();
                if (measured && SqliteReplay.Asked)
                {
                    replay = SqliteReplay.Mark(db.SqliteFilePath ?? throw new InvalidOperationException("the SQLite bound needs a SQLite file"),
                        passAccounts.Select(a => a.TenantId));
                }
                foreach (var pass in new[]
                         {
                             "first run (findings opened)", "second run (steady state)", "third run (steady state, every run compares)",
                             "fourth run (next day, same reading)", "fifth run (next day, the day's activity reported)", "sixth run (next day, steady state)",
                         })
                {
                    if (pass.StartsWith("third", StringComparison.Ordinal))
                    {
                        await db.WriteAsync(uow => uow.ExecuteAsync("DELETE FROM reconciliation_fingerprints"));
                    }
                    if (pass.StartsWith("fourth", StringComparison.Ordinal))
                    {
                        clockShift.Offset += TimeSpan.FromDays(1);
                    }
                    if (pass.StartsWith("fifth", StringComparison.Ordinal))
                    {
                        vendorDay.Today = vendorDay.Today.AddDays(1);
                    }
                    var quiet = measured ? await QuietProcess.WaitAsync(QuietAtMost) : default;
                    var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
                    clock.Restart();
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var sys = Process.GetCurrentProcess().PrivilegedProcessorTime;
                    var allocated = GC.GetTotalAllocatedBytes();
                    var collections = Collections.Now();
                    var waits = ThreadWaits.Now();
                    var io = ProcessIo.Now();
                    var statements = Statements(db);
                    var opens = db.SqlitePool?.PhysicalOpens ?? 0;
                    var commits = db.Commits;
                    allocWatch?.Record(measured);
                    gcWatch?.Record(measured);
                    var passStart = Stopwatch.GetTimestamp();
                    // How long work queued to the thread pool waits while the pass runs (ADR 0093's question for this pipeline).
                    using var poolWatch = measured ? PoolWatch.StartIfAsked() : null;
                    var failed = 0;
                    var confirmed = 0;
                    if (perAccount)
                    {
                        // What the per-account Hangfire jobs do: the job itself (VendorAccountReconciliationJob, in a scope of its own as
                        // Hangfire activates it), `parallel` of them at once. Not RunAsync alone: the job's own work (reading whether
                        // the account still has a job) is part of every scheduled run.
                        await Parallel.ForEachAsync(passAccounts, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (account, ct) =>
                        {
                            using var scope = services.CreateScope();
                            var run = await scope.ServiceProvider.GetRequiredService<LicenceOps.Seats.Jobs.VendorAccountReconciliationJob>().RunOnceAsync(account.Id, ct);
                            if (run?.State != RunStates.Succeeded && Interlocked.Increment(ref failed) <= 3)
                            {
                                Console.WriteLine($"  run failed: {run?.FailureReason}");
                            }
                            if (run?.Outcome == "confirmed")
                            {
                                Interlocked.Increment(ref confirmed);
                            }
                        });
                    }
                    else
                    {
                        // One pipeline over all accounts (RunManyAsync), as the catch-up job reconciles the accounts overdue at start (ADR 0059):
                        // vendors read `parallel` at a time, one writer, several accounts per write.
                        using var scope = services.CreateScope();
                        var results = await scope.ServiceProvider.GetRequiredService<ReconciliationRunner>()
                            .RunManyAsync(passAccounts, RunTriggers.Schedule, parallel, CancellationToken.None);
                        confirmed = results.Count(r => r.Outcome == "confirmed");
                        foreach (var run in results.Where(r => r.State != RunStates.Succeeded))
                        {
                            if (++failed <= 3)
                            {
                                Console.WriteLine($"  run failed: {run.FailureReason}");
                            }
                        }
                    }
                    memory.Sample();
                    var seconds = clock.Elapsed.TotalSeconds;
                    poolWatch?.Print(pass);
                    runs.Add((pass, seconds));
                    cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                    sys = Process.GetCurrentProcess().PrivilegedProcessorTime - sys;
                    allocated = GC.GetTotalAllocatedBytes() - allocated;
                    statements = Statements(db) - statements;
                    opens = (db.SqlitePool?.PhysicalOpens ?? 0) - opens;
                    commits = db.Commits - commits;
                    allocWatch?.Record(false);
                    gcWatch?.Record(false);
                    var jit = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
                    if (!measured)
                    {
                        phases.Take();
                        continue;
                    }
                    Console.WriteLine($"{pass}: {seconds:0.00} s (process CPU {cpu.TotalSeconds:0.00} s of which system {sys.TotalSeconds:0.00} s, {Mib(allocated)} allocated, {Collections.Now() - collections}, {ThreadWaits.Now() - waits}, {ProcessIo.Now() - io}, {PerAccount(statements, passAccounts.Count)}, {opens} connection(s) opened, {commits} write transaction(s) committed), {passAccounts.Count * seats / seconds:N0} seats/s, {failed} failed run(s), " +
                                      $"{confirmed} confirmed without reading Seats' rows; {jit} methods JIT-compiled; {Load()}; {Waited(quiet)}");
                    Console.WriteLine(phases.Take());
                    allocWatch?.Print(pass, 25);
                    gcWatch?.Print(pass);
                    PrintBounds("pass", passStart);
                    if (replay is not null && pass.StartsWith("first", StringComparison.Ordinal))
                    {
                        // Before the next pass waits for a quiet process: not in any measurement.
                        replay.Capture();
                    }
                }
                return runs;
            }

            // Warm-up outside the timings, on other tenants: the floor's reading and all six passes, repeated until a round
            // leaves the tiered JIT little to compile, at most 8 rounds. (On this machine the rounds still compile 500-900 methods
            // each after the fourth, which of them is not established; the measured passes compile 2-100 each, printed.) A host that reconciles hourly has compiled all of it long before; a bench
            // that measured a pass while its code was still at tier 0, or being promoted on the other core, charged the pass with
            // a once-per-process cost (ADR 0054, the same rule for the invoice run). Before each round after the first, what the
            // runs wrote is deleted (the measured tenants have no findings, usage sheets or fingerprints yet), so the first run
            // opens findings again; the same 100 tenants each round, so the host holds no more accounts in memory than the
            // measured ones and these (ADR 0052's bound). The passes move the clocks a day on each round.
            var warmUps = await SeedAsync(db, services.GetRequiredService<VendorCredentials>(), vendorAddress, WarmUpTenants, seats, firstTenant: tenants);
            for (var round = 0; round < WarmUpRoundsAtMost; round++)
            {
                var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
                var roundClock = Stopwatch.StartNew();
                if (round > 0)
                {
                    await db.WriteAsync(async uow =>
                    {
                        await uow.ExecuteAsync("DELETE FROM findings");
                        await uow.ExecuteAsync("DELETE FROM seat_usage_sheets");
                        await uow.ExecuteAsync("DELETE FROM reconciliation_fingerprints");
                    });
                }
                await ReadAllAsync(warmUps);
                await PassesAsync(warmUps, measured: false);
                await ReadAllAsync(warmUps);
                var compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
                Console.WriteLine($"warm-up round {round + 1}: {WarmUpTenants} tenants, six passes in {roundClock.Elapsed.TotalSeconds:0.0} s, {compiled} methods JIT-compiled");
                if (round + 1 >= WarmUpRoundsAtLeast && compiled < WarmUpSettledMethods)
                {
                    break;
                }
            }
            await JitSettledAsync();
            phases.Take();

            // For profiling (perf record -k CLOCK_MONOTONIC): a pass's or floor's bounds on the clock perf stamps its samples with.
            static void PrintBounds(string what, long start)
            {
                if (Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_MARKS") == "1")
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {what} bounds (CLOCK_MONOTONIC s): {start / (double)Stopwatch.Frequency:0.000000} {Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency:0.000000}"));
                }
            }

            // The floor, measured before and after the passes (the machine's load moves it); the passes are compared with the
            // faster of the two.
            var floorCpu = TimeSpan.Zero;
            async Task<double> FloorAsync()
            {
                var quiet = await QuietProcess.WaitAsync(QuietAtMost);
                var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
                var floorStart = Stopwatch.GetTimestamp();
                clock.Restart();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var sys = Process.GetCurrentProcess().PrivilegedProcessorTime;
                var allocated = GC.GetTotalAllocatedBytes();
                var collections = Collections.Now();
                var waits = ThreadWaits.Now();
                var io = ProcessIo.Now();
                allocWatch?.Record(true);
                gcWatch?.Record(true);
                var members = await ReadAllAsync(accounts);
                allocWatch?.Record(false);
                gcWatch?.Record(false);
                var seconds = clock.Elapsed.TotalSeconds;
                cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                sys = Process.GetCurrentProcess().PrivilegedProcessorTime - sys;
                allocated = GC.GetTotalAllocatedBytes() - allocated;
                var jit = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
                Console.WriteLine($"floor (fetch + parse only): {seconds:0.00} s (process CPU {cpu.TotalSeconds:0.00} s of which system {sys.TotalSeconds:0.00} s, {Mib(allocated)} allocated, {Collections.Now() - collections}, {ThreadWaits.Now() - waits}, {ProcessIo.Now() - io}), {members:N0} members read, {tenants * seats / seconds:N0} seats/s; " +
                                  $"{jit} methods JIT-compiled; {Load()}; {Waited(quiet)}");
                allocWatch?.Print("the floor", 25);
                gcWatch?.Print("the floor");
                PrintBounds("floor", floorStart);
                floorCpu = cpu;
                return seconds;
            }

            var floor = await FloorAsync();
            var firstFloorCpu = floorCpu;
            var runs = await PassesAsync(accounts, measured: true);
            var secondFloor = await FloorAsync();
            if (secondFloor > floor)
            {
                floorCpu = firstFloorCpu;
            }
            floor = Math.Min(floor, secondFloor);
            foreach (var (pass, seconds) in runs)
            {
                Console.WriteLine($"{pass}: {seconds / floor:0.00}× the floor ({floor:0.00} s)");
            }
            var findings = await db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM findings");
            var usage = await db.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM seat_usage_sheets");
            memory.Sample();
            using var process = Process.GetCurrentProcess();
            Console.WriteLine($"findings: {findings:N0}, usage sheets: {usage:N0}; peak managed heap {memory.PeakManagedBytes / 1024 / 1024:N0} MiB, " +
                              $"peak working set {process.PeakWorkingSet64 / 1024 / 1024:N0} MiB; SQLite sub-journals in memory up to " +
                              $"{SqliteSession.SubJournalInMemoryBytes / 1048576} MiB: {(SqliteSession.SubJournalInMemory ? "yes" : "no (SQLite started before the setting)")}");
            // After every figure of the round: the replay writes into this round's database, which no pass reads again.
            replay?.ReplayAndPrint(accounts.Select(a => a.TenantId).ToList(), floorCpu);
            return new RoundResult(runs.Select(r => (r.Pass, r.Seconds / floor)).ToList(), floor, memory.PeakManagedBytes / 1048576.0);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            try
            {
                // LICENCEOPS_BENCH_KEEP=1 leaves the databases for a look at the queries' plans and costs (sqlite3, EXPLAIN).
                if (Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_KEEP") == "1")
                {
                    Console.WriteLine($"kept: {dataDirectory}");
                }
                else
                {
                    Directory.Delete(dataDirectory, recursive: true);
                }
            }
            catch (IOException)
            {
                // A file still held open by the runtime: the temporary directory is left for the OS to clean.
            }
        }
    }

    /// <summary>The system clock plus an offset the bench moves to reach the next evaluation day.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }

    /// <summary>Tenants reconciled in each warm-up round, to warm the JIT up; not counted.</summary>
    private const int WarmUpTenants = 100;

    /// <summary>Warm-up rounds: at least, at most, and the methods a round may still compile once the JIT has settled.</summary>
    private const int WarmUpRoundsAtLeast = 2, WarmUpRoundsAtMost = 8, WarmUpSettledMethods = 100;

    /// <summary>How long a pass or floor waits at most for the process to be quiet before it starts anyway.</summary>
    private static readonly TimeSpan QuietAtMost = TimeSpan.FromSeconds(30);

    private static string Waited((double CpuSeconds, double Seconds) quiet) => string.Create(CultureInfo.InvariantCulture,
        $"started after {quiet.CpuSeconds:0.00} s of CPU in {quiet.Seconds:0.00} s until the process was quiet (what came before left running)");

    /// <summary>
    /// Bytes the process allocated, in MiB (all threads: the vendor fake's too, as in the floor). Unlike CPU time it does not move
    /// with the machine's load, so a change's effect on it shows on a shared machine.
    /// </summary>
    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0} MiB");

    /// <summary>
    /// SQLite statements Seats' connections have executed so far (compiled or taken from their cache), counted on the idle
    /// connections of its pool: between passes every connection is idle, so the difference across a pass is what it ran.
    /// </summary>
    private static long Statements(ModuleDatabase<SeatsModule> db) =>
        db.SqlitePool?.Statistics() is { } s ? s.Compiled + s.Reused : 0;

    /// <summary>The statements of a pass per account; not counted when the pool closed connections during the pass (theirs are gone).</summary>
    private static string PerAccount(long statements, int accounts) => statements < 0
        ? "SQLite statements not counted: the pool closed connections"
        : string.Create(CultureInfo.InvariantCulture, $"{(double)statements / accounts:0.0} SQLite statements per account");

    /// <summary>
    /// The garbage collections so far, by generation, and the time the runtime was paused for them. Each collection suspends
    /// every thread, and on this VM a suspension's cross-core interrupts cost more than a small gen-0 collection's own work;
    /// the counts move with the code and the GC's settings, much less with the load.
    /// </summary>
    private readonly record struct Collections(int Gen0, int Gen1, int Gen2, TimeSpan Paused)
    {
        public static Collections Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

        public static Collections operator -(Collections a, Collections b) => new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Paused - b.Paused);

        // CollectionCount(0) counts every collection (a gen-1 one collects gen 0 too), so the gen-0-only ones are the difference.
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Gen0} GCs ({Gen0 - Gen1} gen 0, {Gen1 - Gen2} gen 1, {Gen2} gen 2) pausing {Paused.TotalSeconds:0.00} s");
    }

    /// <summary>The machine's load average (1 and 5 minutes), printed with every figure: the machine may be shared.</summary>
    private static string Load()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load average {fields[0]} / {fields[1]}";
        }
        catch (IOException)
        {
            return "load average unknown";
        }
    }

    /// <summary>Waits (at most 20 s) until no method has been compiled for a second: the tiered JIT's promotions are done.</summary>
    private static async Task JitSettledAsync()
    {
        var deadline = Stopwatch.StartNew();
        var last = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(1000);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now == last)
            {
                return;
            }
            last = now;
        }
    }

    /// <summary>
    /// The vendor fake's calendar (read on every request): members active the day before <see cref="Today"/>, idle ones and
    /// the shadow users last active at fixed days before <see cref="Start"/>.
    /// </summary>
    private sealed class VendorDay(DateOnly start)
    {
        public DateOnly Start { get; } = start;

        public DateOnly Today { get; set; } = start;
    }

    /// <summary>
    /// Tenant n's organisation: members u0..u{seats-1} minus u0 and u1 (removed at the vendor), plus two shadow users and a
    /// gmail account; every fifth member idle for 45 days. Pages of 100 follow after_id like the real API.
    /// </summary>
    private static async Task<WebApplication> StartVendorAsync(int seats, VendorDay day)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        List<(string Id, string Email, DateOnly LastActive)> Members(int tenant)
        {
            var list = new List<(string, string, DateOnly)>(seats + 3);
            var (start, yesterday) = (day.Start, day.Today.AddDays(-1));
            for (var i = 2; i < seats; i++)
            {
                list.Add(($"user_{tenant}_{i:D6}", $"u{i}@t{tenant}.bench.example", i % 5 == 0 ? start.AddDays(-45) : yesterday));
            }
            list.Add(($"user_{tenant}_s1", $"shadow1@t{tenant}.bench.example", start.AddDays(-2)));
            list.Add(($"user_{tenant}_s2", $"shadow2@t{tenant}.bench.example", start.AddDays(-3)));
            list.Add(($"user_{tenant}_g", $"private{tenant}@gmail.com", yesterday));
            return list;
        }
        app.MapGet("/t/{tenant:int}/v1/organizations/users", (int tenant, string? after_id, int? limit) =>
        {
            var all = Members(tenant);
            var start = after_id is null ? 0 : all.FindIndex(m => m.Id == after_id) + 1;
            var page = all.Skip(start).Take(limit ?? 20).ToList();
            var json = new StringBuilder("{\"data\":[");
            for (var i = 0; i < page.Count; i++)
            {
                json.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                    $$"""{"id":"{{page[i].Id}}","added_at":"2025-10-30T23:58:27.427722Z","email":"{{page[i].Email}}","name":"Member {{i}}","role":"user","type":"user"}""");
            }
            var more = start + page.Count < all.Count;
            json.Append(CultureInfo.InvariantCulture, $$"""],"first_id":"{{page.FirstOrDefault().Id}}","has_more":{{(more ? "true" : "false")}},"last_id":"{{page.LastOrDefault().Id}}"}""");
            return Results.Text(json.ToString(), "application/json");
        });
        app.MapGet("/t/{tenant:int}/v1/organizations/invites", () =>
            Results.Text("""{"data":[],"first_id":null,"has_more":false,"last_id":null}""", "application/json"));
        app.MapGet("/t/{tenant:int}/v1/organizations/analytics/users", (int tenant) =>
        {
            var json = new StringBuilder("{\"data\":[");
            var first = true;
            foreach (var m in Members(tenant))
            {
                json.Append(first ? "" : ",").Append(CultureInfo.InvariantCulture,
                    $$"""{"chat_metrics":{"message_count":3},"distinct_user_count":1,"last_activity_date":"{{m.LastActive:yyyy-MM-dd}}","user":{"id":"{{m.Id}}","email_address":"{{m.Email}}","type":""").Append("\"user\"}}");
                first = false;
            }
            json.Append("],\"next_page\":null}");
            return Results.Text(json.ToString(), "application/json");
        });
        await app.StartAsync();
        return app;
    }

    private static async Task<List<VendorAccountRow>> SeedAsync(
        ModuleDatabase<SeatsModule> db, VendorCredentials credentials, string vendorAddress, int tenants, int seats, int firstTenant = 0)
    {
        var secret = credentials.Protect("sk-ant-bench");
        var accounts = new List<VendorAccountRow>(tenants);
        for (var n = firstTenant; n < firstTenant + tenants; n++)
        {
            // Ids as the product makes them (ADR 0045: version 7, time-ordered), so the seeded rows sit in their indexes where the
            // product's own would: a tenant created, then its people imported together (ImportPlanner), its seats assigned. Random
            // ids (the bench's seed until session 17) spread one tenant's people over the whole `people` key index, a layout no
            // database written by the product has; the first run's read-ahead then read one page of it per seat.
            var tenantId = RowIds.New();
            var accountId = RowIds.New();
            var subscriptionId = RowIds.New();
            var tenant = n;
            await db.WriteAsync(async uow =>
            {
                var now = uow.Now;
                await uow.ExecuteAsync(
                    """
                    INSERT INTO vendor_accounts (id, tenant_id, vendor_code, connector, display_name, base_address, settings, protected_secret, created_at, updated_at)
                    VALUES (@accountId, @tenantId, 'anthropic', 'anthropic', @name, @address, '{}', @secret, @now, @now)
                    """, new { accountId, tenantId, name = $"Tenant {tenant} Claude", address = $"{vendorAddress}/t/{tenant}/", secret, now });
                await uow.ExecuteAsync(
                    """
                    INSERT INTO subscriptions (id, tenant_id, plan_code, vendor_account_id, committed_quantity, occupied_seats, term_start, renewal_date,
                        sale_price_per_seat_eur, auto_increase_policy, created_at, updated_at, connected_account_id)
                    VALUES (@subscriptionId, @tenantId, 'claude-team-standard-monthly', @ws, @seats, @seats, @start, @renewal, 27.50, 'allow', @now, @now, @accountId)
                    """, new { subscriptionId, tenantId, ws = $"org-{tenant}", seats, start = new DateOnly(2026, 1, 1), renewal = new DateOnly(2027, 1, 1), now, accountId });
                await uow.ExecuteAsync(
                    """
                    INSERT INTO tenant_reconciliation_policies (tenant_id, email_domains, domains_at, inactive_after_days, stale_invite_after_days, updated_at)
                    VALUES (@tenantId, @domain, @now, 30, 14, @now)
                    """, new { tenantId, domain = $"t{tenant}.bench.example", now });
                for (var i = 0; i < seats; i++)
                {
                    var personId = RowIds.New();
                    await uow.ExecuteAsync(
                        """
                        INSERT INTO people (person_id, tenant_id, email, display_name, department_id, status, end_date, updated_at)
                        VALUES (@personId, @tenantId, @email, @name, NULL, 'active', NULL, @now)
                        """, new { personId, tenantId, email = $"u{i}@t{tenant}.bench.example", name = $"Person {i}", now });
                    // The holder's address and name written with the seat, as SeatLedger writes them (ADR 0092).
                    await uow.ExecuteAsync(
                        """
                        INSERT INTO seats (id, tenant_id, subscription_id, person_id, status, assigned_on, released_on, created_at, updated_at, person_email, person_name)
                        VALUES (@id, @tenantId, @subscriptionId, @personId, 'active', @assigned, NULL, @now, @now, @email, @name)
                        """, new { id = RowIds.New(), tenantId, subscriptionId, personId, assigned = new DateOnly(2026, 1, 1), now, email = $"u{i}@t{tenant}.bench.example", name = $"Person {i}" });
                }
            });
            accounts.Add((await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @accountId", new { accountId }))!);
        }
        return accounts;
    }
}
