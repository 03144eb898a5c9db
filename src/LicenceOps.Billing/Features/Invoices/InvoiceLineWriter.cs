using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Platform.Data;

namespace LicenceOps.Billing.Features.Invoices;

internal static class InvoiceLineWriter
{
    public static Task InsertAsync(UnitOfWork uow, Guid invoiceId, DraftLine line, int? creditedLineNumber) =>
        uow.ExecuteAsync(
            """
            INSERT INTO invoice_lines (invoice_id, line_number, subscription_id, product_group, description, period_start,
                period_end, quantity, unit, unit_price_excl_vat, vat_category, vat_rate, net_amount, credited_line_number)
            VALUES (@invoiceId, @LineNumber, @SubscriptionId, @ProductGroup, @Description, @PeriodStart,
                @PeriodEnd, @Quantity, @Unit, @UnitPriceExclVat, @VatCategory, @VatRate, @NetAmount, @creditedLineNumber)
            """,
            new
            {
                invoiceId,
                line.LineNumber,
                line.SubscriptionId,
                line.ProductGroup,
                line.Description,
                line.PeriodStart,
                line.PeriodEnd,
                line.Quantity,
                line.Unit,
                line.UnitPriceExclVat,
                line.VatCategory,
                line.VatRate,
                line.NetAmount,
                creditedLineNumber,
            });
}
