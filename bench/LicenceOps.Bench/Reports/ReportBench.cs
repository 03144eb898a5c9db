using System.Diagnostics;
using System.Globalization;
using Dapper;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Hosting;
using LicenceOps.Platform.Identity;
using LicenceOps.Seats;
using LicenceOps.Seats.Domain.Reports;
using LicenceOps.Seats.Features.Reports;
using LicenceOps.Seats.Reconciliation;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Bench.Reports;

/// <summary>
/// The usage-report benchmark: a tenant of N seats (default 5,000) over 12 months — five AI products, 20 departments,
/// one person in eight holding two assistants, a daily usage snapshot per seat (what reconciliation writes), monthly
/// invoice lines with one credit note — then the 12-month report: reading the rows, computing, writing CSV and PDF.
/// Prints each stage's time and the memory the report cost.
/// </summary>
internal static class ReportBench
{
    public const string Usage = """
        LicenceOps usage-report benchmark: seeds one tenant on a temporary embedded Seats database, then times the
        12-month usage report (read, compute, JSON, CSV, PDF) and prints memory.

        Usage:
          dotnet run -c Release --project bench/LicenceOps.Bench -- report [options]

        Options:
          --seats N      seats in the tenant (default 5000)
          --months N     months in the report, ending with the current month (default 12, at most 24)
          --rounds N     report computations measured after a warm-up (default 3)
          --keep         keep the data directory (and the PDF)
        """;

    private static readonly (string Plan, string Product, decimal Price)[] Products =
    [
        ("chatgpt-business-annual", "ChatGPT", 27.50m), ("claude-team-standard-annual", "Claude", 26m), ("m365-copilot-annual", "Microsoft 365 Copilot", 32m),
        ("gemini-business-annual", "Gemini for Google Workspace", 21m), ("perplexity-enterprise-pro", "Perplexity", 38m),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        int seats = 5000, months = 12, rounds = 3;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seats" when i + 1 < args.Length && int.TryParse(args[i + 1], out var s) && s > 0: seats = s; i++; break;
                case "--months" when i + 1 < args.Length && int.TryParse(args[i + 1], out var m) && m is > 0 and <= ReportPeriod.MaxMonths: months = m; i++; break;
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], out var r) && r > 0: rounds = r; i++; break;
                case "--keep": keep = true; break;
                case "--help" or "-h": Console.WriteLine(Usage); return 0;
                default: Console.Error.WriteLine($"Unknown or invalid option {args[i]}.\n{Usage}"); return 2;
            }
        }

        var dataDirectory = Path.Combine(Path.GetTempPath(), "licenceops-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var app = LicenceOpsApplication.Create([], [new IdentityModule(), new SeatsModule()], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration["Storage:DataDirectory"] = dataDirectory;
            builder.Configuration["Jobs:RunServer"] = "false";
            builder.Configuration["Demo:Seed"] = "false";
            builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        });
        try
        {
            await app.StartAsync();
            var db = app.Services.GetRequiredService<ModuleDatabase<SeatsModule>>();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var last = new DateOnly(today.Year, today.Month, 1);
            var period = new ReportPeriod(last.AddMonths(-(months - 1)), last);
            var tenantId = Guid.NewGuid();
            Console.WriteLine($"LicenceOps usage-report benchmark — {seats} seats, {months} months ({period.Start:yyyy-MM} to {period.Last:yyyy-MM}), data {dataDirectory}");

            var clock = Stopwatch.StartNew();
            var rows = await SeedAsync(db, tenantId, seats, period, today);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {rows.Seats} seats, {rows.UsageSheets:N0} usage sheets holding {rows.UsageEntries:N0} seat states, {rows.Lines} invoice lines in {clock.Elapsed.TotalSeconds:0.0} s"));

            // Warm-up: JIT, SQLite page cache, fonts.
            await ReportOnceAsync(db, tenantId, period, today, pdf: true);

            var load = new List<double>();
            var compute = new List<double>();
            var allocated = new List<long>();
            UsageReport? report = null;
            for (var round = 0; round < rounds; round++)
            {
                GC.Collect();
                var before = GC.GetTotalAllocatedBytes(precise: true);
                clock.Restart();
                var input = await UsageReportData.LoadAsync(db, tenantId, period, today, CancellationToken.None);
                load.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                report = UsageReportCalculator.Compute(input, key => ReportText.French[key]);
                compute.Add(clock.Elapsed.TotalMilliseconds);
                allocated.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
            }

            var response = new UsageReportResponse(tenantId, "fr", DateTimeOffset.UtcNow, report!.From, report.To, report.Months, report.Trend);
            clock.Restart();
            var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(response, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
            var jsonMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var csv = UsageReportCsv.Write(response);
            var csvMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var pdf = UsageReportPdf.Render(response, ReportText.French);
            var pdfMs = clock.Elapsed.TotalMilliseconds;
            if (keep)
            {
                await File.WriteAllBytesAsync(Path.Combine(dataDirectory, "usage-report.pdf"), pdf);
            }

            var culture = CultureInfo.InvariantCulture;
            var lastMonth = report.Months[^1];
            Console.WriteLine(string.Create(culture, $"""

                12-month report figures (last month): purchased {lastMonth.Totals.Purchased}, active {lastMonth.Totals.Active}, cost {lastMonth.Totals.CostEur:0.00} EUR, {lastMonth.Overlaps.Count} people with overlapping tools
                read rows (median of {rounds}):   {Median(load):0} ms
                compute (median of {rounds}):     {Median(compute):0} ms
                read + compute:                   {Median(load) + Median(compute):0} ms
                allocated per report:             {Median(allocated.Select(a => (double)a).ToList()) / 1048576.0:0} MiB
                JSON {json.Length / 1024.0:0} KiB in {jsonMs:0} ms; CSV {csv.Length / 1024.0:0} KiB in {csvMs:0} ms; PDF {pdf.Length / 1024.0:0} KiB in {pdfMs:0} ms
                working set now / peak (process): {Environment.WorkingSet / 1048576.0:0} / {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MiB
                managed heap after:               {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:0} MiB
                """));
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            LicenceOps.Platform.Data.ModuleDatabase.ClearSqlitePools();
            if (keep)
            {
                Console.WriteLine($"data kept in {dataDirectory}");
            }
            else
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    private static async Task ReportOnceAsync(ModuleDatabase db, Guid tenantId, ReportPeriod period, DateOnly today, bool pdf)
    {
        var input = await UsageReportData.LoadAsync(db, tenantId, period, today, CancellationToken.None);
        var report = UsageReportCalculator.Compute(input, key => ReportText.French[key]);
        if (pdf)
        {
            UsageReportPdf.Render(new UsageReportResponse(tenantId, "fr", DateTimeOffset.UtcNow, report.From, report.To, report.Months, report.Trend),
                ReportText.French);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }

    private sealed record Seeded(int Seats, long UsageSheets, long UsageEntries, int Lines);

    /// <summary>
    /// Seats are spread over the products by weight (ChatGPT and Copilot the largest); a seat's holder uses it on a
    /// fixed share of days (some never), so adoption and overlaps are realistic rather than uniform. Deterministic
    /// (seeded random), so runs compare.
    /// </summary>
    private static async Task<Seeded> SeedAsync(ModuleDatabase db, Guid tenantId, int seatCount, ReportPeriod period, DateOnly today)
    {
        var random = new Random(12);
        var now = DateTimeOffset.UtcNow;
        var departments = Enumerable.Range(1, 20).Select(i => (Id: Guid.NewGuid(), Name: $"Service {i:00}")).ToList();
        var subscriptions = Products.Select(p => (Id: Guid.NewGuid(), p.Plan, p.Price)).ToList();
        int[] weights = [35, 15, 30, 10, 10];
        var people = new List<(Guid Id, Guid Department)>();
        var held = new Dictionary<Guid, HashSet<int>>();
        var seats = new List<(Guid Id, int Product, Guid Person, DateOnly AssignedOn, DateOnly? ReleasedOn, double UseRate)>();
        for (var i = 0; i < seatCount; i++)
        {
            var product = Pick(random, weights);
            // One seat in eight goes to someone who already holds another product: the overlaps.
            // (Never the same product twice: a person holds one open seat per subscription.)
            var holder = people.Count > 0 && random.NextDouble() < 0.125 ? people[random.Next(people.Count)] : default;
            if (holder == default || !held[holder.Id].Add(product))
            {
                holder = (Id: Guid.NewGuid(), Department: departments[random.Next(departments.Count)].Id);
                people.Add(holder);
                held[holder.Id] = [product];
            }

            var assigned = period.Start.AddDays(random.Next(-200, 300));
            DateOnly? released = random.NextDouble() < 0.1 ? assigned.AddDays(random.Next(30, 200)) : null;
            var useRate = random.NextDouble() switch { < 0.3 => 0, < 0.6 => 0.15, _ => 0.6 };
            seats.Add((Guid.NewGuid(), product, holder.Id, assigned, released, useRate));
        }

        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var d in departments)
        {
            await connection.ExecuteAsync("INSERT INTO known_departments (department_id, tenant_id, name, changed_at) VALUES (@Id, @tenantId, @Name, @now)",
                new { d.Id, tenantId, d.Name, now }, transaction);
        }

        for (var p = 0; p < subscriptions.Count; p++)
        {
            var quantity = (int)(seatCount * weights[p] / 100.0 * 0.9);
            await connection.ExecuteAsync(
                """
                INSERT INTO subscriptions (id, tenant_id, plan_code, vendor_account_id, committed_quantity, occupied_seats, term_start, renewal_date,
                    sale_price_per_seat_eur, auto_increase_policy, created_at, updated_at)
                VALUES (@Id, @tenantId, @Plan, 'bench', @quantity, 0, @start, @renewal, @Price, 'allow', @now, @now)
                """,
                new { subscriptions[p].Id, tenantId, subscriptions[p].Plan, quantity, start = period.Start.AddYears(-1), renewal = period.End.AddDays(45), subscriptions[p].Price, now },
                transaction);
            await connection.ExecuteAsync(
                """
                INSERT INTO subscription_changes (id, subscription_id, tenant_id, seq, change_kind, previous_quantity, new_quantity, effective_date,
                    actor_id, actor_display, recorded_at)
                VALUES (@id, @Id, @tenantId, 1, 'created', 0, @quantity, @start, 'bench', 'bench', @now)
                """,
                new { id = Guid.NewGuid(), subscriptions[p].Id, tenantId, quantity, start = period.Start.AddYears(-1), now }, transaction);
        }

        foreach (var person in people)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO people (person_id, tenant_id, email, display_name, department_id, status, updated_at, version)
                VALUES (@Id, @tenantId, @email, @name, @Department, 'active', @now, 1)
                """,
                new { person.Id, tenantId, email = $"{person.Id:N}@bench.test", name = $"Person {person.Id.ToString()[..8]}", person.Department, now },
                transaction);
        }

        // The usage states are the bulk: each seat's last activity on every day it is held in the period, then one sheet per
        // subscription and day on which one of its seats' values changed, holding every held seat's state, as the daily
        // reconciliation writes them (ADR 0056). Random numbers are drawn seat by seat, day by day, as before sheets.
        var states = new List<(Guid Seat, int Product, Guid Person, DateOnly From, DateOnly?[] LastActive)>();
        foreach (var seat in seats)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO seats (id, tenant_id, subscription_id, person_id, status, assigned_on, released_on, created_at, updated_at)
                VALUES (@Id, @tenantId, @subscription, @Person, @status, @AssignedOn, @ReleasedOn, @now, @now)
                """,
                new { seat.Id, tenantId, subscription = subscriptions[seat.Product].Id, seat.Person, status = seat.ReleasedOn is null ? "active" : "released", seat.AssignedOn, seat.ReleasedOn, now },
                transaction);

            var from = seat.AssignedOn > period.Start ? seat.AssignedOn : period.Start;
            var to = seat.ReleasedOn is { } r && r < today ? r : today;
            var lastActive = new DateOnly?[Math.Max(0, to.DayNumber - from.DayNumber + 1)];
            DateOnly? seen = null;
            for (var day = from; day <= to; day = day.AddDays(1))
            {
                if (seat.UseRate > 0 && random.NextDouble() < seat.UseRate)
                {
                    seen = day;
                }
                lastActive[day.DayNumber - from.DayNumber] = seen;
            }
            states.Add((seat.Id, seat.Product, seat.Person, from, lastActive));
        }

        long sheets = 0, entries = 0;
        for (var p = 0; p < subscriptions.Count; p++)
        {
            var current = new Dictionary<Guid, SheetEntry>();
            var mine = states.Where(st => st.Product == p).ToList();
            for (var day = period.Start; day <= today; day = day.AddDays(1))
            {
                var changed = false;
                foreach (var st in mine)
                {
                    var i = day.DayNumber - st.From.DayNumber;
                    if (i < 0 || i >= st.LastActive.Length)
                    {
                        // Not held that day: a run would leave it out of the next sheet it writes, not write one for it.
                        current.Remove(st.Seat);
                        continue;
                    }
                    var last = st.LastActive[i];
                    var active = last is { } a && day.DayNumber - a.DayNumber <= 30;
                    var known = current.TryGetValue(st.Seat, out var before);
                    if (known && before.LastActiveOn == last && before.Active == active)
                    {
                        continue;
                    }
                    current[st.Seat] = new SheetEntry(st.Seat, st.Person, last, active, true, day, known ? before.LatestActivity : null);
                    changed = true;
                }
                if (!changed || current.Count == 0)
                {
                    continue;
                }
                await connection.ExecuteAsync(
                    """
                    INSERT INTO seat_usage_sheets (tenant_id, subscription_id, day, vendor_account_id, seats, recorded_at)
                    VALUES (@tenantId, @subscription, @day, 'bench', @seats, @now)
                    """,
                    new { tenantId, subscription = subscriptions[p].Id, day, seats = UsageSheets.Write(current.Values), now }, transaction);
                sheets++;
                entries += current.Count;
            }
        }

        var lines = 0;
        for (var month = period.Start; month <= period.End; month = month.AddMonths(1))
        {
            var invoiceId = Guid.NewGuid();
            for (var p = 0; p < subscriptions.Count; p++)
            {
                var quantity = (int)(seatCount * weights[p] / 100.0);
                await connection.ExecuteAsync(
                    """
                    INSERT INTO invoiced_lines (invoice_id, line_number, tenant_id, invoice_number, kind, issue_date, subscription_id, period_start,
                        period_end, net_amount_eur, received_at)
                    VALUES (@invoiceId, @line, @tenantId, @number, 'invoice', @issued, @subscription, @month, @end, @amount, @now)
                    """,
                    new
                    {
                        invoiceId, line = p + 1, tenantId, number = $"FA-{month:yyyy-MM}", issued = month.AddMonths(1), subscription = subscriptions[p].Id,
                        month, end = month.AddMonths(1).AddDays(-1), amount = quantity * subscriptions[p].Price, now,
                    },
                    transaction);
                lines++;
            }
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO invoiced_lines (invoice_id, line_number, tenant_id, invoice_number, kind, issue_date, subscription_id, period_start,
                period_end, net_amount_eur, received_at)
            VALUES (@id, 1, @tenantId, 'AV-1', 'credit-note', @issued, @subscription, @start, @end, -250, @now)
            """,
            new { id = Guid.NewGuid(), tenantId, issued = period.Start.AddMonths(2), subscription = subscriptions[0].Id, start = period.Start, end = period.Start.AddMonths(1).AddDays(-1), now },
            transaction);
        await transaction.CommitAsync();
        return new Seeded(seats.Count, sheets, entries, lines + 1);
    }

    private static int Pick(Random random, int[] weights)
    {
        var roll = random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            if ((roll -= weights[i]) < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }
}
