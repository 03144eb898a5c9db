using LicenceOps.Portal.Api;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Tenant;

/// <summary>
/// The company's hotline tickets (Support module), newest first, paged with the API's own cursor; client users
/// open a ticket here. The Support API keeps a client to its own company's tickets.
/// </summary>
public sealed class TicketsModel : TenantPageModel
{
    public static IReadOnlyList<string> Statuses { get; } = ["new", "open", "waiting_on_customer", "resolved", "closed"];

    public static IReadOnlyList<string> Categories { get; } = ["access_or_activation", "seat_request", "billing_question", "how_to", "other"];

    public static IReadOnlyList<string> Priorities { get; } = ["low", "normal", "high", "urgent"];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public CursorPage<TicketDto> Tickets { get; private set; } = new([], null);

    [BindProperty]
    public string? Subject { get; set; }

    [BindProperty]
    public string? Body { get; set; }

    [BindProperty]
    public string Category { get; set; } = "other";

    [BindProperty]
    public string Priority { get; set; } = "normal";

    /// <summary>Staff open tickets on a client's behalf from the hotline tools, which ask for the requester.</summary>
    public bool CanOpen => !Me.IsStaff;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        var result = await Api.PostAsync<TicketDto>(ApiModule.Support, "api/tickets",
            new { subject = Subject, body = Body, category = Category, priority = Priority, tenantId = TenantId }, ct);
        if (result.Succeeded)
        {
            return BackToSelf(message: string.Format(T["tickets.opened"], result.Value!.Number));
        }

        ShowProblem(result.Problem!);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        if (Tenant is null)
        {
            await LoadTenantAsync(ct);
        }

        if (Status is not null && !Statuses.Contains(Status))
        {
            Status = null;
        }

        var query = new Dictionary<string, string?> { ["tenantId"] = TenantId.ToString(), ["limit"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (Status is not null)
        {
            query["status"] = Status;
        }

        if (!string.IsNullOrEmpty(Cursor))
        {
            query["cursor"] = Cursor;
        }

        Tickets = await Api.GetAsync<CursorPage<TicketDto>>(ApiModule.Support,
            Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("api/tickets", query), ct);
    }
}
