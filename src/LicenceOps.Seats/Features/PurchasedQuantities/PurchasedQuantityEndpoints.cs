using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Features.PurchasedQuantities;

/// <param name="Source">Where staff read the quantity: "invoice" or "console" (the vendor's admin console).</param>
/// <param name="Reference">The invoice number or a note on where it was read, optional.</param>
public sealed record RecordPurchasedQuantityRequest(
    int? Quantity, [property: BusinessDate] DateOnly? ObservedOn, [property: Text(20), OneOf("invoice", "console")] string? Source,
    [property: Text(200)] string? Reference);

public sealed record PurchasedQuantityResponse(
    Guid Id, Guid VendorAccountId, int Quantity, DateOnly ObservedOn, string Source, string? Reference, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>
/// POST/GET /api/tenants/{tenantId}/vendor-accounts/{id}/purchased-quantities (staff): the purchased quantity staff saw at
/// a vendor whose API does not report it (every connector but Graph), from the invoice or the admin console, with its date.
/// The latest observation stands for the vendor's figure in reconciliation: a quantity_mismatch finding when it differs
/// from the committed quantities we bill, quantity_unverified when none was recorded or it is older than
/// Seats:Reconciliation:PurchasedQuantityUnverifiedAfterDays (30). Recording re-evaluates both at once, as recording a
/// setting does for the settings watch.
/// </summary>
internal static class PurchasedQuantityEndpoints
{
    public const int MaximumQuantity = 1_000_000;

    public static void Map(IEndpointRouteBuilder tenant)
    {
        tenant.MapGet("/vendor-accounts/{accountId:guid}/purchased-quantities", ListAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("The purchased quantities staff recorded for a vendor account, latest observation first.");
        tenant.MapPost("/vendor-accounts/{accountId:guid}/purchased-quantities", RecordAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Record the purchased quantity seen on the vendor's invoice or console, with its date; quantity findings follow at once.");
    }

    private const string SelectSql = """
        SELECT id AS Id, vendor_account_id AS VendorAccountId, quantity AS Quantity, observed_on AS ObservedOn, source AS Source,
               reference AS Reference, recorded_by AS RecordedBy, recorded_at AS RecordedAt
        FROM purchased_quantity_observations
        """;

    private static readonly Keyset<PurchasedQuantityResponse> Latest = new("purchased-quantities",
        SortKey.Desc<PurchasedQuantityResponse>("observed_on", r => r.ObservedOn), SortKey.Desc<PurchasedQuantityResponse>("recorded_at", r => r.RecordedAt),
        SortKey.Asc<PurchasedQuantityResponse>("id", r => r.Id));

    private static async Task<Results<Ok<Page<PurchasedQuantityResponse>>, ProblemHttpResult>> ListAsync(
        Guid tenantId, Guid accountId, PageRequest page, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var exists = await db.QuerySingleOrDefaultAsync<long>(
            "SELECT COUNT(*) FROM vendor_accounts WHERE id = @accountId AND tenant_id = @tenantId", new { accountId, tenantId }, ct);
        if (exists == 0)
        {
            return Problems.NotFound($"Vendor account {accountId} not found.");
        }
        return TypedResults.Ok(await Latest.ReadAsync(db, SelectSql, "tenant_id = @tenantId AND vendor_account_id = @accountId", new { tenantId, accountId }, page, ct));
    }

    private static async Task<Results<Created<PurchasedQuantityResponse>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        Guid tenantId, Guid accountId, RecordPurchasedQuantityRequest request, ModuleDatabase<SeatsModule> db, IOptions<SeatsOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request.Quantity is not { } quantity || quantity < 0 || quantity > MaximumQuantity)
        {
            errors.Add("quantity", $"The purchased quantity is required: a whole number of seats from 0 to {MaximumQuantity}.");
        }
        if (request.Source is null || !PurchasedQuantityWatch.Sources.Recorded.Contains(request.Source))
        {
            errors.Add("source", $"The source must be one of {string.Join(", ", PurchasedQuantityWatch.Sources.Recorded)}.");
        }
        if (request.ObservedOn is { } on && on > ParisCalendar.DateOf(clock.GetUtcNow()))
        {
            errors.Add("observedOn", "The observation date cannot be in the future.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var unverifiedAfterDays = options.Value.Reconciliation.PurchasedQuantityUnverifiedAfterDays;
        return await db.WriteAsync<Results<Created<PurchasedQuantityResponse>, ValidationProblem, ProblemHttpResult>>(async uow =>
        {
            var account = await uow.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @accountId AND tenant_id = @tenantId",
                new { accountId, tenantId });
            if (account is null)
            {
                return Problems.NotFound($"Vendor account {accountId} not found.");
            }
            if (ConnectorKinds.ReadsPurchasedQuantity(account.Connector))
            {
                return Problems.Unprocessable(
                    $"The {account.Connector} connector reads the purchased quantity from the vendor at every reconciliation: nothing to record.");
            }
            var id = RowIds.New();
            var today = ParisCalendar.DateOf(uow.Now);
            var observedOn = request.ObservedOn ?? today;
            var reference = string.IsNullOrWhiteSpace(request.Reference) ? null : request.Reference.Trim();
            await uow.ExecuteAsync(
                """
                INSERT INTO purchased_quantity_observations (id, tenant_id, vendor_account_id, quantity, observed_on, source, reference, recorded_by, recorded_at)
                VALUES (@id, @tenantId, @accountId, @quantity, @observedOn, @source, @reference, @actor, @now)
                """,
                new { id, tenantId, accountId, quantity = request.Quantity!.Value, observedOn, source = request.Source, reference, actor = uow.Actor.Display, now = uow.Now });
            await uow.AuditAsync("vendor_account", accountId, "purchased_quantity_recorded",
                new { quantity = request.Quantity, observedOn, request.Source, reference }, tenantId);

            var subscriptions = await ReconciliationRunner.LoadSubscriptionsAsync(uow, tenantId, accountId);
            var latest = await ReconciliationRunner.LatestRecordedQuantityAsync(uow, tenantId, accountId);
            var planned = PurchasedQuantityWatch.FromRecord(accountId, account.DisplayName, subscriptions, latest, unverifiedAfterDays, today);
            await FindingStore.ApplyAsync(uow, tenantId, accountId, account.VendorCode, account.DisplayName, null, planned, PurchasedQuantityWatch.Kinds);

            var created = (await uow.QuerySingleOrDefaultAsync<PurchasedQuantityResponse>(SelectSql + " WHERE id = @id", new { id }))!;
            return TypedResults.Created($"/api/tenants/{tenantId}/vendor-accounts/{accountId}/purchased-quantities", created);
        }, ct);
    }
}
