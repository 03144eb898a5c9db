using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Billing.Features.Payments;

public sealed record PaymentForReview(
    Guid InvoiceId, Guid TenantId, string? InvoiceNumber, string PaymentIntentId, decimal Amount, string Currency, decimal AmountDue,
    string Outcome, DateTimeOffset ReceivedAt);

/// <summary>GET /api/billing/payments/review: partial and mismatched payments the webhook could not settle an invoice with.</summary>
internal static class PaymentReviewEndpoints
{
    public static void MapPaymentReviewEndpoints(this IEndpointRouteBuilder api) =>
        api.MapGet("/billing/payments/review", ListAsync).RequireAuthorization(Policies.Billing)
            .WithSummary("Payments received with another amount or currency than the invoice's, oldest first, for staff to settle.");

    /// <summary>Oldest first; the table's key (PaymentIntent id, invoice id) breaks ties.</summary>
    private static readonly Keyset<PaymentForReview> OldestFirst = new("payments-review",
        SortKey.Asc<PaymentForReview>("p.received_at", p => p.ReceivedAt), SortKey.Asc<PaymentForReview>("p.payment_intent_id", p => p.PaymentIntentId),
        SortKey.Asc<PaymentForReview>("p.invoice_id", p => p.InvoiceId));

    private static async Task<Ok<Page<PaymentForReview>>> ListAsync(PageRequest page, ModuleDatabase<BillingModule> database, CancellationToken ct) =>
        TypedResults.Ok(await OldestFirst.ReadAsync(database,
            """
            SELECT p.invoice_id AS InvoiceId, p.tenant_id AS TenantId, i.number AS InvoiceNumber, p.payment_intent_id AS PaymentIntentId,
                p.amount AS Amount, p.currency AS Currency, p.amount_due AS AmountDue, p.outcome AS Outcome, p.received_at AS ReceivedAt
            FROM invoice_payments p JOIN invoices i ON i.id = p.invoice_id
            """,
            "p.review_status = 'open'", null, page, ct));
}
