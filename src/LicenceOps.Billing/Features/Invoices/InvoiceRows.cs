using System.Text.Json;
using LicenceOps.Billing.Features.Invoicing;

namespace LicenceOps.Billing.Features.Invoices;

/// <summary>An invoice or credit note as stored (table invoices).</summary>
public sealed class InvoiceRow
{
    public const string Columns = """
        id AS Id, tenant_id AS TenantId, kind AS Kind, period AS Period, period_start AS PeriodStart,
        period_end AS PeriodEnd, status AS Status, number AS Number, issue_date AS IssueDate, due_date AS DueDate,
        credited_invoice_id AS CreditedInvoiceId, credit_reason AS CreditReason, vat_category AS VatCategory,
        vat_rate AS VatRate, vat_exemption_reason AS VatExemptionReason, buyer_json AS BuyerJson,
        seller_json AS SellerJson, total_excl_vat AS TotalExclVat, total_vat AS TotalVat,
        total_incl_vat AS TotalInclVat, currency AS Currency, created_at AS CreatedAt, issued_at AS IssuedAt,
        paid_at AS PaidAt, amount_paid AS AmountPaid, payment_customer_id AS PaymentCustomerId,
        payment_intent_id AS PaymentIntentId, payment_requested_at AS PaymentRequestedAt
        """;

    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public string Kind { get; set; } = "";
    public string Period { get; set; } = "";
    public DateOnly PeriodStart { get; set; }
    public DateOnly PeriodEnd { get; set; }
    public string Status { get; set; } = "";
    public string? Number { get; set; }
    public DateOnly? IssueDate { get; set; }
    public DateOnly? DueDate { get; set; }
    public Guid? CreditedInvoiceId { get; set; }
    public string? CreditReason { get; set; }
    public string VatCategory { get; set; } = "";
    public decimal VatRate { get; set; }
    public string? VatExemptionReason { get; set; }
    public string BuyerJson { get; set; } = "";
    public string SellerJson { get; set; } = "";
    public decimal TotalExclVat { get; set; }
    public decimal TotalVat { get; set; }
    public decimal TotalInclVat { get; set; }
    public string Currency { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? IssuedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public decimal? AmountPaid { get; set; }
    public string? PaymentCustomerId { get; set; }
    public string? PaymentIntentId { get; set; }
    public DateTimeOffset? PaymentRequestedAt { get; set; }

    public BuyerProfile Buyer => JsonSerializer.Deserialize<BuyerProfile>(BuyerJson, SnapshotJson.Options)!;
    public SellerSnapshot Seller => JsonSerializer.Deserialize<SellerSnapshot>(SellerJson, SnapshotJson.Options)!;
}

public sealed class InvoiceLineRow
{
    public const string Columns = """
        invoice_id AS InvoiceId, line_number AS LineNumber, subscription_id AS SubscriptionId,
        product_group AS ProductGroup, description AS Description, period_start AS PeriodStart,
        period_end AS PeriodEnd, quantity AS Quantity, unit AS Unit, unit_price_excl_vat AS UnitPriceExclVat,
        vat_category AS VatCategory, vat_rate AS VatRate, net_amount AS NetAmount,
        credited_line_number AS CreditedLineNumber
        """;

    public Guid InvoiceId { get; set; }
    public int LineNumber { get; set; }
    public Guid? SubscriptionId { get; set; }
    public string ProductGroup { get; set; } = "";
    public string Description { get; set; } = "";
    public DateOnly PeriodStart { get; set; }
    public DateOnly PeriodEnd { get; set; }
    public decimal Quantity { get; set; }
    public string Unit { get; set; } = "";
    public decimal UnitPriceExclVat { get; set; }
    public string VatCategory { get; set; } = "";
    public decimal VatRate { get; set; }
    public decimal NetAmount { get; set; }
    public int? CreditedLineNumber { get; set; }
}

public sealed class InvoiceRateRow
{
    public const string Columns = "invoice_id AS InvoiceId, currency AS Currency, units_per_euro AS UnitsPerEuro, rate_date AS RateDate";

    public Guid InvoiceId { get; set; }
    public string Currency { get; set; } = "";
    public decimal UnitsPerEuro { get; set; }
    public DateOnly RateDate { get; set; }
}

public static class InvoiceStatuses
{
    public const string Draft = "draft";
    public const string Issued = "issued";
    public const string Paid = "paid";
    public const string Overdue = "overdue";
}

public static class SnapshotJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
