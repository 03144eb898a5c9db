using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Billing.Features.Pricing;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Billing;

/// <summary>Whole invoices computed from seat history, with the exact cents a client would read.</summary>
public class GoldenInvoiceTests
{
    private static readonly BillingPeriod November = new(2026, 11);
    private static readonly DateTimeOffset Earlier = new(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid ChatGpt = Guid.Parse("11111111-0000-0000-0000-000000000001");
    private static readonly Guid Claude = Guid.Parse("22222222-0000-0000-0000-000000000002");

    internal static BuyerProfile Buyer(string country, string? vat) =>
        new(Guid.NewGuid(), "Client SA", country == "FR" ? "987654321" : null, vat, country, "2 place Bellecour", null, "69001", "Lyon", "compta@client.example");

    private static SubscriptionHistory ChatGptTeam(int committed, int assigned, PlanPrice? price = null, IEnumerable<SeatChange>? extra = null) =>
        new(ChatGpt,
            [new SubscriptionTermsVersion(ChatGpt, "OpenAI", "chatgpt-team", "ChatGPT Team", committed, new DateOnly(2026, 1, 1),
                price ?? new PlanPrice("monthly", 25m, "USD", false, 27.50m), Earlier)],
            Enumerable.Range(1, assigned).Select(n => new SeatChange(new Guid($"00000000-0000-0000-0001-{n:D12}"), true, new DateOnly(2026, 1, 1), Earlier))
                .Concat(extra ?? []).ToList());

    private static EcbRateQuote? NoRate(string currency) => null;

    [Test]
    public void French_client_pays_20_percent()
    {
        var draft = InvoiceDraftBuilder.Build(November, Buyer("FR", "FR12987654321"), [ChatGptTeam(10, 10)], 15m, NoRate);

        var line = draft.Lines.Single();
        Assert.That((line.Quantity, line.UnitPriceExclVat, line.NetAmount, line.VatCategory, line.VatRate), Is.EqualTo((10m, 27.50m, 275.00m, "S", 20m)));
        Assert.That((draft.Totals.TotalExclVat, draft.Totals.TotalVat, draft.Totals.TotalInclVat), Is.EqualTo((275.00m, 55.00m, 330.00m)));
        Assert.That(draft.Vat.ExemptionReason, Is.Null);
    }

    [Test]
    public void German_client_with_vat_number_is_reverse_charged()
    {
        var draft = InvoiceDraftBuilder.Build(November, Buyer("DE", "DE123456789"), [ChatGptTeam(10, 10)], 15m, NoRate);

        Assert.That(draft.Lines.Single().VatCategory, Is.EqualTo("AE"));
        Assert.That((draft.Totals.TotalExclVat, draft.Totals.TotalVat, draft.Totals.TotalInclVat), Is.EqualTo((275.00m, 0.00m, 275.00m)));
        Assert.That(draft.Totals.VatGroups.Single().ExemptionReason, Is.EqualTo("Autoliquidation - article 196 de la directive 2006/112/CE"));
    }

    [Test]
    public void Swiss_client_pays_no_french_vat_and_the_reason_is_given()
    {
        var draft = InvoiceDraftBuilder.Build(November, Buyer("CH", "CHE-123.456.788 TVA"), [ChatGptTeam(10, 10)], 15m, NoRate);

        Assert.That(draft.Totals.VatGroups.Single(), Is.EqualTo(new VatGroup("G", 0m, 275.00m, 0.00m, VatRules.OutsideEuReason)));
        Assert.That(draft.Totals.TotalInclVat, Is.EqualTo(275.00m));
    }

    [Test]
    public void Usd_plan_converts_at_the_ecb_rate_of_the_period_end_and_records_it()
    {
        // ECB sample: 1 EUR = 1.0163 USD on 2022-07-08. 25 USD / 1.0163 × 1.15 = 28.2889 € per seat.
        var july = new BillingPeriod(2022, 7);
        var askedFor = new List<string>();
        var usd = new PlanPrice("monthly", 25m, "USD", false, null);
        var subscription = ChatGptTeam(10, 0, usd) with
        {
            Terms = [new SubscriptionTermsVersion(ChatGpt, "OpenAI", "chatgpt-team", "ChatGPT Team", 10, new DateOnly(2022, 1, 1), usd, Earlier)],
        };

        var draft = InvoiceDraftBuilder.Build(july, Buyer("FR", null), [subscription], 15m, currency =>
        {
            askedFor.Add(currency);
            return new EcbRateQuote("USD", 1.0163m, new DateOnly(2022, 7, 8));
        });

        Assert.That(askedFor, Is.EqualTo(new[] { "USD" }));
        Assert.That(draft.Lines.Single().UnitPriceExclVat, Is.EqualTo(28.2889m));
        Assert.That((draft.Totals.TotalExclVat, draft.Totals.TotalVat, draft.Totals.TotalInclVat), Is.EqualTo((282.89m, 56.58m, 339.47m)));
        Assert.That(draft.ExchangeRates, Is.EqualTo(new[] { new EcbRateQuote("USD", 1.0163m, new DateOnly(2022, 7, 8)) }));
    }

    [Test]
    public void Usd_plan_without_a_known_rate_cannot_be_drafted()
    {
        var usd = new PlanPrice("monthly", 25m, "USD", false, null);

        var error = Assert.Throws<MissingExchangeRateException>(() =>
            InvoiceDraftBuilder.Build(November, Buyer("FR", null), [ChatGptTeam(10, 0, usd)], 15m, NoRate));
        Assert.That(error!.Date, Is.EqualTo(November.End));
    }

    [Test]
    public void Seat_added_on_the_17th_and_seat_released_on_the_9th_are_billed_by_the_day()
    {
        var added = new SeatChange(Guid.NewGuid(), true, new DateOnly(2026, 11, 17), Earlier.AddDays(70));
        var chatGpt = ChatGptTeam(10, 10, extra: [added]);
        // Claude: 36 € incl. VAT list price → 30 € excl. VAT → 34.50 € with 15 % margin; nothing committed.
        var claudePrice = new PlanPrice("monthly", 36m, "EUR", true, null);
        var releasedSeat = Guid.NewGuid();
        var claude = new SubscriptionHistory(Claude,
            [new SubscriptionTermsVersion(Claude, "Anthropic", "claude-team", "Claude Team", 0, new DateOnly(2026, 1, 1), claudePrice, Earlier)],
            [
                new SeatChange(Guid.NewGuid(), true, new DateOnly(2026, 2, 1), Earlier),
                new SeatChange(Guid.NewGuid(), true, new DateOnly(2026, 2, 1), Earlier),
                new SeatChange(releasedSeat, true, new DateOnly(2026, 2, 1), Earlier),
                new SeatChange(releasedSeat, false, new DateOnly(2026, 11, 9), Earlier.AddDays(69)),
            ]);

        var draft = InvoiceDraftBuilder.Build(November, Buyer("FR", "FR12987654321"), [chatGpt, claude], 15m, NoRate);

        Assert.That(draft.Lines.Select(l => (l.ProductGroup, l.PeriodStart.Day, l.PeriodEnd.Day, l.Quantity, l.UnitPriceExclVat, l.NetAmount)), Is.EqualTo(new[]
        {
            ("Anthropic", 1, 9, 3m, 34.50m, 31.05m),    // 3 × 34.50 × 9/30
            ("Anthropic", 10, 30, 2m, 34.50m, 48.30m),  // 2 × 34.50 × 21/30
            ("OpenAI", 1, 16, 10m, 27.50m, 146.67m),    // 10 × 27.50 × 16/30 = 146.666…
            ("OpenAI", 17, 30, 11m, 27.50m, 141.17m),   // 11 × 27.50 × 14/30 = 141.166…
        }));
        Assert.That(draft.Lines.Select(l => l.LineNumber), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        Assert.That(draft.Lines[3].Description, Does.Contain("17/11/2026").And.Contain("prorata 14/30"));
        // 367.19 × 20 % = 73.438 → 73.44
        Assert.That((draft.Totals.TotalExclVat, draft.Totals.TotalVat, draft.Totals.TotalInclVat), Is.EqualTo((367.19m, 73.44m, 440.63m)));
    }
}
