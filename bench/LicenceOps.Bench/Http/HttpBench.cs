using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicenceOps.Billing;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Platform.Data;
using Microsoft.AspNetCore.Http;

namespace LicenceOps.Bench.Http;

/// <summary>
/// The HTTP benchmark: starts the host as a child process on loopback, seeds a tenant with thousands of people and
/// one issued invoice, then drives four requests in rounds — a trivial endpoint, the people list, a person write and
/// an invoice PDF download — and prints each one's throughput as a ratio of the trivial endpoint's, measured in the
/// same run so that a busy machine moves all figures alike. Ends with the host's memory before and after repeated
/// reads of the whole people list.
/// </summary>
internal static class HttpBench
{
    public const string Usage = """
        LicenceOps HTTP benchmark: starts the host (child process, loopback only, temporary data directory), seeds a
        tenant of N people and one issued invoice, then measures in rounds: GET /health/live (trivial), GET the people
        list (first page), POST a person, GET an issued invoice PDF. Prints req/s, p50/p99 and ratios to trivial.

        Usage:
          dotnet run -c Release --project bench/LicenceOps.Bench -- http [options]

        Options:
          --people N          people in the tenant (default 5000)
          --connections N     concurrent connections for reads (default 16)
          --write-connections N  concurrent connections for the person write (default 16)
          --seconds N         seconds per scenario and round (default 8)
          --rounds N          rounds (default 3)
          --max-requests N    cap per scenario and round (default 400000)
          --large-reads N     whole-list reads for the memory figure (default 9)
          --keep              keep the data directory
        """;

    private const string Password = "bench-password-not-secret-1";
    private const string TrivialScenario = "trivial  GET /health/live";
    private const string ListScenario = "list     GET people (first page)";
    private const string ListMissScenario = "list-miss GET people (cache miss)";
    private const string WriteScenario = "write    POST person";
    private const string PdfScenario = "pdf      GET invoice PDF";

    private sealed record MedianResult(double RequestsPerSecond, double Ratio, double P50Ms, double P99Ms, double MaxMs, double CpuUs, double CpuRatio, long Failures);

    public static async Task<int> RunAsync(string[] args)
    {
        var people = 5000;
        var connections = 16;
        var writeConnections = 16;
        var seconds = 8;
        var rounds = 3;
        var maxRequests = 400_000;
        var largeReads = 9;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"Option {args[i - 1]} needs a positive whole number.");
            switch (args[i])
            {
                case "--people": people = Next(); break;
                case "--connections": connections = Next(); break;
                case "--write-connections": writeConnections = Next(); break;
                case "--seconds": seconds = Next(); break;
                case "--rounds": rounds = Next(); break;
                case "--max-requests": maxRequests = Next(); break;
                case "--large-reads": largeReads = Next(); break;
                case "--keep": keep = true; break;
                case "--help" or "-h": Console.WriteLine(Usage); return 0;
                default: Console.Error.WriteLine($"Unknown option '{args[i]}'."); Console.Error.WriteLine(Usage); return 2;
            }
        }

        var dataDirectory = Path.Combine(Path.GetTempPath(), "licenceops-httpbench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        Console.WriteLine($"LicenceOps HTTP benchmark — {people} people, {connections} connections ({writeConnections} for writes), " +
            $"{rounds} rounds × {seconds} s, {Environment.ProcessorCount} logical CPUs, data {dataDirectory}");
        try
        {
            await using var host = await HostProcess.StartAsync(dataDirectory, Password, TimeSpan.FromSeconds(90));
            using var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = Math.Max(connections, writeConnections),
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            };
            using var client = new HttpClient(handler) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var token = await TokenAsync(client);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            var clock = Stopwatch.StartNew();
            var (tenantId, domain) = await SeedTenantAsync(client, people);
            Console.WriteLine($"seeded tenant {tenantId} with {people} people in {clock.Elapsed.TotalSeconds:0.0} s");
            clock.Restart();
            var (invoiceTenantId, invoiceId) = await SeedIssuedInvoiceAsync(client, dataDirectory);
            Console.WriteLine($"issued invoice {invoiceId} in {clock.Elapsed.TotalSeconds:0.0} s");

            var peopleUri = $"api/tenants/{tenantId}/people";
            var pdfUri = $"api/tenants/{invoiceTenantId}/invoices/{invoiceId}/pdf";
            await PrintSizesAsync(client, peopleUri, pdfUri);
            await OutboxLag.WaitForQuietAsync(dataDirectory, TimeSpan.FromSeconds(120));
            // Memory first, while the host has served nothing big yet: idle, then after repeated whole-list reads.
            var memoryGrowth = await MemoryAfterLargeReadsAsync(client, host, peopleUri, $"api/tenants/{tenantId}/people/export", largeReads);

            var duration = TimeSpan.FromSeconds(seconds);
            var runId = Guid.NewGuid().ToString("N")[..6];
            long written = 0; // across warm-up and rounds: every joiner needs an e-mail of its own
            long missed = 0; // across warm-up and rounds: every cache-miss request needs a key of its own
            var scenarios = new (string Name, int Connections, Func<long, HttpRequestMessage> Request, Func<HttpResponseMessage, bool>? Accept)[]
            {
                (TrivialScenario, connections, _ => new HttpRequestMessage(HttpMethod.Get, "health/live"), null),
                // Served from the list cache after the first request of a round (ADR 0034): what repeated reads cost.
                (ListScenario, connections, _ => new HttpRequestMessage(HttpMethod.Get, peopleUri), null),
                // The same page, but every request misses: the cache key holds the whole query string, so a parameter the
                // endpoint ignores, different per request, makes each one build, serialise and store its page (the
                // version read and the key included). What a first read, or any read after a change, costs.
                (ListMissScenario, connections, _ => new HttpRequestMessage(HttpMethod.Get,
                    $"{peopleUri}?miss={Interlocked.Increment(ref missed).ToString(CultureInfo.InvariantCulture)}"), null),
                (WriteScenario, writeConnections, _ => Interlocked.Increment(ref written) is var n ? new HttpRequestMessage(HttpMethod.Post, peopleUri)
                {
                    Content = JsonContent.Create(new
                    {
                        email = $"w{runId}-{n}@{domain}", firstName = "Bench", lastName = $"Writer {n}", startDate = "2026-01-05",
                    }),
                } : throw new UnreachableException(), r => r.StatusCode == HttpStatusCode.Created),
                (PdfScenario, connections, _ => new HttpRequestMessage(HttpMethod.Get, pdfUri), null),
            };

            // Warm-up: JIT, connection pools, SQLite page cache; then let the warm-up writes' messages be consumed.
            foreach (var s in scenarios)
            {
                await LoadGenerator.RunAsync(s.Name, client, s.Connections, TimeSpan.FromSeconds(1), 5000, s.Request, s.Accept);
            }
            await OutboxLag.WaitForQuietAsync(dataDirectory, TimeSpan.FromSeconds(120));

            var results = scenarios.Select(_ => new List<LoadResult>()).ToArray();
            for (var round = 1; round <= rounds; round++)
            {
                Console.WriteLine($"round {round}/{rounds}");
                for (var i = 0; i < scenarios.Length; i++)
                {
                    var s = scenarios[i];
                    var cpuBefore = host.CpuTime();
                    var started = DateTimeOffset.UtcNow;
                    var result = await LoadGenerator.RunAsync(s.Name, client, s.Connections, duration, maxRequests, s.Request, s.Accept);
                    if (s.Name == WriteScenario)
                    {
                        // Waits for the scenario's messages to be dispatched, so their dispatch counts in the writes' CPU.
                        result = result with { OutboxLag = await OutboxLag.MeasureAsync(dataDirectory, started, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(60)) };
                        await OutboxLag.WaitForQuietAsync(dataDirectory, TimeSpan.FromSeconds(60));
                    }
                    result = result with { HostCpu = host.CpuTime() - cpuBefore };
                    results[i].Add(result);
                    Console.WriteLine(Line(result, results[0][^1]));
                }
            }

            Console.WriteLine();
            Console.WriteLine("median of rounds (ratio = req/s ÷ trivial req/s of the same round, median over rounds;");
            Console.WriteLine("                  cpu ratio = the trivial request's host CPU ÷ this request's host CPU, same round):");
            var medians = new Dictionary<string, MedianResult>();
            for (var i = 0; i < scenarios.Length; i++)
            {
                var byRps = results[i].OrderBy(r => r.RequestsPerSecond).ToList();
                var m = new MedianResult(
                    byRps[byRps.Count / 2].RequestsPerSecond,
                    Median(results[i].Select((r, round) => r.RequestsPerSecond / results[0][round].RequestsPerSecond)),
                    Median(results[i].Select(r => r.P50Ms)),
                    Median(results[i].Select(r => r.P99Ms)),
                    results[i].Max(r => r.MaxMs),
                    Median(results[i].Select(r => r.HostCpuPerRequestUs)),
                    Median(results[i].Select((r, round) => results[0][round].HostCpuPerRequestUs / r.HostCpuPerRequestUs)),
                    results[i].Sum(r => r.Failures));
                medians[scenarios[i].Name] = m;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {scenarios[i].Name,-36} {m.RequestsPerSecond,9:0} req/s  p50 {m.P50Ms,7:0.00} ms  p99 {m.P99Ms,7:0.00} ms  max {m.MaxMs,8:0.0} ms  ratio {m.Ratio,6:P0}  " +
                    $"cpu {m.CpuUs,6:0} µs/req  cpu ratio {m.CpuRatio,6:P0}  failures {m.Failures}"));
            }
            var lags = results[Array.FindIndex(scenarios, s => s.Name == WriteScenario)].Select(r => r.OutboxLag!).ToList();
            var lagP99 = Median(lags.Select(l => l.P99Ms));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  outbox lag of the writes (transaction → every consumer's inbox committed): p50 {Median(lags.Select(l => l.P50Ms)),7:0} ms  p99 {lagP99,7:0} ms  max {lags.Max(l => l.MaxMs),7:0} ms  " +
                $"({lags.Sum(l => l.Messages)} messages, {lags.Sum(l => l.Undispatched)} undispatched after 60 s; p99 to the dispatcher's " +
                $"dispatched_at mark {Median(lags.Select(l => l.MarkedP99Ms)),7:0} ms)"));

            var list = medians[ListScenario];
            var listMiss = medians[ListMissScenario];
            var write = medians[WriteScenario];
            var pdf = medians[PdfScenario];
            Console.WriteLine();
            Console.WriteLine("goals (issue 16):");
            Goals.Print($"paged list ≥ 50 % of trivial: {list.Ratio:P0} (host CPU: {list.CpuRatio:P0})", list.Ratio >= 0.5);
            Goals.Print($"paged list p99 < 20 ms: {list.P99Ms:0.0} ms", list.P99Ms < 20);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  (the same page when every request misses the list cache: {listMiss.Ratio:P0} of trivial, host CPU {listMiss.CpuRatio:P0}, p99 {listMiss.P99Ms:0.0} ms)"));
            Goals.Print($"person write p99 < 100 ms at {writeConnections} connections: {write.P99Ms:0.0} ms", write.P99Ms < 100);
            Goals.Print($"outbox lag p99 < 1 s under the write load: {lagP99:0} ms", lagP99 < 1000 && lags.All(l => l.Undispatched == 0));
            Goals.Print($"PDF download ≥ 30 % of trivial: {pdf.Ratio:P0} (host CPU: {pdf.CpuRatio:P0})", pdf.Ratio >= 0.3);
            Goals.Print($"host memory after {largeReads} whole-list reads within 50 MB of idle: {memoryGrowth / 1e6:+0;-0} MB", memoryGrowth <= 50_000_000);
            return 0;
        }
        finally
        {
            if (keep)
            {
                Console.WriteLine($"data kept in {dataDirectory}");
            }
            else
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                LicenceOps.Platform.Data.ModuleDatabase.ClearSqlitePools();
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    private static string Line(LoadResult r, LoadResult trivial) => string.Create(CultureInfo.InvariantCulture,
        $"  {r.Name,-36} {r.RequestsPerSecond,9:0} req/s  p50 {r.P50Ms,7:0.00} ms  p99 {r.P99Ms,7:0.00} ms  max {r.MaxMs,8:0.0} ms  " +
        $"{r.Bytes / Math.Max(1, r.Requests) / 1024.0,8:0.0} KiB/resp  ratio {r.RequestsPerSecond / trivial.RequestsPerSecond,6:P0}  cpu {r.HostCpuPerRequestUs,6:0} µs/req  failures {r.Failures}{(r.FirstFailure is null ? "" : " (first: " + r.FirstFailure + ")")}" +
        $"{(r.OutboxLag is { } lag ? $"\n      outbox lag p50 {lag.P50Ms:0} ms  p99 {lag.P99Ms:0} ms  max {lag.MaxMs:0} ms  ({lag.Messages} messages, {lag.Undispatched} undispatched)" : "")}");

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static async Task<string> TokenAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("api/auth/token", new { email = "admin@licenceops.local", password = Password });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    private static async Task<(Guid TenantId, string Domain)> SeedTenantAsync(HttpClient client, int people)
    {
        var domain = $"bench{Guid.NewGuid():N}"[..14] + ".fr";
        var created = await Ok(await client.PostAsJsonAsync("api/tenants", new
        {
            legalName = "Bench Grande Entreprise SA",
            siren = "732 829 320",
            siret = "73282932000017",
            vatNumber = "FR44732829320",
            countryCode = "FR",
            billingAddress = new { line1 = "3 place de la Bourse", postalCode = "69002", city = "Lyon" },
            billingEmail = "compta@" + domain,
            emailDomains = new[] { domain },
        }));
        var tenantId = created.GetProperty("id").GetGuid();
        string[] departments = ["Marketing", "Engineering", "Finance", "Sales", "Operations", "Legal", "Support", "Research"];
        foreach (var name in departments)
        {
            await Ok(await client.PostAsJsonAsync($"api/tenants/{tenantId}/departments", new { name }));
        }

        // The HR import in chunks: one transaction per chunk, as a client would upload several files.
        const int chunk = 1000;
        for (var from = 0; from < people; from += chunk)
        {
            var csv = new StringBuilder("email,first_name,last_name,department,manager_email,start_date,external\n");
            for (var p = from; p < Math.Min(people, from + chunk); p++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"p{p:00000}@{domain},Prénom{p % 97},Nom{p:00000},{departments[p % departments.Length]},,2025-0{1 + p % 9}-01,false\n");
            }
            using var body = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
            await Ok(await client.PostAsync($"api/tenants/{tenantId}/people/import?mode=apply", body));
        }
        return (tenantId, domain);
    }

    /// <summary>
    /// Billing's read models are fed by events in production; here they are written straight into the host's Billing
    /// database (as the invoicing bench does), then the monthly run is asked for over HTTP and the invoice list is
    /// polled until the issued invoice shows, which works whether the run answers at once or as a background job.
    /// </summary>
    private static async Task<(Guid TenantId, Guid InvoiceId)> SeedIssuedInvoiceAsync(HttpClient client, string dataDirectory)
    {
        var period = new BillingPeriod(2026, 10);
        using var billingDb = new ModuleDatabase<BillingModule>("Billing", SqlDialect.Sqlite,
            $"Data Source={Path.Combine(dataDirectory, "billing.db")};Foreign Keys=True;Default Timeout=30",
            TimeProvider.System, new HttpContextAccessor());
        await BenchSeed.SeedAsync(billingDb, period, 1, 3, DateTimeOffset.UtcNow);
        var tenantId = (await billingDb.QueryAsync<Guid>("SELECT tenant_id FROM billing_tenants WHERE legal_name LIKE 'Client Bench%'"))[0];

        var run = await client.PostAsJsonAsync("api/billing/runs", new { period = period.ToString(), issue = true });
        if (!run.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The invoice run answered {(int)run.StatusCode}: {await run.Content.ReadAsStringAsync()}");
        }
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            using var list = JsonDocument.Parse(await client.GetStringAsync($"api/tenants/{tenantId}/invoices"));
            var items = list.RootElement.ValueKind == JsonValueKind.Array ? list.RootElement : list.RootElement.GetProperty("items");
            foreach (var invoice in items.EnumerateArray())
            {
                if (invoice.TryGetProperty("number", out var number) && number.ValueKind == JsonValueKind.String)
                {
                    return (tenantId, invoice.GetProperty("id").GetGuid());
                }
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("No issued invoice appeared within 60 s.");
    }

    private static async Task PrintSizesAsync(HttpClient client, string peopleUri, string pdfUri)
    {
        foreach (var (label, uri, encoding) in new[]
        {
            ("people list", peopleUri, (string?)null), ("people list, br", peopleUri, "br"), ("people list, gzip", peopleUri, "gzip"),
            ("invoice PDF", pdfUri, null),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (encoding is not null)
            {
                request.Headers.AcceptEncoding.ParseAdd(encoding);
            }
            using var response = await client.SendAsync(request);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var sent = string.Join(",", response.Content.Headers.ContentEncoding);
            Console.WriteLine($"  response size {label,-18} {bytes.Length,10:N0} bytes{(sent.Length > 0 ? " (" + sent + ")" : "")}, " +
                $"ETag {response.Headers.ETag?.Tag ?? "none"}");
        }
    }

    /// <summary>Idle resident memory, then after reading the whole people list (JSON, following cursors if any) and its CSV export repeatedly.</summary>
    private static async Task<long> MemoryAfterLargeReadsAsync(HttpClient client, HostProcess host, string peopleUri, string exportUri, int reads)
    {
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idle = host.ResidentBytes();
        long jsonBytes = 0, csvBytes = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < reads; i++)
        {
            string? cursor = null;
            do
            {
                var uri = cursor is null ? $"{peopleUri}?limit=200" : $"{peopleUri}?limit=200&cursor={Uri.EscapeDataString(cursor)}";
                var text = await client.GetStringAsync(uri);
                jsonBytes += text.Length;
                using var page = JsonDocument.Parse(text);
                cursor = page.RootElement.ValueKind == JsonValueKind.Object && page.RootElement.TryGetProperty("nextCursor", out var next)
                    && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            }
            while (cursor is not null);
            await using var csv = await client.GetStreamAsync(exportUri);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await csv.ReadAsync(buffer)) > 0)
            {
                csvBytes += read;
            }
        }
        var readSeconds = clock.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(5));
        var after = host.ResidentBytes();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

            host memory (VmRSS): idle {idle / 1048576.0:0} MiB; after {reads} whole-list reads ({jsonBytes / 1048576.0:0.0} MiB JSON, {csvBytes / 1048576.0:0.0} MiB CSV, {readSeconds:0.0} s) {after / 1048576.0:0} MiB ({(after - idle) / 1048576.0:+0;-0} MiB)
            """));
        return after - idle;
    }

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        }
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
