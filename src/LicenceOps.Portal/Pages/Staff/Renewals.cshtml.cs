using LicenceOps.Portal.Api;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Staff;

/// <summary>
/// Every company's renewals, soonest first (the Seats API sorts and pages them), with the quantity real use
/// recommends and what it changes per year; renewals passed without a decision stand out.
/// </summary>
public sealed class RenewalsModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public CursorPage<RenewalDto> Renewals { get; private set; } = new([], null);

    public IReadOnlyDictionary<Guid, string> Companies { get; private set; } = new Dictionary<Guid, string>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = new Dictionary<string, string?>
        {
            ["limit"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["cursor"] = string.IsNullOrEmpty(Cursor) ? null : Cursor,
        };
        Renewals = await Api.GetAsync<CursorPage<RenewalDto>>(ApiModule.Seats,
            Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("api/renewals", query.Where(q => q.Value is not null)), ct);
        Companies = await CompanyNamesAsync(Renewals.Items.Select(r => r.TenantId), ct);
    }
}
