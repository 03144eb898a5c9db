using LicenceOps.Billing;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Platform.Data;

namespace LicenceOps.Bench;

/// <summary>
/// Writes Billing's read models directly (what the Tenants and Seats events would have delivered):
/// French, German (reverse charge) and US tenants; EUR sale prices and USD list prices; committed
/// quantities with seats assigned and released mid-month so pro-rata lines appear.
/// </summary>
internal static class BenchSeed
{
    private static readonly (string Vendor, string Code, string Name, decimal Price, string Currency, decimal? SaleEur)[] Plans =
    [
        ("OpenAI", "chatgpt-business", "ChatGPT Business", 30m, "USD", null),
        ("Anthropic", "claude-team", "Claude Team", 25m, "USD", null),
        ("Microsoft", "m365-copilot", "Microsoft 365 Copilot", 28.10m, "EUR", 32.50m),
        ("Google", "gemini-business", "Gemini for Google Workspace", 21.90m, "EUR", null),
        ("Perplexity", "perplexity-ent", "Perplexity Enterprise Pro", 40m, "USD", 45m),
    ];

    public static async Task SeedAsync(ModuleDatabase<BillingModule> db, BillingPeriod period, int tenants, int subscriptionsPerTenant, DateTimeOffset at)
    {
        var random = new Random(20261123);
        await db.WriteAsync(async uow =>
        {
            // ECB rate on the period's last day (and the business day before, should it fall on a weekend).
            for (var d = 0; d < 5; d++)
            {
                await uow.ExecuteAsync(
                    "INSERT INTO exchange_rates (currency, rate_date, units_per_euro, source, loaded_at) VALUES ('USD', @date, @rate, 'bench', @at)",
                    new { date = period.End.AddDays(-d), rate = 1.0842m, at });
            }

            for (var t = 0; t < tenants; t++)
            {
                // Ids as the product makes them (ADR 0045: version 7, time-ordered; Billing's copies carry the Tenants and Seats
                // modules' ids), so a tenant's rows sit together in the indexes keyed by tenant, subscription or seat, as in a database
                // the product wrote. Random ids (the seed until session 17) spread them over every such index.
                var tenantId = RowIds.New();
                var (country, vat) = (t % 20) switch
                {
                    < 16 => ("FR", $"FR{t % 100:00}{552100000 + t}"),
                    < 19 => ("DE", $"DE{123400000 + t}"),
                    _ => ("US", (string?)null),
                };
                await uow.ExecuteAsync(
                    """
                    INSERT INTO billing_tenants (tenant_id, legal_name, siren, siret, vat_number, country_code, address_line1,
                        address_line2, postal_code, city, billing_email, status, profile_at)
                    VALUES (@tenantId, @name, @siren, NULL, @vat, @country, @street, NULL, '75017', 'Paris', @email, 'active', @at)
                    """,
                    new
                    {
                        tenantId, name = $"Client Bench {t + 1:0000} SAS", siren = country == "FR" ? $"{552100000 + t}" : null,
                        vat, country, street = $"{t % 120 + 1} avenue des Ternes", email = $"compta{t}@bench.example", at,
                    });

                for (var s = 0; s < subscriptionsPerTenant; s++)
                {
                    var plan = Plans[(t + s) % Plans.Length];
                    var subscriptionId = RowIds.New();
                    var committed = random.Next(5, 60);
                    await uow.ExecuteAsync(
                        """
                        INSERT INTO subscription_terms (subscription_id, tenant_id, vendor_name, plan_code, plan_name, committed_quantity,
                            effective_date, term_start, renewal_date, billing_cycle, list_price, list_price_currency,
                            list_price_includes_vat, sale_price_per_seat_eur, occurred_at)
                        VALUES (@subscriptionId, @tenantId, @Vendor, @Code, @Name, @committed, @start, @start, @renewal, 'monthly',
                            @Price, @Currency, 0, @SaleEur, @at)
                        """,
                        new
                        {
                            subscriptionId, tenantId, plan.Vendor, plan.Code, plan.Name, committed,
                            start = period.Start.AddMonths(-2), renewal = period.Start.AddMonths(10), plan.Price, plan.Currency, plan.SaleEur, at,
                        });

                    // Extra seats beyond the commitment, assigned mid-month and some released before the end: pro-rata lines.
                    var extra = random.Next(0, 6);
                    for (var seat = 0; seat < committed + extra; seat++)
                    {
                        var seatId = RowIds.New();
                        var assignedOn = seat < committed ? period.Start.AddMonths(-1) : period.Start.AddDays(random.Next(3, 20));
                        await SeatAsync(uow, seatId, tenantId, subscriptionId, assigned: true, assignedOn, at);
                        if (seat >= committed && random.Next(3) == 0)
                        {
                            await SeatAsync(uow, seatId, tenantId, subscriptionId, assigned: false, assignedOn.AddDays(5), at);
                        }
                    }
                }
            }
        });
    }

    private static Task<int> SeatAsync(UnitOfWork uow, Guid seatId, Guid tenantId, Guid subscriptionId, bool assigned, DateOnly on, DateTimeOffset at) =>
        uow.ExecuteAsync(
            """
            INSERT INTO seat_changes (seat_id, tenant_id, subscription_id, assigned, effective_date, occurred_at)
            VALUES (@seatId, @tenantId, @subscriptionId, @assigned, @on, @at)
            """,
            new { seatId, tenantId, subscriptionId, assigned, on, at });
}
