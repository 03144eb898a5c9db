using LicenceOps.Platform;
using LicenceOps.Portal.Api;
using LicenceOps.Portal.Localization;
using LicenceOps.Portal.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LicenceOps.Portal.Pages;

/// <summary>What every portal page has: the API client, the signed-in user, the texts, and a message after a POST.</summary>
public abstract class PortalPageModel : PageModel
{
    private PortalApi? api;

    protected PortalApi Api => api ??= HttpContext.RequestServices.GetRequiredService<PortalApi>();

    public PortalUser Me => new(User);

    public Texts T => HttpContext.RequestServices.GetRequiredService<Texts>();

    protected int PageSize => HttpContext.RequestServices.GetRequiredService<IOptions<PortalOptions>>().Value.PageSize;

    /// <summary>Invoices fall due by the Paris calendar, like the Billing module counts them.</summary>
    protected DateOnly Today => ParisCalendar.Today(HttpContext.RequestServices.GetRequiredService<TimeProvider>());

    /// <summary>The outcome of the last command, shown once after its redirect (post/redirect/get).</summary>
    [TempData]
    public string? Flash { get; set; }

    [TempData]
    public string? FlashError { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    // "p", not "page": Razor Pages keeps the route value "page" for the page's own name.
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>
    /// A refused command shown beside the form that sent it: the API's reasons per field (or its detail), with 422 so
    /// the page is not mistaken for a success. The caller reloads the page's data and returns <c>Page()</c>, keeping
    /// what the user typed.
    /// </summary>
    protected void ShowProblem(ApiProblem problem)
    {
        foreach (var (field, messages) in problem.Errors)
        {
            foreach (var message in messages)
            {
                ModelState.AddModelError(field, message);
            }
        }

        if (problem.Errors.Count == 0)
        {
            ModelState.AddModelError(string.Empty, problem.Message);
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
    }

    /// <summary>
    /// The names of the companies a page of a cross-company list mentions, read one by one: a queue never reads the
    /// whole tenant list to label a page of rows.
    /// </summary>
    protected async Task<IReadOnlyDictionary<Guid, string>> CompanyNamesAsync(IEnumerable<Guid> tenantIds, CancellationToken ct)
    {
        var tenants = await ForEachAsync(tenantIds.Distinct(), id => Api.GetAsync<TenantDto>(ApiModule.Tenants, $"api/tenants/{id}", ct));
        return tenants.ToDictionary(t => t.Id, t => t.LegalName);
    }

    /// <summary>Runs reads for many tenants a few at a time: enough to hide latency without flooding the API.</summary>
    protected static async Task<IReadOnlyList<TResult>> ForEachAsync<TItem, TResult>(IEnumerable<TItem> items, Func<TItem, Task<TResult>> read)
    {
        using var gate = new SemaphoreSlim(4);
        var tasks = items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                return await read(item);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        return await Task.WhenAll(tasks);
    }
}

/// <summary>A page about one tenant: /portal/t/{tenantId}/... The API answers 404 for another tenant's id, and so does the page.</summary>
public abstract class TenantPageModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid TenantId { get; set; }

    public TenantDto Tenant { get; private set; } = null!;

    protected async Task LoadTenantAsync(CancellationToken ct) =>
        Tenant = await Api.GetAsync<TenantDto>(ApiModule.Tenants, $"api/tenants/{TenantId}", ct);

    protected RedirectResult BackToSelf(string? message = null, string? error = null)
    {
        Flash = message;
        FlashError = error;
        // The path alone: the query holds the POST handler name, which a GET must not carry.
        return Redirect(Request.Path);
    }
}
