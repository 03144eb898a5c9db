using LicenceOps.Portal.Api;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Tenant;

/// <summary>
/// One of the company's tickets as the client sees it: the conversation with the hotline (never its internal notes)
/// and a message box. The Support API answers 404 for a ticket of another company, and so does this page.
/// </summary>
public sealed class TicketModel : TenantPageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid TicketId { get; set; }

    public TicketDetailDto Ticket { get; private set; } = null!;

    [BindProperty]
    public string? Body { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var result = await Api.PostAsync<TicketDetailDto>(ApiModule.Support, $"api/tickets/{TicketId}/messages", new { body = Body }, ct);
        if (result.Succeeded)
        {
            return BackToSelf(message: T["ticket.sent"]);
        }

        ShowProblem(result.Problem!);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        Ticket = await Api.GetAsync<TicketDetailDto>(ApiModule.Support, $"api/tickets/{TicketId}", ct);
        if (Ticket.TenantId != TenantId)
        {
            // Staff can read any ticket: a ticket shown under another company's pages would mislead them.
            throw new PortalApiException(new ApiProblem(System.Net.HttpStatusCode.NotFound, "Not found", null, new Dictionary<string, string[]>()),
                $"api/tickets/{TicketId}");
        }
    }
}
