using LicenceOps.Portal.Api;
using LicenceOps.Portal.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Tenant;

/// <summary>
/// Seats per product and per person. Staff administer them here (assign a free seat, release one); the Seats API
/// decides whether each action is allowed, so a client sees the list without the buttons and could not use them anyway.
/// </summary>
public sealed class SeatsModel : TenantPageModel
{
    [BindProperty(SupportsGet = true)]
    public bool ShowReleased { get; set; }

    public IReadOnlyList<SubscriptionDto> Subscriptions { get; private set; } = [];

    public IReadOnlyList<PersonDto> AssignablePeople { get; private set; } = [];

    public Paged<SeatDto> Seats { get; private set; } = null!;

    public IReadOnlyDictionary<Guid, string> ProductNames { get; private set; } = new Dictionary<Guid, string>();

    [BindProperty]
    public Guid? AssignSubscriptionId { get; set; }

    [BindProperty]
    public Guid? AssignPersonId { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAssignAsync(CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        var result = await Api.PostAsync<SeatDto>(ApiModule.Seats, $"api/tenants/{TenantId}/seats",
            new { subscriptionId = AssignSubscriptionId, personId = AssignPersonId, reason = "assigned from the portal" }, ct);
        if (!result.Succeeded)
        {
            return BackToSelf(error: result.Problem!.Message);
        }

        return BackToSelf(message: string.Format(T["seats.assigned"], result.Value!.PersonEmail, result.Value.PlanCode));
    }

    public async Task<IActionResult> OnPostReleaseAsync(Guid seatId, CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        var result = await Api.PostAsync<SeatDto>(ApiModule.Seats, $"api/tenants/{TenantId}/seats/{seatId}/unassign",
            new { reason = "released from the portal" }, ct);
        return result.Succeeded
            ? BackToSelf(message: string.Format(T["seats.released"], result.Value!.PersonEmail, result.Value.PlanCode))
            : BackToSelf(error: result.Problem!.Message);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        Subscriptions = await Api.ListAsync<SubscriptionDto>(ApiModule.Seats, $"api/tenants/{TenantId}/subscriptions", ct);
        ProductNames = Subscriptions.ToDictionary(s => s.Id, s => s.PlanName);
        var seats = await Api.ListAsync<SeatDto>(ApiModule.Seats, $"api/tenants/{TenantId}/seats", ct);
        if (Me.IsStaff)
        {
            AssignablePeople = (await Api.ListAsync<PersonDto>(ApiModule.Tenants, $"api/tenants/{TenantId}/people", ct))
                .Where(p => p.Status is "joining" or "active")
                .OrderBy(p => p.DisplayName, StringComparer.CurrentCulture)
                .ToList();
        }

        var shown = seats
            .Where(s => ShowReleased || !s.IsReleased)
            .OrderBy(s => s.PersonEmail, StringComparer.OrdinalIgnoreCase)
            .ThenBy(s => s.PlanCode, StringComparer.Ordinal);
        Seats = Paged<SeatDto>.Of(shown, Query, PageNumber, PageSize,
            s => [s.PersonEmail, s.PlanCode, ProductNames.GetValueOrDefault(s.SubscriptionId), s.Status]);
    }
}
