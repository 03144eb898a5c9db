using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Seats.Shared;

namespace LicenceOps.Seats.Features.Subscriptions;

public sealed record ChangeQuantityRequest(int? Quantity, [property: BusinessDate] DateOnly? EffectiveDate, [property: Text(1000, Multiline = true)] string? Reason);

public sealed record ChangePriceRequest(decimal? SalePricePerSeatEur, [property: BusinessDate] DateOnly? EffectiveDate, [property: Text(1000, Multiline = true)] string? Reason);

internal static class ChangeSubscription
{
    public static async Task<IResult> QuantityAsync(
        Guid tenantId, Guid subscriptionId, ChangeQuantityRequest request, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (request.Quantity is not ({ } quantity and >= 0 and <= 100_000))
        {
            var errors = new ValidationErrors();
            errors.Add("quantity", "The new committed quantity is required, between 0 and 100000.");
            return errors.ToProblem();
        }
        return await db.WriteAsync<IResult>(async uow =>
        {
            var sub = await SubscriptionLedger.FindAsync(uow, tenantId, subscriptionId);
            if (sub is null)
            {
                return Problems.NotFound($"Subscription {subscriptionId} not found.");
            }
            var effective = request.EffectiveDate ?? ParisCalendar.DateOf(uow.Now);
            if (quantity == sub.CommittedQuantity)
            {
                return Problems.BadRequest($"The committed quantity is already {quantity}.");
            }
            if (quantity < sub.OccupiedSeats)
            {
                return Problems.Conflict($"{sub.OccupiedSeats} seats are assigned; release seats before going down to {quantity}.");
            }
            if (quantity < sub.CommittedQuantity && !sub.SeatsReducibleBeforeRenewal && effective < sub.RenewalDate)
            {
                return Problems.Conflict(
                    $"The {sub.PlanName} commitment forbids reducing seats before the renewal on {sub.RenewalDate:yyyy-MM-dd}.");
            }
            var rows = await uow.ExecuteAsync(
                "UPDATE subscriptions SET committed_quantity = @quantity, updated_at = @now WHERE id = @id AND committed_quantity = @expected AND occupied_seats <= @quantity",
                new { id = sub.Id, quantity, expected = sub.CommittedQuantity, now = uow.Now });
            if (rows != 1)
            {
                return Problems.Conflict("The subscription changed meanwhile; read it again.");
            }
            var after = (await SubscriptionLedger.FindAsync(uow, tenantId, subscriptionId))!;
            await SubscriptionLedger.RecordAsync(uow, after, SubscriptionChangeKinds.Quantity, sub.CommittedQuantity,
                sub.SalePricePerSeatEur, effective, request.Reason);
            return TypedResults.Ok(SubscriptionResponse.From(after));
        }, ct);
    }

    public static async Task<IResult> PriceAsync(
        Guid tenantId, Guid subscriptionId, ChangePriceRequest request, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        if (request.SalePricePerSeatEur is { } price && (price < 0 || !Money.HasAtMostDecimals(price, 2)))
        {
            var errors = new ValidationErrors();
            errors.Add("salePricePerSeatEur", "The sale price per seat is in euros: zero or more, to the cent (null = derived from the list price).");
            return errors.ToProblem();
        }
        return await db.WriteAsync<IResult>(async uow =>
        {
            var sub = await SubscriptionLedger.FindAsync(uow, tenantId, subscriptionId);
            if (sub is null)
            {
                return Problems.NotFound($"Subscription {subscriptionId} not found.");
            }
            if (sub.SalePricePerSeatEur == request.SalePricePerSeatEur)
            {
                return Problems.BadRequest("The sale price is unchanged.");
            }
            // Guarded on the price read: the ledger records it as the previous price, which must be the true one.
            var changed = await uow.ExecuteAsync(
                """
                UPDATE subscriptions SET sale_price_per_seat_eur = @price, updated_at = @now
                WHERE id = @id AND (sale_price_per_seat_eur = @expected OR (sale_price_per_seat_eur IS NULL AND @expected IS NULL))
                """,
                new { id = sub.Id, price = request.SalePricePerSeatEur, expected = sub.SalePricePerSeatEur, now = uow.Now });
            if (changed != 1)
            {
                return Problems.Conflict("The subscription changed meanwhile; read it again.");
            }
            var after = (await SubscriptionLedger.FindAsync(uow, tenantId, subscriptionId))!;
            await SubscriptionLedger.RecordAsync(uow, after, SubscriptionChangeKinds.Price, sub.CommittedQuantity, sub.SalePricePerSeatEur,
                request.EffectiveDate ?? ParisCalendar.DateOf(uow.Now), request.Reason);
            return TypedResults.Ok(SubscriptionResponse.From(after));
        }, ct);
    }
}
