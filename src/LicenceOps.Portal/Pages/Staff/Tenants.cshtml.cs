using LicenceOps.Portal.Api;
using LicenceOps.Portal.Paging;

namespace LicenceOps.Portal.Pages.Staff;

/// <summary>
/// Every client company with its health: overdue invoices (Billing), open findings with their monthly euros,
/// transfers needing attention or running, open manual tasks and pending seat requests (Seats). Health is read only for the tenants on the current page.
/// </summary>
public sealed class TenantsModel : PortalPageModel
{
    public sealed record TenantHealth(
        TenantDto Tenant, int OverdueInvoices, decimal OverdueAmount, int TransfersNeedingAttention, int TransfersRunning,
        int OpenTasks, int PendingRequests, int OpenFindings, decimal FindingsMonthlyEur)
    {
        public bool Healthy => OverdueInvoices == 0 && TransfersNeedingAttention == 0;
    }

    public Paged<TenantDto> Tenants { get; private set; } = null!;

    public IReadOnlyList<TenantHealth> Health { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var tenants = (await Api.ListAsync<TenantDto>(ApiModule.Tenants, "api/tenants", ct))
            .OrderBy(t => t.LegalName, StringComparer.CurrentCulture);
        Tenants = Paged<TenantDto>.Of(tenants, Query, PageNumber, PageSize, t => [t.LegalName, t.BillingEmail, t.CountryCode, t.Status]);
        var today = Today;
        Health = await ForEachAsync(Tenants.Items, async tenant =>
        {
            var invoices = await Api.ListAsync<InvoiceDto>(ApiModule.Billing, $"api/tenants/{tenant.Id}/invoices", ct);
            var transfers = await Api.ListAsync<TransferDto>(ApiModule.Seats, $"api/tenants/{tenant.Id}/transfers", ct);
            var tasks = await Api.ListAsync<ManualTaskDto>(ApiModule.Seats, $"api/tenants/{tenant.Id}/manual-tasks?status=open", ct);
            var requests = await Api.ListAsync<SeatRequestDto>(ApiModule.Seats, $"api/tenants/{tenant.Id}/seat-requests?status=pending", ct);
            var findings = await Api.ListAsync<FindingDto>(ApiModule.Seats, $"api/tenants/{tenant.Id}/findings?status=open", ct);
            var overdue = invoices.Where(i => i.IsOverdue(today)).ToList();
            return new TenantHealth(
                tenant, overdue.Count, overdue.Sum(i => i.TotalInclVat),
                transfers.Count(t => t.NeedsAttention), transfers.Count(t => t.Status == "running"), tasks.Count, requests.Count,
                findings.Count, findings.Sum(f => f.MonthlyEffectEur));
        });
    }
}
