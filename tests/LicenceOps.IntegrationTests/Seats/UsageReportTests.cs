using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dapper;
using LicenceOps.Contracts.Billing;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using UglyToad.PdfPig;

namespace LicenceOps.IntegrationTests.Seats;

/// <summary>
/// The usage report over HTTP, on an estate seeded as the other modules would feed it (Billing's InvoiceIssued with lines,
/// Tenants' DepartmentChanged, reconciliation's usage snapshots), with figures worked out by hand:
/// ChatGPT committed 4 at 25 €/seat (Alice and Bob of Marketing; Bob leaves on 15 Oct, Carol of Finance arrives on 16 Oct),
/// Claude committed 2 at 30 €/seat (Alice, and Dan who has no department); October's Claude invoice has a 15 € credit note.
/// </summary>
public sealed class UsageReportTests
{
    private static readonly Guid Marketing = Guid.NewGuid();
    private static readonly Guid Finance = Guid.NewGuid();
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;
    private Guid tenantId;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync();
        tenantId = Guid.NewGuid();
        await SeedAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    private async Task SeedAsync()
    {
        var chatGpt = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-annual", quantity: 4, salePrice: 25m)).Id();
        var claude = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "claude-team-standard-annual", quantity: 2, salePrice: 30m)).Id();
        await SeatsKit.PublishAsync(factory, new DepartmentChanged(Marketing, tenantId, "Marketing", factory.Clock.GetUtcNow(), "active"));
        await SeatsKit.PublishAsync(factory, new DepartmentChanged(Finance, tenantId, "Finance", factory.Clock.GetUtcNow(), "active"));

        var alice = await PersonAsync("Alice Martin", Marketing);
        var bob = await PersonAsync("Bob Durand", Marketing);
        var carol = await PersonAsync("Carol Petit", Finance);
        var dan = await PersonAsync("Dan Moreau", null);
        var s1 = await SeatAsync(chatGpt, alice, "2026-01-01", null);
        var s2 = await SeatAsync(chatGpt, bob, "2026-01-01", "2026-10-15");
        await SeatAsync(chatGpt, carol, "2026-10-16", null);
        var s4 = await SeatAsync(claude, alice, "2026-01-01", null);
        var s5 = await SeatAsync(claude, dan, "2026-09-01", null);

        // What the daily usage snapshots saw: the last activity date as read each day.
        await UsageAsync(s1, chatGpt, alice, ("2026-09-03", "2026-09-02"), ("2026-09-04", "2026-09-03"), ("2026-09-05", "2026-09-04"),
            ("2026-09-06", "2026-09-04"), ("2026-10-06", "2026-10-05"), ("2026-10-07", "2026-10-06"));
        await UsageAsync(s2, chatGpt, bob, ("2026-09-08", "2026-09-07"), ("2026-10-04", "2026-10-03"));
        await UsageAsync(s4, claude, alice, ("2026-09-10", "2026-07-01"), ("2026-10-02", "2026-10-01"), ("2026-10-03", "2026-10-02"),
            ("2026-10-04", "2026-10-03"), ("2026-10-05", "2026-10-04"), ("2026-10-06", "2026-10-05"));
        await UsageAsync(s5, claude, dan, ("2026-09-09", "2026-09-08"), ("2026-09-10", "2026-09-09"), ("2026-10-20", "2026-09-09"));

        await InvoiceAsync("invoice", "FA-2026-0001", "2026-10-01", (chatGpt, "2026-09-01", "2026-09-30", 100m), (claude, "2026-09-01", "2026-09-30", 60m));
        await InvoiceAsync("invoice", "FA-2026-0002", "2026-11-01", (chatGpt, "2026-10-01", "2026-10-31", 100m), (claude, "2026-10-01", "2026-10-31", 60m));
        await InvoiceAsync("credit-note", "AV-2026-0001", "2026-11-05", (claude, "2026-10-01", "2026-10-31", 15m));
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
                "SELECT COUNT(*) FROM invoiced_lines WHERE tenant_id = @tenantId", new { tenantId }) == 5
            && await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM known_departments WHERE tenant_id = @tenantId", new { tenantId }) == 2,
            because: "Seats records what Billing invoiced and the department names");
    }

    private async Task<Guid> PersonAsync(string name, Guid? department)
    {
        var id = Guid.NewGuid();
        await using var connection = await SeatsKit.Db(factory).OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO people (person_id, tenant_id, email, display_name, department_id, status, end_date, updated_at, version)
            VALUES (@id, @tenantId, @email, @name, @department, 'active', NULL, @now, 1)
            """,
            new { id, tenantId, email = $"{id:N}@example.test", name, department, now = factory.Clock.GetUtcNow() });
        return id;
    }

    private async Task<Guid> SeatAsync(Guid subscriptionId, Guid personId, string assignedOn, string? releasedOn)
    {
        var id = Guid.NewGuid();
        await using var connection = await SeatsKit.Db(factory).OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO seats (id, tenant_id, subscription_id, person_id, status, assigned_on, released_on, created_at, updated_at)
            VALUES (@id, @tenantId, @subscriptionId, @personId, @status, @assignedOn, @releasedOn, @now, @now)
            """,
            new
            {
                id, tenantId, subscriptionId, personId, status = releasedOn is null ? "active" : "released", assignedOn, releasedOn,
                now = factory.Clock.GetUtcNow(),
            });
        return id;
    }

    private Task UsageAsync(Guid seatId, Guid subscriptionId, Guid personId, params (string Day, string LastActive)[] readings) =>
        UsageHistoryKit.AddAsync(factory,
            readings.Select(r => new UsageHistoryKit.Row(seatId, r.Day, tenantId, subscriptionId, personId, r.LastActive, true)).ToArray());

    private Task InvoiceAsync(string kind, string number, string issued, params (Guid Subscription, string Start, string End, decimal Net)[] lines) =>
        SeatsKit.PublishAsync(factory, new InvoiceIssued(Guid.NewGuid(), tenantId, number, kind, DateOnly.Parse(issued), DateOnly.Parse(issued),
            lines.Sum(l => l.Net), lines.Sum(l => l.Net) * 0.2m, lines.Sum(l => l.Net) * 1.2m, "EUR", factory.Clock.GetUtcNow(),
            lines.Select((l, i) => new InvoicedLine(i + 1, l.Subscription, DateOnly.Parse(l.Start), DateOnly.Parse(l.End), l.Net)).ToList()));

    private string Url(string query = "from=2026-09&to=2026-10") => $"/api/tenants/{tenantId}/reports/usage?{query}";

    private static void AssertFigures(JsonElement figures, int purchased, int assigned, int active, decimal? adoption, decimal cost, decimal? perActive,
        int reclaimable, decimal saving)
    {
        Assert.That(figures.GetProperty("purchased").GetInt32(), Is.EqualTo(purchased), "purchased");
        Assert.That(figures.GetProperty("assigned").GetInt32(), Is.EqualTo(assigned), "assigned");
        Assert.That(figures.GetProperty("active").GetInt32(), Is.EqualTo(active), "active");
        Assert.That(figures.GetProperty("inactive").GetInt32(), Is.EqualTo(assigned - active), "inactive");
        Assert.That(Nullable(figures.GetProperty("adoptionRate")), Is.EqualTo(adoption), "adoption");
        Assert.That(figures.GetProperty("costEur").GetDecimal(), Is.EqualTo(cost), "cost");
        Assert.That(Nullable(figures.GetProperty("costPerActiveUserEur")), Is.EqualTo(perActive), "cost per active user");
        Assert.That(figures.GetProperty("reclaimableSeats").GetInt32(), Is.EqualTo(reclaimable), "reclaimable");
        Assert.That(figures.GetProperty("monthlySavingEur").GetDecimal(), Is.EqualTo(saving), "saving");
    }

    private static string Squash(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));

    private static decimal? Nullable(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetDecimal();

    private static JsonElement Product(JsonElement month, string product) =>
        month.GetProperty("products").EnumerateArray().Single(p => p.Str("product") == product);

    [Test]
    public async Task The_json_report_gives_the_hand_computed_figures()
    {
        var report = await SeatsKit.GetAsync(staff, Url());
        var months = report.GetProperty("months").EnumerateArray().ToList();
        Assert.That(months.Select(m => m.Str("month")), Is.EqualTo(new[] { "2026-09", "2026-10" }));
        var (september, october) = (months[0], months[1]);
        Assert.Multiple(() =>
        {
            // September: ChatGPT 2 of 4 seats held, both used: 100 € / 2 = 50 €; 2 reclaimable × 100/4 = 50 €.
            AssertFigures(Product(september, "ChatGPT").GetProperty("figures"), 4, 2, 2, 0.5m, 100m, 50m, 2, 50m);
            // Claude: Alice idle (her last activity read in September is from July), Dan active; 60 € / 1.
            AssertFigures(Product(september, "Claude").GetProperty("figures"), 2, 2, 1, 0.5m, 60m, 60m, 1, 30m);
            AssertFigures(september.GetProperty("totals"), 6, 4, 3, 0.5m, 160m, 53.33m, 3, 80m);

            // October: Bob's seat left on the 15th, Carol's came on the 16th; only Alice used ChatGPT (Bob's use left with him).
            AssertFigures(Product(october, "ChatGPT").GetProperty("figures"), 4, 2, 1, 0.25m, 100m, 100m, 3, 75m);
            // The 15 € credit note brings Claude to 45 €; Dan's only reading in October shows September activity: idle.
            AssertFigures(Product(october, "Claude").GetProperty("figures"), 2, 2, 1, 0.5m, 45m, 45m, 1, 22.50m);
            AssertFigures(october.GetProperty("totals"), 6, 4, 2, 0.3333m, 145m, 72.50m, 4, 97.50m);

            // Seat-days: 124 paid (4 × 31); Marketing 31 + 15 = 46 → 37.10, Finance 16 → 12.90, nobody 62 → 50.00.
            var departments = Product(october, "ChatGPT").GetProperty("departments").EnumerateArray()
                .Select(d => (d.Str("name"), d.GetProperty("seatDays").GetInt64(), d.GetProperty("costEur").GetDecimal())).ToList();
            Assert.That(departments, Is.EqualTo(new[] { ("Finance", 16L, 12.90m), ("Marketing", 46L, 37.10m), ("Sièges non attribués", 0L, 50.00m) }));

            var overlap = october.GetProperty("overlaps").EnumerateArray().Single();
            Assert.That(overlap.Str("displayName"), Is.EqualTo("Alice Martin"));
            Assert.That(overlap.GetProperty("tools").EnumerateArray().Select(t => (t.Str("product"), t.GetProperty("activeDays").GetInt32())),
                Is.EqualTo(new[] { ("ChatGPT", 2), ("Claude", 5) }));

            var trend = report.GetProperty("trend");
            Assert.That(trend.GetProperty("adoptionChangePoints").GetDecimal(), Is.EqualTo(-16.67m));
            Assert.That(trend.GetProperty("totalCostEur").GetDecimal(), Is.EqualTo(305m));
        });
    }

    [Test]
    public async Task The_csv_has_a_row_per_month_product_and_department()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Url("from=2026-10&to=2026-10"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var response = await staff.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("month,vendor,product,department_id,department,purchased"));
        Assert.That(lines, Does.Contain($"2026-10,OpenAI,ChatGPT,{Finance:D},Finance,,1,0,1,,12.90,,,,16"));
        Assert.That(lines, Does.Contain("2026-10,Anthropic,Claude,total,total,2,2,1,1,0.5,45.00,45.00,1,22.50,"));
        Assert.That(lines[^1], Is.EqualTo("2026-10,total,total,total,total,6,4,2,2,0.3333,145.00,72.50,4,97.50,"));
    }

    [TestCase("fr", "Rapport d'utilisation des licences IA", "octobre 2026", "145,00\u00A0€", "Sièges non attribués")]
    [TestCase("en", "AI licence usage report", "October 2026", "€145.00", "Unassigned seats")]
    public async Task The_pdf_prints_labels_figures_and_charts_and_renders_to_png(string lang, string title, string month, string cost, string unassigned)
    {
        var response = await staff.GetAsync(Url($"from=2026-09&to=2026-10&format=pdf&lang={lang}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/pdf"));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using (var pdf = PdfDocument.Open(bytes))
        {
            // Glyph positions, not spaces, separate words in a PDF: compare without white space.
            var text = Squash(string.Concat(pdf.GetPages().Select(p => p.Text)));
            Assert.Multiple(() =>
            {
                Assert.That(pdf.NumberOfPages, Is.EqualTo(2));
                Assert.That(text, Does.Contain(Squash(title)));
                Assert.That(text, Does.Contain(Squash(month)));
                Assert.That(text, Does.Contain(Squash(cost)));
                Assert.That(text, Does.Contain(Squash(unassigned)));
                Assert.That(text, Does.Contain("Marketing").And.Contain("Finance").And.Contain("AliceMartin"));
                Assert.That(text, Does.Contain("2026-092026-10"), "the charts' month ticks are text on the page, once");
                Assert.That(text, Does.Not.Contain("22002266"), "no label is drawn twice");
            });
        }

        var artifacts = Path.Combine(RepositoryPaths.Root, "artifacts", "reports");
        Directory.CreateDirectory(artifacts);
        var file = Path.Combine(artifacts, $"usage-report-{lang}.pdf");
        await File.WriteAllBytesAsync(file, bytes);
        using var render = Process.Start(new ProcessStartInfo("pdftoppm", ["-png", "-r", "60", file, Path.ChangeExtension(file, null)])
        {
            RedirectStandardError = true,
        })!;
        await render.WaitForExitAsync();
        Assert.That(render.ExitCode, Is.Zero, await render.StandardError.ReadToEndAsync());
        Assert.That(Directory.GetFiles(artifacts, $"usage-report-{lang}-*.png"), Is.Not.Empty);
    }

    [Test]
    public async Task A_client_reads_its_own_report_and_not_another_tenants()
    {
        using var client = await factory.ClientUserAsync(tenantId, LicenceOps.Platform.Security.Roles.ClientViewer);
        var own = await client.GetAsync(Url());
        var other = await client.GetAsync($"/api/tenants/{Guid.NewGuid()}/reports/usage?from=2026-09&to=2026-10");

        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await SeatsKit.AssertProblemAsync(other, HttpStatusCode.NotFound);
    }

    [TestCase("from=2026-10&to=2026-09", "from")]
    [TestCase("from=2024-01&to=2026-10", "from")]
    [TestCase("from=2026-9&to=2026-10", "from")]
    [TestCase("from=2026-09&to=2027-01", "to")]
    [TestCase("from=2026-09&to=2026-10&format=xlsx", "format")]
    [TestCase("from=2026-09&to=2026-10&lang=de", "lang")]
    public async Task Bad_input_is_a_problem_naming_the_parameter(string query, string field)
    {
        var response = await staff.GetAsync(Url(query));

        await SeatsKit.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var body = await SeatsKit.BodyAsync(response);
        Assert.That(body.GetProperty("errors").TryGetProperty(field, out _), Is.True, body.ToString());
    }

    [Test]
    public async Task A_history_stored_as_changes_reports_exactly_as_the_same_facts_stored_every_day()
    {
        // ADR 0044: the seeded snapshots are changes (a row on the first day a seat's values were seen). Repeating each row on
        // every following day until the seat's next one (the history as one row per seat per day) must change no figure.
        var asChanges = (await SeatsKit.GetAsync(staff, Url("from=2026-08&to=2026-11"))).ToString();
        try
        {
            Assert.That(await UsageHistoryKit.RepeatDailyAsync(factory, tenantId, new DateOnly(2026, 11, 22)), Is.GreaterThan(100));
            Assert.That((await SeatsKit.GetAsync(staff, Url("from=2026-08&to=2026-11"))).ToString(), Is.EqualTo(asChanges));
        }
        finally
        {
            await UsageHistoryKit.RemoveRepeatedAsync(factory);
        }
    }
}
