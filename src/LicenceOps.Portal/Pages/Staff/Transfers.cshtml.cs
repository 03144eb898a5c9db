using LicenceOps.Portal.Api;
using LicenceOps.Portal.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Staff;

/// <summary>Onboarding, offboarding and department moves still in progress, those needing attention first; staff retry them.</summary>
public sealed class TransfersModel : PortalPageModel
{
    public static IReadOnlyList<string> Statuses { get; } = ["needs_attention", "running"];

    public sealed record TransferRow(TenantDto Tenant, TransferDto Transfer, string Person)
    {
        /// <summary>The step that holds the transfer up, with the vendor's or the workflow's last error.</summary>
        public TransferStepDto? Blocked => Transfer.Steps.FirstOrDefault(s => s.Status == "needs_attention")
            ?? Transfer.Steps.FirstOrDefault(s => s.Status is "pending" or "waiting");
    }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public Paged<TransferRow> Transfers { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (Status is not null && !Statuses.Contains(Status))
        {
            Status = null;
        }

        var tenants = await Api.ListAsync<TenantDto>(ApiModule.Tenants, "api/tenants", ct);
        var perTenant = await ForEachAsync(tenants, async tenant =>
        {
            var transfers = new List<TransferDto>();
            foreach (var status in Status is null ? Statuses : [Status])
            {
                transfers.AddRange(await Api.ListAsync<TransferDto>(ApiModule.Seats, $"api/tenants/{tenant.Id}/transfers?status={status}", ct));
            }

            if (transfers.Count == 0)
            {
                return [];
            }

            var people = (await Api.ListAsync<PersonDto>(ApiModule.Tenants, $"api/tenants/{tenant.Id}/people", ct)).ToDictionary(p => p.Id);
            return transfers.Select(t => new TransferRow(tenant, t,
                people.TryGetValue(t.PersonId, out var p) ? $"{p.DisplayName} ({p.Email})" : t.PersonId.ToString())).ToList();
        });

        var rows = perTenant.SelectMany(r => r)
            .OrderBy(r => r.Transfer.NeedsAttention ? 0 : 1)
            .ThenBy(r => r.Transfer.CreatedAt);
        Transfers = Paged<TransferRow>.Of(rows, Query, PageNumber, PageSize,
            r => [r.Tenant.LegalName, r.Person, r.Transfer.Kind, r.Transfer.AttentionReason]);
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid tenantId, Guid transferId, CancellationToken ct)
    {
        var result = await Api.PostAsync<TransferDto>(ApiModule.Seats, $"api/tenants/{tenantId}/transfers/{transferId}/retry", null, ct);
        Flash = result.Succeeded ? T["transfers.retried"] : null;
        FlashError = result.Succeeded ? null : result.Problem!.Message;
        return Redirect(Request.Path);
    }
}
