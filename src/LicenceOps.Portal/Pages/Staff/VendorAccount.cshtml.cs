using System.Globalization;
using LicenceOps.Portal.Api;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Staff;

/// <summary>
/// One vendor account's reconciliation: change how often it runs (only the intervals the API accepts are offered; a
/// refusal is shown beside the form), turn its job on or off, reconcile now, read its recent runs, and record the
/// purchased quantity seen on the vendor's invoice or console. Every command is the Seats API's; the page only shows it.
/// </summary>
public sealed class VendorAccountModel : PortalPageModel
{
    private const int RecentRuns = 10;

    [BindProperty(SupportsGet = true)]
    public Guid AccountId { get; set; }

    public VendorAccountOverviewDto Overview { get; private set; } = null!;

    public string Company { get; private set; } = "";

    public IReadOnlyList<ReconciliationRunDto> Runs { get; private set; } = [];

    public IReadOnlyList<PurchasedQuantityDto> Quantities { get; private set; } = [];

    /// <summary>Minutes, or empty for the configured default.</summary>
    [BindProperty]
    public string? IntervalMinutes { get; set; }

    [BindProperty]
    public bool Enabled { get; set; }

    [BindProperty]
    public int? Quantity { get; set; }

    [BindProperty]
    public DateOnly? ObservedOn { get; set; }

    [BindProperty]
    public string? Source { get; set; }

    [BindProperty]
    public string? Reference { get; set; }

    private string TenantPath => $"api/tenants/{Overview.Account.TenantId}/vendor-accounts/{AccountId}";

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        IntervalMinutes = Overview.Account.Reconciliation.IntervalIsDefault
            ? ""
            : Overview.Account.Reconciliation.IntervalMinutes.ToString(CultureInfo.InvariantCulture);
        Enabled = Overview.Account.Reconciliation.Enabled;
        ObservedOn = Today;
    }

    public async Task<IActionResult> OnPostScheduleAsync(CancellationToken ct)
    {
        await LoadOverviewAsync(ct);
        // Sent as typed: the API is the one that knows which intervals are allowed, and says so.
        int? minutes = null;
        if (!string.IsNullOrEmpty(IntervalMinutes))
        {
            if (!int.TryParse(IntervalMinutes, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                ModelState.AddModelError(nameof(IntervalMinutes), T["vendoraccount.interval.invalid"]);
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                await LoadListsAsync(ct);
                return Page();
            }
            minutes = parsed;
        }
        var result = await Api.PutAsync<VendorAccountDto>(ApiModule.Seats, $"{TenantPath}/reconciliation-schedule",
            new { intervalMinutes = minutes, enabled = Enabled }, ct);
        if (!result.Succeeded)
        {
            ShowProblem(result.Problem!);
            await LoadListsAsync(ct);
            return Page();
        }
        return BackToSelf(string.Format(CultureInfo.CurrentCulture, result.Value!.Reconciliation.Enabled ? T["vendoraccount.schedule.saved"] : T["vendoraccount.schedule.off"],
            result.Value.Reconciliation.IntervalMinutes));
    }

    public async Task<IActionResult> OnPostReconcileAsync(CancellationToken ct)
    {
        await LoadOverviewAsync(ct);
        var result = await Api.PostAsync<ReconciliationRunDto>(ApiModule.Seats, $"{TenantPath}/reconcile", null, ct);
        if (!result.Succeeded)
        {
            return BackToSelf(error: result.Problem!.Message);
        }
        var run = result.Value!;
        return run.State == "succeeded"
            ? BackToSelf(string.Format(CultureInfo.CurrentCulture, T["vendoraccount.reconciled"], run.MembersRead, run.FindingsOpened, run.FindingsClosed))
            : BackToSelf(error: string.Format(CultureInfo.CurrentCulture, T["vendoraccount.reconcile.failed"], run.FailureReason));
    }

    public async Task<IActionResult> OnPostQuantityAsync(CancellationToken ct)
    {
        await LoadOverviewAsync(ct);
        var result = await Api.PostAsync<PurchasedQuantityDto>(ApiModule.Seats, $"{TenantPath}/purchased-quantities",
            new { quantity = Quantity, observedOn = ObservedOn, source = Source, reference = string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim() }, ct);
        if (!result.Succeeded)
        {
            ShowProblem(result.Problem!);
            await LoadListsAsync(ct);
            return Page();
        }
        return BackToSelf(string.Format(CultureInfo.CurrentCulture, T["vendoraccount.quantity.recorded"], result.Value!.Quantity, Fmt.Date(result.Value.ObservedOn)));
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        await LoadOverviewAsync(ct);
        await LoadListsAsync(ct);
    }

    private async Task LoadOverviewAsync(CancellationToken ct)
    {
        Overview = await Api.GetAsync<VendorAccountOverviewDto>(ApiModule.Seats, $"api/vendor-accounts/{AccountId}", ct);
        Company = (await CompanyNamesAsync([Overview.Account.TenantId], ct)).GetValueOrDefault(Overview.Account.TenantId) ?? "";
    }

    private async Task LoadListsAsync(CancellationToken ct)
    {
        Runs = (await Api.GetAsync<CursorPage<ReconciliationRunDto>>(ApiModule.Seats, $"{TenantPath}/reconciliation-runs?limit={RecentRuns}", ct)).Items;
        Quantities = (await Api.GetAsync<CursorPage<PurchasedQuantityDto>>(ApiModule.Seats, $"{TenantPath}/purchased-quantities?limit=5", ct)).Items;
    }

    private RedirectResult BackToSelf(string? message = null, string? error = null)
    {
        Flash = message;
        FlashError = error;
        return Redirect(Request.Path);
    }
}
