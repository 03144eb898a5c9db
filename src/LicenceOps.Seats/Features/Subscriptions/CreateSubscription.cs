using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Seats.Consumers;
using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Shared;

namespace LicenceOps.Seats.Features.Subscriptions;

public sealed record CreateSubscriptionRequest(
    [property: Text(100)] string? PlanCode, [property: Text(300)] string? VendorAccountId, int? CommittedQuantity, [property: BusinessDate] DateOnly? TermStart, [property: BusinessDate] DateOnly? RenewalDate,
    decimal? SalePricePerSeatEur, [property: Text(40), OneOf("allow", "require_staff_approval")] string? AutoIncreasePolicy);

internal static class CreateSubscription
{
    public static async Task<IResult> HandleAsync(Guid tenantId, CreateSubscriptionRequest request, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(request.PlanCode))
        {
            errors.Add("planCode", "A catalogue plan code is required.");
        }
        if (string.IsNullOrWhiteSpace(request.VendorAccountId) || request.VendorAccountId.Trim().Length > 300)
        {
            errors.Add("vendorAccountId", "The vendor workspace/account id is required (at most 300 characters).");
        }
        if (request.CommittedQuantity is not ({ } quantity and >= 0 and <= 100_000))
        {
            errors.Add("committedQuantity", "The committed quantity is required, between 0 and 100000.");
        }
        if (request.TermStart is null)
        {
            errors.Add("termStart", "The term start date is required.");
        }
        if (request.RenewalDate is null)
        {
            errors.Add("renewalDate", "The renewal date is required.");
        }
        else if (request.TermStart is { } start && request.RenewalDate <= start)
        {
            errors.Add("renewalDate", "The renewal date must be after the term start.");
        }
        if (request.SalePricePerSeatEur is { } price && (price < 0 || !Money.HasAtMostDecimals(price, 2)))
        {
            errors.Add("salePricePerSeatEur", "The sale price per seat is in euros: zero or more, to the cent.");
        }
        if (!SeatAllocation.TryParsePolicy(request.AutoIncreasePolicy, out _))
        {
            errors.Add("autoIncreasePolicy", "The auto-increase policy must be 'allow' or 'require_staff_approval'.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        return await db.WriteAsync<IResult>(async uow =>
        {
            if (!await TenantDirectory.TenantExistsAsync(uow, tenantId))
            {
                // Seats knows tenants from Tenants' TenantProfileChanged; a made-up tenant would fail every billing run.
                return Problems.NotFound($"No tenant {tenantId}.");
            }
            var planExists = await uow.QuerySingleOrDefaultAsync<string>("SELECT code FROM catalogue_plans WHERE code = @code",
                new { code = request.PlanCode!.Trim() }) is not null;
            if (!planExists)
            {
                var unknown = new ValidationErrors();
                unknown.Add("planCode", $"No catalogue plan '{request.PlanCode}'.");
                return unknown.ToProblem();
            }
            var id = RowIds.New();
            await uow.ExecuteAsync(
                """
                INSERT INTO subscriptions (id, tenant_id, plan_code, vendor_account_id, committed_quantity, occupied_seats, term_start,
                    renewal_date, sale_price_per_seat_eur, auto_increase_policy, created_at, updated_at)
                VALUES (@id, @tenantId, @planCode, @vendorAccountId, @quantity, 0, @termStart, @renewalDate, @price, @policy, @now, @now)
                """,
                new
                {
                    id, tenantId, planCode = request.PlanCode!.Trim(), vendorAccountId = request.VendorAccountId!.Trim(),
                    quantity = request.CommittedQuantity!.Value, termStart = request.TermStart!.Value,
                    renewalDate = request.RenewalDate!.Value, price = request.SalePricePerSeatEur,
                    policy = request.AutoIncreasePolicy, now = uow.Now,
                });
            var created = (await SubscriptionLedger.FindAsync(uow, tenantId, id))!;
            await SubscriptionLedger.RecordAsync(uow, created, SubscriptionChangeKinds.Created, 0, null, created.TermStart, "subscription created");
            return TypedResults.Created($"/api/tenants/{tenantId}/subscriptions/{id}", SubscriptionResponse.From(created));
        }, ct);
    }
}
