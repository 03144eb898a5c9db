using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;

namespace LicenceOps.Seats.Features.Catalogue;

internal static class ReadCatalogue
{
    /// <summary>Plans by vendor and product (each plan names both, so a client can group a page as it likes); the code is unique.</summary>
    private static readonly Keyset<PlanRow> ByVendor = new("catalogue",
        SortKey.Asc<PlanRow>("vendor_name", p => p.VendorName), SortKey.Asc<PlanRow>("product_name", p => p.ProductName), SortKey.Asc<PlanRow>("code", p => p.Code));

    public static async Task<IResult> ListAsync(PageRequest page, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var plans = await ByVendor.ReadAsync(db, PlanRow.SelectSql, "1 = 1", null, page, ct);
        return TypedResults.Ok(plans.Map(p => p.ToResponse()));
    }

    /// <summary>The plan with its version as ETag: an edit sends it back in If-Match (SavePlan.UpdateAsync).</summary>
    public static async Task<IResult> GetPlanAsync(string code, HttpResponse response, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var plan = await db.QuerySingleOrDefaultAsync<PlanRow>(PlanRow.SelectSql + " WHERE code = @code", new { code }, ct);
        if (plan is null)
        {
            return Problems.NotFound($"No catalogue plan '{code}'.");
        }

        VersionPrecondition.SetETag(response, plan.Version);
        return TypedResults.Ok(plan.ToResponse());
    }
}
