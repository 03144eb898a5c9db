using LicenceOps.Portal.Api;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Staff;

/// <summary>
/// One ticket for the hotline: the conversation with internal notes, the reply that is e-mailed to the requester,
/// a note clients never see, and the ticket's handling (take it, priority, status). Every change goes through the
/// Support API, which keeps the SLA clock, the threading headers and the audit.
/// </summary>
public sealed class TicketModel : PortalPageModel
{
    public static IReadOnlyList<string> StatusesAfterReply { get; } = ["waiting_on_customer", "open", "resolved"];

    [BindProperty(SupportsGet = true)]
    public Guid TicketId { get; set; }

    public TicketDetailDto Ticket { get; private set; } = null!;

    public string? Company { get; private set; }

    [BindProperty]
    public string? Body { get; set; }

    [BindProperty]
    public string StatusAfter { get; set; } = "waiting_on_customer";

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostReplyAsync(CancellationToken ct)
    {
        var status = StatusesAfterReply.Contains(StatusAfter) ? StatusAfter : null;
        var result = await Api.PostAsync<TicketDetailDto>(ApiModule.Support, $"api/tickets/{TicketId}/messages", new { body = Body, status }, ct);
        return await AfterAsync(result.Problem, T["ticket.replied"], ct);
    }

    public async Task<IActionResult> OnPostNoteAsync(CancellationToken ct)
    {
        var result = await Api.PostAsync<TicketDetailDto>(ApiModule.Support, $"api/tickets/{TicketId}/notes", new { body = Body }, ct);
        return await AfterAsync(result.Problem, T["ticket.noted"], ct);
    }

    /// <summary>Handling without a message: take the ticket, change its priority or status. Only the fields sent change.</summary>
    public async Task<IActionResult> OnPostHandleAsync(string? take, string? priority, string? status, CancellationToken ct)
    {
        var change = new Dictionary<string, object?>();
        if (take == "me")
        {
            change["assignedAgent"] = Me.Email;
        }

        if (!string.IsNullOrEmpty(priority))
        {
            change["priority"] = priority;
        }

        if (!string.IsNullOrEmpty(status))
        {
            change["status"] = status;
        }

        var result = await Api.PatchAsync<TicketDetailDto>(ApiModule.Support, $"api/tickets/{TicketId}", change, ct);
        return await AfterAsync(result.Problem, T["ticket.updated"], ct);
    }

    private async Task<IActionResult> AfterAsync(ApiProblem? problem, string done, CancellationToken ct)
    {
        if (problem is null)
        {
            Flash = done;
            return Redirect(Request.Path);
        }

        ShowProblem(problem);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Ticket = await Api.GetAsync<TicketDetailDto>(ApiModule.Support, $"api/tickets/{TicketId}", ct);
        Company = Ticket.TenantId is { } tenantId
            ? (await Api.GetAsync<TenantDto>(ApiModule.Tenants, $"api/tenants/{tenantId}", ct)).LegalName
            : null;
    }
}
