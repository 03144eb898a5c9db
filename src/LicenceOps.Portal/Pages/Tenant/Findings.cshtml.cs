using LicenceOps.Portal.Api;
using LicenceOps.Portal.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Tenant;

/// <summary>
/// Where the company's AI money is wasted or at risk, largest monthly effect first: inactive and overlapping seats to
/// reclaim, invitations never accepted, members the vendor lists that we do not, personal accounts on company seats.
/// Client admins accept or dismiss (with a reason); staff also reclaim a seat in one click.
/// </summary>
public sealed class FindingsModel : TenantPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; } = "open";

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    public Paged<FindingDto> Findings { get; private set; } = null!;

    /// <summary>The monthly euros at stake in the findings still live (open or accepted): what acting on them saves.</summary>
    public decimal MonthlyAtStake { get; private set; }

    public int LiveCount { get; private set; }

    public FindingTable Table => new(Findings.Items, Me.IsStaff || Me.IsClientAdmin, Me.IsStaff, null);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAcceptAsync(Guid findingId, CancellationToken ct) =>
        Done(await FindingCommands.AcceptAsync(Api, TenantId, findingId, ct), T["findings.accepted"]);

    public async Task<IActionResult> OnPostDismissAsync(Guid findingId, string? reason, CancellationToken ct) =>
        Done(await FindingCommands.DismissAsync(Api, TenantId, findingId, reason, ct), T["findings.dismissed"]);

    public async Task<IActionResult> OnPostReclaimAsync(Guid findingId, CancellationToken ct) =>
        Done(await FindingCommands.ReclaimAsync(Api, TenantId, findingId, ct), T["findings.reclaimed"]);

    private RedirectResult Done(ApiResult<FindingDto> result, string message) =>
        result.Succeeded ? BackToSelf(message: message) : BackToSelf(error: result.Problem!.Message);

    private async Task LoadAsync(CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        var query = FindingCommands.Query(Status, Kind, null, 1);
        (Status, Kind) = (query["status"], query["kind"]);
        query.Remove("cursor");
        query.Remove("limit");
        var path = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString($"api/tenants/{TenantId}/findings", query.Where(q => q.Value is not null));
        // Sorted by the API (largest monthly effect first); read whole so the page can search and total it.
        var rows = await Api.ListAsync<FindingDto>(ApiModule.Seats, path, ct);
        Findings = Paged<FindingDto>.Of(rows, Query, PageNumber, PageSize, f => [f.Summary, f.MemberEmail, f.VendorName, f.Kind]);

        var live = Status is "open" or "accepted" || Status is null
            ? rows.Where(f => f.Status is "open" or "accepted").ToList()
            : (await Api.ListAsync<FindingDto>(ApiModule.Seats, $"api/tenants/{TenantId}/findings?status=open", ct))
                .Concat(await Api.ListAsync<FindingDto>(ApiModule.Seats, $"api/tenants/{TenantId}/findings?status=accepted", ct)).ToList();
        LiveCount = live.Count;
        MonthlyAtStake = live.Sum(f => f.MonthlyEffectEur);
    }
}
