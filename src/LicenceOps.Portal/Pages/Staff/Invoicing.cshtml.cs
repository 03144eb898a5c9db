using System.Globalization;
using LicenceOps.Portal.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Staff;

/// <summary>
/// Invoice runs: queue the invoicing of a past month for every tenant (the Billing API's background run, safe to
/// repeat), optionally issuing the drafts at once, and follow its progress on ?run=id (a refresh link rather than an
/// automatic reload, which would move screen-reader users); the recent runs; then the drafts still waiting for review, per tenant.
/// </summary>
public sealed class InvoicingModel : PortalPageModel
{
    public sealed record TenantDrafts(TenantDto Tenant, IReadOnlyList<InvoiceDto> Drafts);

    [BindProperty]
    public string? Period { get; set; }

    [BindProperty]
    public bool Issue { get; set; }

    /// <summary>The run being followed (?run=id), if any.</summary>
    public InvoiceRunDto? Result { get; private set; }

    public IReadOnlyList<InvoiceRunSummaryDto> RecentRuns { get; private set; } = [];

    public IReadOnlyDictionary<Guid, string> TenantNames { get; private set; } = new Dictionary<Guid, string>();

    public IReadOnlyList<TenantDrafts> Drafts { get; private set; } = [];

    public async Task OnGetAsync(Guid? run, CancellationToken ct)
    {
        Period ??= Today.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (run is { } runId)
        {
            Result = await Api.GetAsync<InvoiceRunDto>(ApiModule.Billing, $"api/billing/runs/{runId}", ct);
        }
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await Api.PostAsync<InvoiceRunDto>(ApiModule.Billing, "api/billing/runs", new { period = Period, issue = Issue }, ct);
        if (result.Succeeded)
        {
            // The run works in the background: follow it on its own URL (reloadable, shareable).
            return Redirect($"{Request.Path}?run={result.Value!.Id}");
        }
        else
        {
            foreach (var (field, messages) in result.Problem!.Errors)
            {
                foreach (var message in messages)
                {
                    ModelState.AddModelError(field, message);
                }
            }

            if (result.Problem.Errors.Count == 0)
            {
                ModelState.AddModelError(string.Empty, result.Problem.Message);
            }

            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        RecentRuns = (await Api.GetAsync<CursorPage<InvoiceRunSummaryDto>>(ApiModule.Billing, "api/billing/runs?limit=5", ct)).Items;
        var tenants = (await Api.ListAsync<TenantDto>(ApiModule.Tenants, "api/tenants", ct))
            .OrderBy(t => t.LegalName, StringComparer.CurrentCulture).ToList();
        TenantNames = tenants.ToDictionary(t => t.Id, t => t.LegalName);
        Drafts = (await ForEachAsync(tenants, async tenant => new TenantDrafts(tenant,
                (await Api.ListAsync<InvoiceDto>(ApiModule.Billing, $"api/tenants/{tenant.Id}/invoices", ct)).Where(i => i.IsDraft).ToList())))
            .Where(d => d.Drafts.Count > 0)
            .ToList();
    }
}
