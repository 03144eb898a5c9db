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
        // The period has its own column: the description stays one short line.
        Assert.That(draft.Lines[3].Description, Is.EqualTo("ChatGPT Team, prorata 14/30 j"));
        // 367.19 × 20 % = 73.438 → 73.44
        Assert.That((draft.Totals.TotalExclVat, draft.Totals.TotalVat, draft.Totals.TotalInclVat), Is.EqualTo((367.19m, 73.44m, 440.63m)));
    }

    private static readonly Guid Copilot = Guid.Parse("33333333-0000-0000-0000-000000000003");
    private static readonly EcbRateQuote UsdJuly8 = new("USD", 1.0163m, new DateOnly(2022, 7, 8));

    private static SubscriptionHistory CopilotAnnual(string frequency, DateOnly termStart, IEnumerable<SeatChange>? seats = null) =>
        new(Copilot,
            [new SubscriptionTermsVersion(Copilot, "Microsoft", "m365-copilot-annual", "Microsoft 365 Copilot (annual commitment)", 15, termStart,
                new PlanPrice("annual", 30m, "USD", false, null, PriceUnits.PerSeatMonth, frequency), Earlier, termStart)],
            (seats ?? []).ToList());

    [Test]
    public void Annual_copilot_billed_monthly_costs_its_monthly_price_not_a_twelfth()
    {
        // 30 USD per user per month (annual commitment) / 1.0163 × 1.15 = 33.9467 € a seat a month; 15 seats.
        var draft = InvoiceDraftBuilder.Build(November, Buyer("FR", null), [CopilotAnnual(BillingFrequencies.Monthly, new DateOnly(2026, 1, 1))], 15m, _ => UsdJuly8);

        var line = draft.Lines.Single();
        Assert.That((line.Quantity, line.Unit, line.UnitPriceExclVat, line.NetAmount), Is.EqualTo((15m, "siège", 33.9467m, 509.20m)));
        Assert.That(line.Description, Is.EqualTo("Microsoft 365 Copilot (annual commitment)"));
    }

    [Test]
    public void Annual_copilot_billed_annually_in_advance_charges_the_year_then_added_seats_until_renewal()
    {
        var termStart = new DateOnly(2026, 11, 1);
        var added = new[]
        {
            new SeatChange(Guid.NewGuid(), true, new DateOnly(2026, 11, 16), Earlier),
            new SeatChange(Guid.NewGuid(), true, new DateOnly(2026, 11, 16), Earlier),
        };
        var seats = Enumerable.Range(0, 15).Select(_ => new SeatChange(Guid.NewGuid(), true, termStart, Earlier)).Concat(added).ToList();
        var subscription = CopilotAnnual(BillingFrequencies.AnnualInAdvance, termStart, seats);

        var november = InvoiceDraftBuilder.Build(November, Buyer("FR", null), [subscription], 15m, _ => UsdJuly8);
        var december = InvoiceDraftBuilder.Build(new BillingPeriod(2026, 12), Buyer("FR", null), [subscription], 15m, _ => UsdJuly8);

        // The year: 15 × 33.9467 × 12 = 15 × 407.3604 = 6,110.41. Two seats from 16/11/2026 to 31/10/2027: 350 of 365 days.
        Assert.That(november.Lines.Select(l => (l.PeriodStart, l.PeriodEnd, l.Quantity, l.Unit, l.UnitPriceExclVat, l.NetAmount)), Is.EqualTo(new[]
        {
            (termStart, new DateOnly(2027, 10, 31), 15m, "siège/an", 407.3604m, 6110.41m),
            (new DateOnly(2026, 11, 16), new DateOnly(2027, 10, 31), 2m, "siège/an", 407.3604m, 781.24m),
        }));
        Assert.That(november.Lines[1].Description, Is.EqualTo("Microsoft 365 Copilot (annual commitment), sièges ajoutés, prorata 350/365 j"));
        Assert.That(december.Lines, Is.Empty, "the year is paid: nothing more until renewal or another seat");
    }

    [Test]
    public void A_quantity_raised_from_the_15th_after_invoicing_is_regularised_once_on_the_next_invoice()
    {
        var october = new BillingPeriod(2026, 10);
        var invoicedAt = new DateTimeOffset(2026, 11, 1, 5, 0, 0, TimeSpan.Zero);
        var price = new PlanPrice("monthly", 25m, "USD", false, 27.50m);
        var raised = new SubscriptionTermsVersion(ChatGpt, "OpenAI", "chatgpt-team", "ChatGPT Team", 12, new DateOnly(2026, 10, 15), price, invoicedAt.AddDays(3));
        var history = ChatGptTeam(10, 0) with
        {
            Terms = [new SubscriptionTermsVersion(ChatGpt, "OpenAI", "chatgpt-team", "ChatGPT Team", 10, new DateOnly(2026, 1, 1), price, Earlier), raised],
        };

        var first = Regularisation.Compute(october, [history], invoicedAt, new Dictionary<Guid, decimal>(), 15m, NoRate);
        var again = Regularisation.Compute(october, [history], invoicedAt, new Dictionary<Guid, decimal> { [ChatGpt] = 30.16m }, 15m, NoRate);
        var draft = InvoiceDraftBuilder.Build(November, Buyer("FR", null), [history], 15m, NoRate, first);

        // 2 more seats × 27.50 × 17/31 days (15 to 31 October) = 30.16.
        var line = first.Single();
        Assert.That((line.Start, line.End, line.Quantity, line.Unit, line.Net), Is.EqualTo((october.Start, october.End, 1, "forfait", 30.16m)));
        Assert.That(line.Description, Does.StartWith("Régularisation 10/2026 : ChatGPT Team"));
        Assert.That(again, Is.Empty, "billed once, never again");
        Assert.That(draft.Lines.Select(l => (l.LineNumber, l.PeriodStart, l.NetAmount)), Is.EqualTo(new[]
        {
            (1, November.Start, 330.00m),  // 12 × 27.50
            (2, october.Start, 30.16m),
        }));
    }
}
