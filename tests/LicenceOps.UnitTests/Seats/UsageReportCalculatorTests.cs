using LicenceOps.Seats.Domain.Reports;
using LicenceOps.Seats.Features.Reports;

namespace LicenceOps.UnitTests.Seats;

/// <summary>
/// A two-month estate whose every figure was worked out by hand (the sums are in the comments):
/// ChatGPT committed 4 (Alice and Bob in Marketing; Bob leaves 15 Oct, Carol of Finance arrives 16 Oct),
/// Claude committed 2 (Alice, and Dan who has no department); October's Claude invoice is reduced by a credit note.
/// </summary>
public sealed class UsageReportCalculatorTests
{
    internal static readonly Guid Marketing = Guid.Parse("10000000-0000-0000-0000-000000000001");
    internal static readonly Guid Finance = Guid.Parse("20000000-0000-0000-0000-000000000002");
    private static readonly Guid ChatGpt = Guid.NewGuid();
    private static readonly Guid Claude = Guid.NewGuid();
    private static readonly Guid Alice = Guid.NewGuid(), Bob = Guid.NewGuid(), Carol = Guid.NewGuid(), Dan = Guid.NewGuid();
    private static readonly Guid S1 = Guid.NewGuid(), S2 = Guid.NewGuid(), S3 = Guid.NewGuid(), S4 = Guid.NewGuid(), S5 = Guid.NewGuid();

    private static DateOnly D(int month, int day) => new(2026, month, day);

    private static IEnumerable<SeatActivity> Days(Guid seat, int month, params int[] days) => days.Select(d => new SeatActivity(seat, D(month, d)));

    private static UsageReport Report() => UsageReportCalculator.Compute(new UsageReportInput(
        D(9, 1), D(10, 31), D(11, 28),
        [
            new ReportSubscription(ChatGpt, "ChatGPT", "OpenAI", [new QuantityVersion(D(1, 1), 4)]),
            new ReportSubscription(Claude, "Claude", "Anthropic", [new QuantityVersion(D(1, 1), 3), new QuantityVersion(D(1, 1), 2)]),
        ],
        [
            new ReportSeat(S1, ChatGpt, Alice, D(1, 1), null),
            new ReportSeat(S2, ChatGpt, Bob, D(1, 1), D(10, 15)),
            new ReportSeat(S3, ChatGpt, Carol, D(10, 16), null),
            new ReportSeat(S4, Claude, Alice, D(1, 1), null),
            new ReportSeat(S5, Claude, Dan, D(9, 1), null),
        ],
        [
            new ReportPerson(Alice, "Alice", Marketing), new ReportPerson(Bob, "Bob", Marketing),
            new ReportPerson(Carol, "Carol", Finance), new ReportPerson(Dan, "Dan", null),
        ],
        [
            .. Days(S1, 9, 2, 3, 4), .. Days(S1, 10, 5, 6), .. Days(S2, 9, 7), .. Days(S2, 10, 3), .. Days(S4, 10, 1, 2, 3, 4, 5),
            .. Days(S5, 9, 8, 9), new SeatActivity(S5, D(9, 9)), .. Days(S1, 8, 30),
        ],
        [
            new InvoicedAmount(ChatGpt, D(9, 1), D(9, 30), 100m), new InvoicedAmount(Claude, D(9, 1), D(9, 30), 60m),
            new InvoicedAmount(ChatGpt, D(10, 1), D(10, 31), 100m), new InvoicedAmount(Claude, D(10, 1), D(10, 31), 60m),
            new InvoicedAmount(Claude, D(10, 1), D(10, 31), -15m),
            new InvoicedAmount(ChatGpt, D(8, 1), D(8, 31), 100m),
        ],
        new Dictionary<Guid, string> { [Marketing] = "Marketing", [Finance] = "Finance" },
        UsageReportData.Assistants), key => ReportText.English[key]);

    [Test]
    public void September_counts_adoption_cost_per_active_user_and_savings()
    {
        var september = Report().Months[0];
        var chatGpt = september.Products.Single(p => p.Product == "ChatGPT").Figures;
        var claude = september.Products.Single(p => p.Product == "Claude").Figures;
        Assert.Multiple(() =>
        {
            // ChatGPT: 4 committed, 2 held, both active; 100 € → 50 € per active user; 2 reclaimable × 100/4 = 50 €.
            Assert.That(chatGpt, Is.EqualTo(new UsageFigures(4, 2, 2, 0, 0.5m, 100m, 50m, 2, 50m)));
            // Claude: the last version of the day wins (2); Alice idle, Dan active; 60 € / 1 active; 1 × 60/2 = 30 €.
            Assert.That(claude, Is.EqualTo(new UsageFigures(2, 2, 1, 1, 0.5m, 60m, 60m, 1, 30m)));
            // 6 purchased, 3 active: 50 %; 160 / 3 = 53.33.
            Assert.That(september.Totals, Is.EqualTo(new UsageFigures(6, 4, 3, 1, 0.5m, 160m, 53.33m, 3, 80m)));
        });
    }

    [Test]
    public void A_mid_month_seat_change_splits_the_cost_by_seat_days_and_the_credit_note_reduces_the_month()
    {
        var october = Report().Months[1];
        var chatGpt = october.Products.Single(p => p.Product == "ChatGPT");
        var claude = october.Products.Single(p => p.Product == "Claude");
        Assert.Multiple(() =>
        {
            // On 31 Oct Alice and Carol hold ChatGPT; only Alice was active (Bob's activity left with his seat).
            Assert.That(chatGpt.Figures, Is.EqualTo(new UsageFigures(4, 2, 1, 1, 0.25m, 100m, 100m, 3, 75m)));
            // Capacity 4 × 31 = 124 seat-days; Marketing 31 + 15 = 46 → 37.0967 (largest remainder: 37.10), Finance 16 → 12.90,
            // nobody 62 → 50.00.
            Assert.That(chatGpt.Departments.Select(d => (d.Name, d.Assigned, d.Active, d.SeatDays, d.CostEur, d.CostPerActiveUserEur)), Is.EqualTo(new[]
            {
                ("Finance", 1, 0, 16L, 12.90m, (decimal?)null),
                ("Marketing", 1, 1, 46L, 37.10m, 37.10m),
                ("Unassigned seats", 0, 0, 0L, 50.00m, null),
            }));
            // 60 € invoiced, 15 € credited: 45 €, half to Marketing (Alice), half to Dan who has no department.
            Assert.That(claude.Figures, Is.EqualTo(new UsageFigures(2, 2, 1, 1, 0.5m, 45m, 45m, 1, 22.50m)));
            Assert.That(claude.Departments.Select(d => (d.Name, d.CostEur)), Is.EqualTo(new[] { ("Marketing", 22.50m), ("No department", 22.50m) }));
            Assert.That(october.Totals, Is.EqualTo(new UsageFigures(6, 4, 2, 2, 0.3333m, 145m, 72.50m, 4, 97.50m)));
        });
    }

    [Test]
    public void Overlaps_name_the_person_and_the_active_days_of_each_tool()
    {
        var report = Report();
        Assert.Multiple(() =>
        {
            Assert.That(report.Months[0].Overlaps.Single().DisplayName, Is.EqualTo("Alice"));
            Assert.That(report.Months[0].Overlaps.Single().Tools, Is.EqualTo(new[] { new OverlapTool("ChatGPT", 3), new OverlapTool("Claude", 0) }));
            Assert.That(report.Months[1].Overlaps.Single().Tools, Is.EqualTo(new[] { new OverlapTool("ChatGPT", 2), new OverlapTool("Claude", 5) }));
        });
    }

    [Test]
    public void The_trend_compares_the_first_and_last_months()
    {
        var trend = Report().Trend;
        Assert.That(trend, Is.EqualTo(new UsageTrend(0.5m, 0.3333m, -16.67m, 160m, 145m, 305m, 177.50m)));
    }

    [Test]
    public void An_annual_line_is_spread_over_its_months_by_days_to_the_cent()
    {
        var subscription = Guid.NewGuid();
        var report = UsageReportCalculator.Compute(new UsageReportInput(D(1, 1), D(3, 31), D(11, 28),
            [new ReportSubscription(subscription, "Claude", "Anthropic", [new QuantityVersion(D(1, 1), 1)])], [], [], [],
            [new InvoicedAmount(subscription, D(1, 1), D(12, 31), 1000m)], new Dictionary<Guid, string>(), UsageReportData.Assistants),
            key => key);

        // In cents: 100000 × 31/365 = 8493.15, × 28/365 = 7671.23, × 30/365 = 8219.18. The floors add up to 99998; the two
        // cents left go to the largest remainders: February (.23) and April (.18). January and March stay 84.93.
        Assert.That(report.Months.Select(m => m.Totals.CostEur), Is.EqualTo(new[] { 84.93m, 76.72m, 84.93m }));
        Assert.That(Cents.Split(1000m, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]).Sum(), Is.EqualTo(1000m));
    }

    [Test]
    public void Cents_split_gives_leftover_cents_to_the_largest_remainders_and_keeps_the_sign()
    {
        Assert.That(Cents.Split(100m, [46, 16, 62]), Is.EqualTo(new[] { 37.10m, 12.90m, 50.00m }));
        Assert.That(Cents.Split(-10m, [1, 1, 1]), Is.EqualTo(new[] { -3.34m, -3.33m, -3.33m }));
        Assert.That(Cents.Split(5m, [0, 0]), Is.EqualTo(new[] { 0m, 0m }));
    }
}
