using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Features.Renewals;

/// <summary>
/// Renewal planning lists, soonest first: GET /api/renewals (staff, every tenant) and GET /api/tenants/{tenantId}/renewals
/// (the client's own, staff any). Each lists the subscriptions renewing within <c>within</c> days (default 120) and every
/// renewal already passed, flagged when nobody recorded a decision.
/// </summary>
public static class ReadRenewals
{
    public const int DefaultWithinDays = 120;
    public const int MaxWithinDays = 366;

    private static readonly Keyset<RenewalRow> Soonest = new("renewals",
        SortKey.Asc<RenewalRow>("s.renewal_date", r => r.RenewalDate), SortKey.Asc<RenewalRow>("s.id", r => r.Id));

    public static void Map(IEndpointRouteBuilder api, IEndpointRouteBuilder tenant)
    {
        api.MapGet("/renewals", AllAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Every tenant's renewals within N days (default 120) and those passed, with recommended quantities and euro differences.");
        tenant.MapGet("/renewals", TenantAsync)
            .WithSummary("The tenant's renewals within N days (default 120) and those passed, with recommended quantities and euro differences.");
    }

    /// <param name="within">Renewals up to this many days from today (default 120); passed renewals are always included.</param>
    /// <param name="from">Only renewals on or after this date (to plan a later quarter); default: no lower bound.</param>
    private static Task<Results<Ok<Page<RenewalView>>, ValidationProblem, ProblemHttpResult>> AllAsync(
        int? within, DateOnly? from, PageRequest page, ModuleDatabase<SeatsModule> db, TimeProvider time, IOptions<SeatsOptions> options,
        CancellationToken ct) =>
        ListAsync(null, within, from, page, db, time, options.Value, ct);

    private static async Task<Results<Ok<Page<RenewalView>>, ValidationProblem, ProblemHttpResult>> TenantAsync(
        Guid tenantId, int? within, DateOnly? from, PageRequest page, CurrentUser user, ModuleDatabase<SeatsModule> db, TimeProvider time,
        IOptions<SeatsOptions> options, CancellationToken ct) =>
        user.CanAccessTenant(tenantId)
            ? await ListAsync(tenantId, within, from, page, db, time, options.Value, ct)
            : Problems.NotFound("Tenant not found.");

    private static async Task<Results<Ok<Page<RenewalView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid? tenantId, int? within, DateOnly? from, PageRequest page, ModuleDatabase<SeatsModule> db, TimeProvider time, SeatsOptions options,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (within is < 0 or > MaxWithinDays)
        {
            errors.Add("within", $"within is a number of days between 0 and {MaxWithinDays}.");
        }

        if (from is { } date && (date < BusinessDateAttribute.Earliest || date > BusinessDateAttribute.Latest))
        {
            errors.Add("from", "from must be a business date (2000-01-01 to 2100-12-31).");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var today = ParisCalendar.Today(time);
        var horizon = today.AddDays(within ?? DefaultWithinDays);
        var where = (tenantId is null ? "" : "s.tenant_id = @tenantId AND ") + "s.renewal_date <= @horizon" + (from is null ? "" : " AND s.renewal_date >= @from");
        var rows = await Soonest.ReadAsync(db, RenewalRow.SelectSql, where, new { tenantId, horizon, from }, page, ct);
        var views = await RenewalViews.BuildAsync(db, rows.Items, today, options.RenewalHeadroomPercent, ct);
        return TypedResults.Ok(new Page<RenewalView>(views, rows.Limit, rows.NextCursor, rows.Total));
    }
}
