using LicenceOps.Portal.Api;
using LicenceOps.Portal.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Tenant;

/// <summary>
/// Seat requests: a client admin asks for a seat for a person; staff approve (the seat is assigned, one is added if
/// none is free) or reject with a reason. The Seats API owns every one of those rules.
/// </summary>
public sealed class SeatRequestsModel : TenantPageModel
{
    public IReadOnlyList<SubscriptionDto> Subscriptions { get; private set; } = [];

    public IReadOnlyList<PersonDto> People { get; private set; } = [];

    public Paged<SeatRequestDto> Requests { get; private set; } = null!;

    [BindProperty]
    public Guid? SubscriptionId { get; set; }

    [BindProperty]
    public Guid? PersonId { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    public string PersonName(Guid id) => People.FirstOrDefault(p => p.Id == id) is { } p ? $"{p.DisplayName} ({p.Email})" : id.ToString();

    public string ProductName(Guid id) => Subscriptions.FirstOrDefault(s => s.Id == id)?.PlanName ?? id.ToString();

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostRequestAsync(CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        var result = await Api.PostAsync<SeatRequestDto>(ApiModule.Seats, $"api/tenants/{TenantId}/seat-requests",
            new { subscriptionId = SubscriptionId, personId = PersonId, note = string.IsNullOrWhiteSpace(Note) ? null : Note.Trim() }, ct);
        if (result.Succeeded)
        {
            return BackToSelf(message: T["requests.sent"]);
        }

        ShowProblem(result.Problem!);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostApproveAsync(Guid requestId, CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        var result = await Api.PostAsync<SeatRequestDto>(ApiModule.Seats, $"api/tenants/{TenantId}/seat-requests/{requestId}/approve", new { }, ct);
        return result.Succeeded ? BackToSelf(message: T["requests.approved"]) : BackToSelf(error: result.Problem!.Message);
    }

    public async Task<IActionResult> OnPostRejectAsync(Guid requestId, string? reason, CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        var result = await Api.PostAsync<SeatRequestDto>(ApiModule.Seats, $"api/tenants/{TenantId}/seat-requests/{requestId}/reject", new { reason }, ct);
        return result.Succeeded ? BackToSelf(message: T["requests.rejected"]) : BackToSelf(error: result.Problem!.Message);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        if (Tenant is null)
        {
            await LoadTenantAsync(ct);
        }

        Subscriptions = await Api.ListAsync<SubscriptionDto>(ApiModule.Seats, $"api/tenants/{TenantId}/subscriptions", ct);
        People = (await Api.ListAsync<PersonDto>(ApiModule.Tenants, $"api/tenants/{TenantId}/people", ct))
            .OrderBy(p => p.DisplayName, StringComparer.CurrentCulture)
            .ToList();
        var requests = (await Api.ListAsync<SeatRequestDto>(ApiModule.Seats, $"api/tenants/{TenantId}/seat-requests", ct))
            .OrderBy(r => r.Status == "pending" ? 0 : 1)
            .ThenByDescending(r => r.RequestedAt);
        Requests = Paged<SeatRequestDto>.Of(requests, Query, PageNumber, PageSize,
            r => [PersonName(r.PersonId), ProductName(r.SubscriptionId), r.Status, r.Note, r.RequestedBy]);
    }
}
