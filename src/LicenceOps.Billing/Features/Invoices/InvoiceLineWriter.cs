using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Billing.Features.Pricing;
using LicenceOps.Platform.Data;

namespace LicenceOps.Billing.Features.Invoices;

/// <summary>One line to store: the document it belongs to, the line, and the invoice line a credit note line gives back.</summary>
internal sealed record LineToInsert(Guid InvoiceId, DraftLine Line, int? CreditedLineNumber = null);

/// <summary>
/// Writes invoice and credit-note lines, and the exchange rates a document used. A whole invoice run batch's lines go in
/// one statement on SQLite (<c>jsonb_each</c>, ADR 0042, see <see cref="JsonRows"/>): a statement per line costs its
/// compilation, its data-version trigger's and a native round trip each. SQL Server executes the one-row insert per line.
/// </summary>
internal static class InvoiceLineWriter
{
    private const string Columns = """
        INSERT INTO invoice_lines (invoice_id, line_number, subscription_id, product_group, description, period_start,
            period_end, quantity, unit, unit_price_excl_vat, vat_category, vat_rate, net_amount, credited_line_number)
        """;

    public static async Task InsertAsync(UnitOfWork uow, IReadOnlyList<LineToInsert> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }
        if (uow.Dialect == SqlDialect.Sqlite)
        {
            var rows = new JsonRows();
            foreach (var (invoiceId, l, credited) in lines)
            {
                rows.Row().Add(invoiceId).Add(l.LineNumber).Add(l.SubscriptionId).Add(l.ProductGroup).Add(l.Description).Add(l.PeriodStart)
                    .Add(l.PeriodEnd).Add(l.Quantity).Add(l.Unit).Add(l.UnitPriceExclVat).Add(l.VatCategory).Add(l.VatRate).Add(l.NetAmount)
                    .Add(credited);
            }
            await uow.ExecuteRowsAsync(Columns + """
                SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                    value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13
                FROM jsonb_each(CAST(@rows AS TEXT))
                """, rows);
            return;
        }
        await uow.ExecuteAsync(SqlServerLinesSql, lines.Select(x => new
            {
                x.InvoiceId, x.Line.LineNumber, x.Line.SubscriptionId, x.Line.ProductGroup, x.Line.Description, x.Line.PeriodStart,
                x.Line.PeriodEnd, x.Line.Quantity, x.Line.Unit, x.Line.UnitPriceExclVat, x.Line.VatCategory, x.Line.VatRate,
                x.Line.NetAmount, x.CreditedLineNumber,
            }).ToList());
    }

    /// <summary>The ECB quotes each new invoice was priced at (one statement on SQLite, one insert per rate on SQL Server).</summary>
    public static async Task InsertRatesAsync(UnitOfWork uow, IReadOnlyList<(Guid InvoiceId, EcbRateQuote Rate)> rates)
    {
        if (rates.Count == 0)
        {
            return;
        }
        if (uow.Dialect == SqlDialect.Sqlite)
        {
            var rows = new JsonRows();
            foreach (var (invoiceId, rate) in rates)
            {
                rows.Row().Add(invoiceId).Add(rate.Currency).Add(rate.UnitsPerEuro).Add(rate.RateDate);
            }
            await uow.ExecuteRowsAsync(
                """
                INSERT INTO invoice_exchange_rates (invoice_id, currency, units_per_euro, rate_date)
                SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM jsonb_each(CAST(@rows AS TEXT))
                """, rows);
            return;
        }
        await uow.ExecuteAsync(SqlServerRatesSql, rates.Select(r => new { r.InvoiceId, r.Rate.Currency, r.Rate.UnitsPerEuro, r.Rate.RateDate }).ToList());
    }

    private const string SqlServerLinesSql = Columns + """
        VALUES (@InvoiceId, @LineNumber, @SubscriptionId, @ProductGroup, @Description, @PeriodStart,
            @PeriodEnd, @Quantity, @Unit, @UnitPriceExclVat, @VatCategory, @VatRate, @NetAmount, @CreditedLineNumber)
        """;

    private const string SqlServerRatesSql =
        "INSERT INTO invoice_exchange_rates (invoice_id, currency, units_per_euro, rate_date) VALUES (@InvoiceId, @Currency, @UnitsPerEuro, @RateDate)";

    /// <summary>What runs on SQL Server, for the T-SQL parse test (no SQL Server runs here).</summary>
    internal static IReadOnlyList<string> SqlServerStatements => [SqlServerLinesSql, SqlServerRatesSql];
}
