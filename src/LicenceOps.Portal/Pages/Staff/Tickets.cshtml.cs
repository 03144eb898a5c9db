using LicenceOps.Portal.Api;
using LicenceOps.Portal.Pages.Tenant;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Staff;

/// <summary>
/// The hotline's queue: every company's tickets (and mail nobody could match to a company, in triage), newest first,
/// with the SLA deadline that matters now. Agents narrow it to their own tickets, a status, an SLA state or triage.
/// </summary>
public sealed class TicketsModel : PortalPageModel
{
    public static IReadOnlyList<string> SlaStates { get; } = ["breached", "at_risk", "ok", "met"];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sla { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Priority { get; set; }

    /// <summary>"mine": assigned to the signed-in agent; "triage": not yet matched to a company.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Show { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public CursorPage<TicketDto> Tickets { get; private set; } = new([], null);

    /// <summary>Company names of the tickets on this page.</summary>
    public IReadOnlyDictionary<Guid, string> Companies { get; private set; } = new Dictionary<Guid, string>();

    public IReadOnlyDictionary<string, string?> Filters => new Dictionary<string, string?>
    {
        ["status"] = Status, ["sla"] = Sla, ["priority"] = Priority, ["show"] = Show,
    };

    public async Task OnGetAsync(CancellationToken ct)
    {
        // A hand-edited filter the API would refuse is dropped rather than turned into an error page.
        Status = Keep(Status, Tenant.TicketsModel.Statuses);
        Sla = Keep(Sla, SlaStates);
        Priority = Keep(Priority, Tenant.TicketsModel.Priorities);
        Show = Keep(Show, ["mine", "triage"]);

        var query = new Dictionary<string, string?>
        {
            ["limit"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["status"] = Status,
            ["slaState"] = Sla,
            ["priority"] = Priority,
            ["assignedAgent"] = Show == "mine" ? Me.Email : null,
            ["triage"] = Show == "triage" ? "true" : null,
            ["cursor"] = string.IsNullOrEmpty(Cursor) ? null : Cursor,
        };
        var path = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("api/tickets", query.Where(q => q.Value is not null));
        Tickets = await Api.GetAsync<CursorPage<TicketDto>>(ApiModule.Support, path, ct);

        Companies = await CompanyNamesAsync(Tickets.Items.Where(t => t.TenantId is not null).Select(t => t.TenantId!.Value), ct);
    }

    public string Company(TicketDto ticket) =>
        ticket.TenantId is { } id ? Companies.GetValueOrDefault(id, id.ToString()) : T["stafftickets.triage"];

    private static string? Keep(string? value, IReadOnlyList<string> allowed) => value is not null && allowed.Contains(value) ? value : null;
}
