using LicenceOps.Billing;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Billing.Features.Runs;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;

namespace LicenceOps.IntegrationTests.Billing.Stripe;

/// <summary>Creates a real issued invoice: Billing's read models for a new tenant, then the monthly run.</summary>
internal static class IssuedInvoices
{
    public static readonly BillingPeriod October = new(2026, 10);

    /// <param name="usdListPrice">When set, adds a ChatGPT-style subscription priced in USD and the ECB rate 1,0842 on the period's last day.</param>
    public static async Task<InvoiceRow> CreateAsync(LicenceOpsFactory factory, int seats, decimal eurPerSeat, decimal? usdListPrice = null)
    {
        var tenantId = Guid.NewGuid();
        var at = factory.Clock.GetUtcNow();
        await factory.Service<ModuleDatabase<BillingModule>>().WriteAsync(async uow =>
        {
            await uow.ExecuteAsync(
                """
                INSERT INTO billing_tenants (tenant_id, legal_name, siren, siret, vat_number, country_code, address_line1,
                    address_line2, postal_code, city, billing_email, status, profile_at)
                VALUES (@tenantId, @name, '552100554', NULL, 'FR40552100554', 'FR', '8 avenue des Ternes', NULL, '75017', 'Paris',
                    'compta@acme-conseil.fr', 'active', @at)
                """,
                new { tenantId, name = $"Client {tenantId:N}"[..20], at });
            await uow.ExecuteAsync(
                """
                INSERT INTO subscription_terms (subscription_id, tenant_id, vendor_name, plan_code, plan_name, committed_quantity,
                    effective_date, term_start, renewal_date, billing_cycle, list_price, list_price_currency,
                    list_price_includes_vat, sale_price_per_seat_eur, occurred_at)
                VALUES (@subscriptionId, @tenantId, 'OpenAI', 'chatgpt-business', 'ChatGPT Business', @seats,
                    @start, @start, @renewal, 'monthly', @price, 'EUR', 0, @price, @at)
                """,
                new
                {
                    subscriptionId = Guid.NewGuid(), tenantId, seats, start = October.Start, renewal = October.Start.AddYears(1),
                    price = eurPerSeat, at,
                });
            if (usdListPrice is { } usd)
            {
                await uow.ExecuteAsync(
                    """
                    INSERT INTO subscription_terms (subscription_id, tenant_id, vendor_name, plan_code, plan_name, committed_quantity,
                        effective_date, term_start, renewal_date, billing_cycle, list_price, list_price_currency,
                        list_price_includes_vat, sale_price_per_seat_eur, occurred_at)
                    VALUES (@subscriptionId, @tenantId, 'Anthropic', 'claude-team', 'Claude Team', 4,
                        @start, @start, @renewal, 'monthly', @usd, 'USD', 0, NULL, @at)
                    """,
                    new { subscriptionId = Guid.NewGuid(), tenantId, start = October.Start, renewal = October.Start.AddYears(1), usd, at });
                await uow.ExecuteAsync(
                    """
                    INSERT INTO exchange_rates (currency, rate_date, units_per_euro, source, loaded_at)
                    SELECT 'USD', @date, @rate, 'test', @at
                    WHERE NOT EXISTS (SELECT 1 FROM exchange_rates WHERE currency = 'USD' AND rate_date = @date)
                    """,
                    new { date = October.End, rate = 1.0842m, at });
            }
        });

        await factory.Service<InvoiceRunner>().RunAsync(October, issue: true, CancellationToken.None);
        return await FindAsync(factory, tenantId);
    }

    public static async Task<InvoiceRow> FindAsync(LicenceOpsFactory factory, Guid tenantId) =>
        (await factory.Service<ModuleDatabase<BillingModule>>().QuerySingleOrDefaultAsync<InvoiceRow>(
            $"SELECT {InvoiceRow.Columns} FROM invoices WHERE tenant_id = @tenantId AND kind = 'invoice'", new { tenantId }))
        ?? throw new InvalidOperationException("The run did not invoice the seeded tenant.");
}
