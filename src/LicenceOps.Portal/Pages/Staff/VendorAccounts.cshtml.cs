using System.Globalization;
using LicenceOps.Portal.Api;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Staff;

/// <summary>
/// Every company's vendor accounts (or one company's, ?tenantId=), oldest first, a page at a time (the Seats API pages
/// them): what each is compared with, its reconciliation schedule, its last run and why it failed, its next run, and
/// its open findings.
/// </summary>
public sealed class VendorAccountsModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? TenantId { get; set; }

    public CursorPage<VendorAccountOverviewDto> Accounts { get; private set; } = new([], null);

    public IReadOnlyDictionary<Guid, string> Companies { get; private set; } = new Dictionary<Guid, string>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = new Dictionary<string, string?>
        {
            ["limit"] = PageSize.ToString(CultureInfo.InvariantCulture),
            ["cursor"] = string.IsNullOrEmpty(Cursor) ? null : Cursor,
            ["tenantId"] = TenantId?.ToString(),
        };
        Accounts = await Api.GetAsync<CursorPage<VendorAccountOverviewDto>>(ApiModule.Seats,
            Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("api/vendor-accounts", query.Where(q => q.Value is not null)), ct);
        // The filtered company is named even when it has no account yet.
        Companies = await CompanyNamesAsync(Accounts.Items.Select(a => a.Account.TenantId).Concat(TenantId is { } t ? [t] : []), ct);
    }
}
