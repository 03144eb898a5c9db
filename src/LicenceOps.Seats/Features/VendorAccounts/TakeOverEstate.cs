using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.Paging;
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
/// date. Without apply it is a dry run, answered here. Apply refuses row errors or a plan that exceeds the free
/// committed seats, then queues a durable job (<see cref="TakeOverJobs"/>) and answers 202 with its location: tens of
/// thousands of seats are not written inside a request, and the job survives the caller and the process.
/// </summary>
internal static class TakeOverEstate
{
    public static void Map(IEndpointRouteBuilder tenant) =>
        tenant.MapPost("/subscriptions/{subscriptionId:guid}/take-over", HandleAsync).RequireAuthorization(Policies.Staff)
            .Accepts<string>("text/csv")
            .WithSummary("Take over a vendor's current members as seats: a dry run by default; apply=true queues a take-over job (202 with its location).");

    private static async Task<Results<Ok<TakeOverResponse>, Accepted<TakeOverJobView>, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid subscriptionId, bool? apply, HttpRequest httpRequest, ModuleDatabase<SeatsModule> db, VendorCredentials credentials,
        VendorConnectors connectors, TakeOverJobs jobs, TakeOverWorker worker, TimeProvider time, CancellationToken ct)
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

        // The check is a read; seats are written by the job. Seats taken between the two are the job's row errors.
        if (await SubscriptionLedger.FindAsync(db, tenantId, subscriptionId, ct) is not { } current)
        {
            return Problems.NotFound($"Subscription {subscriptionId} not found.");
        }
        var people = await db.QueryAsync<TakeOverPerson>(
            "SELECT person_id AS PersonId, email AS Email, status AS Status FROM people WHERE tenant_id = @tenantId", new { tenantId }, ct);
        var seated = (await db.QueryAsync<Guid>("SELECT person_id FROM seats WHERE subscription_id = @subscriptionId AND status <> 'released'",
            new { subscriptionId }, ct)).ToHashSet();
        var plan = TakeOverPlanner.Plan(members, people, seated, current.CommittedQuantity - current.OccupiedSeats, current.TermStart,
            ParisCalendar.Today(time));
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

        // Not bound to the request's cancellation: once the checked list has arrived, queueing is one transaction, and a
        // caller that hangs up right after sending still gets its take-over.
        var fingerprint = TakeOverJobs.Fingerprint(text, members);
        var jobId = await db.WriteAsync(async uow =>
        {
            var queued = await TakeOverJobs.QueueAsync(uow, tenantId, subscriptionId, source, fingerprint, members);
            if (queued is not null)
            {
                if (account.Connection is { Connector: ConnectorKinds.Csv } connection)
                {
                    // The member list is what the vendor has now, whatever the job seats: the CSV connector's reading. An API
                    // connector reads its vendor on every run instead (ADR 0049).
                    await MemberSnapshot.ReplaceAsync(uow, tenantId, connection.Id, members, source);
                }
                uow.OnCommitted(worker.Notify);
            }
            return queued;
        }, CancellationToken.None);
        if (jobId is null)
        {
            // The running job may have finished in between: then the caller is simply told to send it again.
            var active = await jobs.ActiveAsync(subscriptionId, CancellationToken.None);
            return Problems.Conflict(active is null
                ? "A take-over of this subscription was running a moment ago and has just finished; send the member list again."
                : $"A take-over of {(active.Fingerprint == fingerprint ? "this same member list" : "another member list")} is already queued or " +
                  $"running for this subscription ({TakeOverJobs.Location(tenantId, subscriptionId, active.Id)}); wait for it to finish.");
        }

        var view = (await jobs.FindAsync(tenantId, subscriptionId, jobId.Value, CancellationToken.None))!;
        return TypedResults.Accepted(TakeOverJobs.Location(tenantId, subscriptionId, jobId.Value), view);
    }
}

/// <summary>GET .../subscriptions/{id}/take-overs[/{jobId}]: follow estate take-over jobs (staff), within the tenant.</summary>
internal static class ReadTakeOverJobs
{
    public static void Map(IEndpointRouteBuilder tenant)
    {
        tenant.MapGet("/subscriptions/{subscriptionId:guid}/take-overs", ListAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("The subscription's estate take-over jobs, newest first, with their progress counters.");
        tenant.MapGet("/subscriptions/{subscriptionId:guid}/take-overs/{jobId:guid}", GetAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("One estate take-over job: queued/running/succeeded/failed, rows done of total, seats created, row errors, unmatched members.");
    }

    private static async Task<Results<Ok<Page<TakeOverJobSummary>>, ProblemHttpResult>> ListAsync(
        Guid tenantId, Guid subscriptionId, PageRequest page, ModuleDatabase<SeatsModule> db, TakeOverJobs jobs, CancellationToken ct)
    {
        if (await SubscriptionLedger.FindAsync(db, tenantId, subscriptionId, ct) is null)
        {
            return Problems.NotFound($"Subscription {subscriptionId} not found.");
        }
        return TypedResults.Ok(await jobs.ListAsync(tenantId, subscriptionId, page, ct));
    }

    private static async Task<Results<Ok<TakeOverJobView>, ProblemHttpResult>> GetAsync(
        Guid tenantId, Guid subscriptionId, Guid jobId, TakeOverJobs jobs, CancellationToken ct) =>
        await jobs.FindAsync(tenantId, subscriptionId, jobId, ct) is { } job ? TypedResults.Ok(job) : Problems.NotFound($"Take-over job {jobId} not found.");
}
