using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;

namespace LicenceOps.Seats.Features.Catalogue;

internal static class ReadCatalogue
{
    public static async Task<IResult> ListAsync(ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var plans = await db.QueryAsync<PlanRow>(PlanRow.SelectSql + " ORDER BY vendor_name, product_name, code", ct: ct);
        var vendors = plans
            .GroupBy(p => (p.VendorCode, p.VendorName))
            .Select(v => new VendorResponse(v.Key.VendorCode, v.Key.VendorName, v
                .GroupBy(p => p.ProductName)
                .Select(p => new ProductResponse(p.Key, p.Select(x => x.ToResponse()).ToList()))
                .ToList()))
            .ToList();
        return TypedResults.Ok(new CatalogueResponse(vendors));
    }

    public static async Task<IResult> GetPlanAsync(string code, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var plan = await db.QuerySingleOrDefaultAsync<PlanRow>(PlanRow.SelectSql + " WHERE code = @code", new { code }, ct);
        return plan is null ? Problems.NotFound($"No catalogue plan '{code}'.") : TypedResults.Ok(plan.ToResponse());
    }
}
