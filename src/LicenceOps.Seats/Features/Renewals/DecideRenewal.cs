using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Features.Renewals;

/// <param name="Decision">renew (same quantity), resize (to <paramref name="Quantity"/>) or cancel.</param>
public sealed record RenewalDecisionRequest(
    [property: Text(16)] string? Decision,
    int? Quantity,
    [property: Text(1000, Multiline = true)] string? Note);

/// <summary>
/// POST /api/tenants/{tenantId}/subscriptions/{subscriptionId}/renewal-decision (staff): records what was decided for the
/// subscription's current renewal date, once (a second decision for the same date is a 409), which clears the
/// "past renewal without decision" flag. Changing the vendor commitment itself stays a quantity change.
/// </summary>
public static class DecideRenewal
{
    public static readonly string[] Decisions = ["renew", "resize", "cancel"];

    public static void Map(IEndpointRouteBuilder tenant) =>
        tenant.MapPost("/subscriptions/{subscriptionId:guid}/renewal-decision", HandleAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Record the decision (renew, resize, cancel) for the subscription's current renewal date.");

    private static async Task<Results<Created<RenewalView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid subscriptionId, RenewalDecisionRequest request, ModuleDatabase<SeatsModule> db, TimeProvider time,
        IOptions<SeatsOptions> options, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var decision = request.Decision?.Trim().ToLowerInvariant();
        if (decision is null || !Decisions.Contains(decision))
        {
            errors.Add("decision", "decision must be renew, resize or cancel.");
        }
        else if (decision == "resize" && request.Quantity is not (>= 0 and <= 100_000))
        {
            errors.Add("quantity", "resize needs the quantity to renew, between 0 and 100000.");
        }
        else if (decision != "resize" && request.Quantity is not null)
        {
            errors.Add("quantity", "quantity goes with resize only.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        var outcome = await db.WriteAsync<string?>(async uow =>
        {
            var row = await uow.QuerySingleOrDefaultAsync<RenewalRow>(RenewalRow.SelectSql + " WHERE s.id = @subscriptionId AND s.tenant_id = @tenantId",
                new { subscriptionId, tenantId });
            if (row is null)
            {
                return "not_found";
            }

            var quantity = decision switch { "renew" => row.CommittedQuantity, "cancel" => 0, _ => request.Quantity };
            var inserted = await uow.ExecuteAsync(
                """
                INSERT INTO renewal_decisions (subscription_id, renewal_date, tenant_id, decision, quantity, note, decided_by_id, decided_by, decided_at)
                SELECT @subscriptionId, @RenewalDate, @tenantId, @decision, @quantity, @note, @actorId, @actor, @now
                WHERE NOT EXISTS (SELECT 1 FROM renewal_decisions WHERE subscription_id = @subscriptionId AND renewal_date = @RenewalDate)
                """,
                new { subscriptionId, row.RenewalDate, tenantId, decision, quantity, note, actorId = uow.Actor.Id, actor = uow.Actor.Display, now = uow.Now });
            if (inserted == 0)
            {
                return "decided";
            }

            await uow.AuditAsync("subscription", subscriptionId, "renewal_decided", new { row.RenewalDate, decision, quantity, note }, tenantId);
            return null;
        }, ct);

        if (outcome == "not_found")
        {
            return Problems.NotFound($"Subscription {subscriptionId} not found.");
        }

        if (outcome == "decided")
        {
            return Problems.Conflict("A decision is already recorded for this renewal date.");
        }

        var saved = await db.QuerySingleOrDefaultAsync<RenewalRow>(RenewalRow.SelectSql + " WHERE s.id = @subscriptionId", new { subscriptionId }, ct);
        var view = (await RenewalViews.BuildAsync(db, [saved!], LicenceOps.Platform.ParisCalendar.Today(time), options.Value.RenewalHeadroomPercent, ct))[0];
        return TypedResults.Created($"/api/tenants/{tenantId}/renewals", view);
    }
}
