using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Accounts;
using LicenceOps.Seats.Vendors.Csv;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Seats.Features.VendorAccounts;

public sealed record TakeOverResponse(
    bool Applied, string Source, int SeatsToCreate, int FreeSeats, int ShortBy, IReadOnlyDictionary<string, int> ByOutcome,
    IReadOnlyList<TakeOverLine> Lines, IReadOnlyList<CsvRowError> Errors, IReadOnlyList<string> Notes);

/// <summary>
/// POST /api/tenants/{tenantId}/subscriptions/{id}/take-over[?apply=true]: a new client's existing vendor estate becomes
/// seats. The member list is the CSV body (text/csv) or, without a body, read from the connected vendor account's API.
/// Members are matched to people by e-mail; unmatched ones are reported (shadow users), seats start on the vendor's
/// date. Without apply it is a dry run; apply refuses row errors or a plan that exceeds the free committed seats.
/// </summary>
internal static class TakeOverEstate
{
    public static void Map(IEndpointRouteBuilder tenant) =>
        tenant.MapPost("/subscriptions/{subscriptionId:guid}/take-over", HandleAsync).RequireAuthorization(Policies.Staff)
            .Accepts<string>("text/csv")
            .WithSummary("Take over a vendor's current members as seats (dry run by default, apply=true to record).");

    private static async Task<Results<Ok<TakeOverResponse>, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid subscriptionId, bool? apply, HttpRequest httpRequest, ModuleDatabase<SeatsModule> db, VendorCredentials credentials,
        VendorConnectors connectors, CancellationToken ct)
    {
        var (sub, account) = await db.WriteAsync(async uow =>
        {
            var found = await SubscriptionLedger.FindAsync(uow, tenantId, subscriptionId);
            return (found, found is null ? null : await credentials.AccountOfAsync(uow, found));
        }, ct);
        if (sub is null || account is null)
        {
            return Problems.NotFound($"Subscription {subscriptionId} not found.");
        }

        IReadOnlyList<VendorMember> members;
        IReadOnlyList<CsvRowError> errors = [];
        var notes = new List<string>();
        string source;
        var text = await MemberSnapshot.ReadBodyAsync(httpRequest, ct);
        if (text is not null)
        {
            var parsed = CsvMemberExport.Parse(text);
            (members, errors, source) = (parsed.Members, parsed.Errors, "csv");
        }
        else
        {
            var connector = connectors.For(account);
            try
            {
                switch (await connector.ListMembersAsync(account, ct))
                {
                    case VendorReading<VendorMemberList>.Read read:
                        (members, source) = (read.Value.Members, connector.Name);
                        notes.AddRange(read.Value.Notes);
                        break;
                    case VendorReading<VendorMemberList>.Unavailable unavailable:
                        return Problems.Conflict($"{unavailable.Reason} Send the member export as text/csv.");
                    default:
                        throw new InvalidOperationException("unknown reading");
                }
            }
            catch (VendorConnectorException ex)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Vendor call failed", detail: ex.Message);
            }
        }

        var result = await db.WriteAsync<Results<Ok<TakeOverResponse>, ProblemHttpResult>>(async uow =>
        {
            var current = (await SubscriptionLedger.FindAsync(uow, tenantId, subscriptionId))!;
            var people = await uow.QueryAsync<TakeOverPerson>(
                "SELECT person_id AS PersonId, email AS Email, status AS Status FROM people WHERE tenant_id = @tenantId", new { tenantId });
            var seated = (await uow.QueryAsync<Guid>("SELECT person_id FROM seats WHERE subscription_id = @subscriptionId AND status <> 'released'",
                new { subscriptionId })).ToHashSet();
            var plan = TakeOverPlanner.Plan(members, people, seated, current.CommittedQuantity - current.OccupiedSeats, current.TermStart, ParisCalendar.DateOf(uow.Now));
            var response = new TakeOverResponse(false, source, plan.SeatsToCreate, plan.FreeSeats, plan.ShortBy,
                plan.Lines.GroupBy(l => l.Outcome).ToDictionary(g => g.Key, g => g.Count()), plan.Lines, errors, notes);
            if (apply != true)
            {
                return TypedResults.Ok(response);
            }
            if (errors.Count > 0)
            {
                return MemberSnapshot.RowErrorsProblem(errors);
            }
            if (plan.ShortBy > 0)
            {
                return Problems.Conflict($"The vendor has {plan.SeatsToCreate} member(s) to seat but the subscription has {plan.FreeSeats} free committed " +
                                         $"seat(s): raise the committed quantity by {plan.ShortBy} first. Nothing was changed.");
            }
            foreach (var line in plan.Lines.Where(l => l.Outcome == TakeOverOutcomes.CreateSeat))
            {
                if (await SeatLedger.ClaimAsync(uow, current, increaseAllowed: false, "estate take-over") != ClaimOutcome.Claimed)
                {
                    throw new InvalidOperationException("The committed quantity changed during the take-over; retry.");
                }
                var status = line.SeatStatus == "invited" ? SeatStatus.Invited : SeatStatus.Active;
                await SeatLedger.InsertTakenOverAsync(uow, current, line.PersonId!.Value, status, line.StartDate!.Value,
                    $"estate take-over from {source}");
            }
            if (account.Connection is { } connection)
            {
                await MemberSnapshot.ReplaceAsync(uow, tenantId, connection.Id, members, source);
            }
            await uow.AuditAsync("subscription", subscriptionId, "estate_taken_over",
                new { source, seats = plan.SeatsToCreate, response.ByOutcome }, tenantId);
            return TypedResults.Ok(response with { Applied = true });
        }, ct);
        return result;
    }
}
