using LicenceOps.Portal.Api;
using LicenceOps.Portal.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Staff;

/// <summary>The manual connector's to-do list across tenants: do it in the vendor's console, then confirm here.</summary>
public sealed class TasksModel : PortalPageModel
{
    public sealed record TaskRow(TenantDto Tenant, ManualTaskDto Task, string Person);

    public Paged<TaskRow> Tasks { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var tenants = await Api.ListAsync<TenantDto>(ApiModule.Tenants, "api/tenants", ct);
        var perTenant = await ForEachAsync(tenants, async tenant =>
        {
            var tasks = await Api.ListAsync<ManualTaskDto>(ApiModule.Seats, $"api/tenants/{tenant.Id}/manual-tasks?status=open", ct);
            if (tasks.Count == 0)
            {
                return [];
            }

            var people = (await Api.ListAsync<PersonDto>(ApiModule.Tenants, $"api/tenants/{tenant.Id}/people", ct)).ToDictionary(p => p.Id);
            return tasks.Select(t => new TaskRow(tenant, t,
                people.TryGetValue(t.PersonId, out var p) ? $"{p.DisplayName} ({p.Email})" : t.PersonId.ToString())).ToList();
        });

        var rows = perTenant.SelectMany(r => r).OrderBy(r => r.Task.CreatedAt);
        Tasks = Paged<TaskRow>.Of(rows, Query, PageNumber, PageSize,
            r => [r.Tenant.LegalName, r.Person, r.Task.VendorCode, r.Task.Action, r.Task.Instructions]);
    }

    public async Task<IActionResult> OnPostConfirmAsync(Guid tenantId, Guid taskId, CancellationToken ct)
    {
        var result = await Api.PostAsync<ManualTaskDto>(ApiModule.Seats, $"api/tenants/{tenantId}/manual-tasks/{taskId}/confirm", null, ct);
        Flash = result.Succeeded ? T["tasks.confirmed"] : null;
        FlashError = result.Succeeded ? null : result.Problem!.Message;
        return Redirect(Request.Path);
    }
}
