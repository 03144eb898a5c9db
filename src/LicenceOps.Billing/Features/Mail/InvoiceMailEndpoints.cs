using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Mail;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Billing.Features.Mail;

/// <summary>GET /api/tenants/{tenantId}/invoices/{invoiceId}/mail: whether the invoice and its reminders reached the client.</summary>
internal static class InvoiceMailEndpoints
{
    public static void MapInvoiceMailEndpoints(this IEndpointRouteBuilder api) =>
        api.MapGet("/tenants/{tenantId:guid}/invoices/{invoiceId:guid}/mail", HandleAsync)
            .WithSummary("The e-mails about this invoice (issue, reminders), oldest first, with their delivery status, attempts and last error.");

    private static async Task<Results<Ok<Page<MailDeliveryView>>, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid invoiceId, PageRequest page, CurrentUser user, InvoiceStore store, ModuleDatabase<BillingModule> database, CancellationToken ct)
    {
        var invoice = user.CanAccessTenant(tenantId) ? await store.FindAsync(tenantId, invoiceId, ct) : null;
        if (invoice is null || (!user.IsStaff && invoice.Status == InvoiceStatuses.Draft))
        {
            return Problems.NotFound($"No invoice {invoiceId} for tenant {tenantId}.");
        }

        return TypedResults.Ok(await MailLog.PageForSubjectAsync(database, InvoiceMail.SubjectType, invoiceId, page, ct));
    }
}
