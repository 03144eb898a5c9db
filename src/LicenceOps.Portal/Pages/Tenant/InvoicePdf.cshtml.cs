using LicenceOps.Portal.Api;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Tenant;

/// <summary>The issued document exactly as the Billing API serves it, under the portal's cookie.</summary>
public sealed class InvoicePdfModel : TenantPageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid InvoiceId { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var file = await Api.GetFileAsync(ApiModule.Billing, $"api/tenants/{TenantId}/invoices/{InvoiceId}/pdf", ct);
        return File(file.Content, file.ContentType, file.FileName);
    }
}
