using LicenceOps.Portal.Api;
using LicenceOps.Portal.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Tenant;

/// <summary>The company's invoices and credit notes with their PDFs; billing staff also see and issue drafts.</summary>
public sealed class InvoicesModel : TenantPageModel
{
    public Paged<InvoiceDto> Invoices { get; private set; } = null!;

    public DateOnly Day { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        Day = Today;
        var invoices = await Api.ListAsync<InvoiceDto>(ApiModule.Billing, $"api/tenants/{TenantId}/invoices", ct);
        Invoices = Paged<InvoiceDto>.Of(invoices, Query, PageNumber, PageSize, i => [i.Number, i.Period, Fmt.Month(i.Period), i.Status]);
    }

    public async Task<IActionResult> OnPostIssueAsync(Guid invoiceId, CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        var result = await Api.PostAsync<InvoiceDto>(ApiModule.Billing, $"api/tenants/{TenantId}/invoices/{invoiceId}/issue", null, ct);
        return result.Succeeded
            ? BackToSelf(message: string.Format(T["invoices.issued"], result.Value!.Number))
            : BackToSelf(error: result.Problem!.Message);
    }
}
