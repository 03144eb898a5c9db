using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Mail;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Billing.Features.Mail;

/// <summary>
/// POST /api/tenants/{tenantId}/invoices/{invoiceId}/mail/{mailId}/resend (billing staff): a failed invoice or reminder
/// mail goes back in the queue once its cause is fixed (billing address corrected, server back). 409 when the mail is
/// not failed (still being retried, or sent).
/// </summary>
internal static class ResendInvoiceMail
{
    public static void MapResendInvoiceMail(this IEndpointRouteBuilder api) =>
        api.MapPost("/tenants/{tenantId:guid}/invoices/{invoiceId:guid}/mail/{mailId:guid}/resend", HandleAsync)
            .RequireAuthorization(Policies.Billing)
            .WithSummary("Queue a failed e-mail about this invoice again (billing staff); 409 unless it failed.");

    private static async Task<Results<Ok<MailDeliveryView>, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid invoiceId, Guid mailId, CurrentUser user, InvoiceStore store, ModuleDatabase<BillingModule> database, CancellationToken ct)
    {
        var invoice = user.CanAccessTenant(tenantId) ? await store.FindAsync(tenantId, invoiceId, ct) : null;
        if (invoice is null)
        {
            return Problems.NotFound($"No invoice {invoiceId} for tenant {tenantId}.");
        }

        var outcome = await database.WriteAsync(uow => MailLog.RequeueFailedAsync(uow, InvoiceMail.SubjectType, invoiceId, mailId, tenantId), ct);
        return outcome switch
        {
            MailResendOutcome.Requeued requeued => TypedResults.Ok(requeued.Mail),
            MailResendOutcome.NotFailed notFailed => Problems.Conflict($"Mail {mailId} is {notFailed.Status}, not failed: there is nothing to resend."),
            _ => Problems.NotFound($"No mail {mailId} about invoice {invoiceId}."),
        };
    }
}
