using LicenceOps.Portal.Api;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Staff;

/// <summary>
/// The reseller's work queue of findings across every company, largest monthly effect first (the Seats API sorts and
/// pages it): reclaim an unused seat in one click, accept or dismiss with a reason.
/// </summary>
public sealed class FindingsModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; } = "open";

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public CursorPage<FindingDto> Findings { get; private set; } = new([], null);

    public IReadOnlyDictionary<Guid, string> Companies { get; private set; } = new Dictionary<Guid, string>();

    public FindingTable Table => new(Findings.Items, CanDecide: true, CanReclaim: true, Companies);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = FindingCommands.Query(Status, Kind, Cursor, PageSize);
        (Status, Kind) = (query["status"], query["kind"]);
        Findings = await Api.GetAsync<CursorPage<FindingDto>>(ApiModule.Seats,
            Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("api/findings", query.Where(q => q.Value is not null)), ct);
        Companies = await CompanyNamesAsync(Findings.Items.Select(f => f.TenantId), ct);
    }

    public async Task<IActionResult> OnPostAcceptAsync(Guid tenantId, Guid findingId, CancellationToken ct) =>
        Done(await FindingCommands.AcceptAsync(Api, tenantId, findingId, ct), T["findings.accepted"]);

    public async Task<IActionResult> OnPostDismissAsync(Guid tenantId, Guid findingId, string? reason, CancellationToken ct) =>
        Done(await FindingCommands.DismissAsync(Api, tenantId, findingId, reason, ct), T["findings.dismissed"]);

    public async Task<IActionResult> OnPostReclaimAsync(Guid tenantId, Guid findingId, CancellationToken ct) =>
        Done(await FindingCommands.ReclaimAsync(Api, tenantId, findingId, ct), T["findings.reclaimed"]);

    private RedirectResult Done(ApiResult<FindingDto> result, string message)
    {
        Flash = result.Succeeded ? message : null;
        FlashError = result.Succeeded ? null : result.Problem!.Message;
        // Back to the same filters (the query string holds the handler name too, which a GET must not carry).
        var keep = Request.Query.Where(q => q.Key is "status" or "kind").ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        return Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(Request.Path, keep));
    }
}
