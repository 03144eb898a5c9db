using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Features.VendorAccounts;

/// <summary>A subscription connected to a vendor account: what the account's members are compared with.</summary>
public sealed record ConnectedSubscription(Guid Id, string ProductName, int CommittedQuantity);

/// <summary>
/// A vendor account with what staff check on its reconciliation: the schedule (in <see cref="VendorAccountResponse.Reconciliation"/>),
/// the last run with its outcome, when Hangfire runs it next, and how many of its findings are open.
/// </summary>
/// <param name="NextRunAt">The next time its recurring job fires (UTC), or null when it has none (turned off, nothing to read).</param>
public sealed record VendorAccountOverview(
    VendorAccountResponse Account, IReadOnlyList<ConnectedSubscription> Subscriptions, ReconciliationRunResult? LastRun, DateTimeOffset? NextRunAt,
    int OpenFindings)
{
    /// <summary>The account's id, at the top as every list item has it.</summary>
    public Guid Id => Account.Id;

    /// <summary>The intervals the schedule accepts (minutes), so a client offers only those.</summary>
    public IReadOnlyList<int> AllowedIntervalMinutes => ReconciliationCron.Allowed;
}

/// <summary>
/// GET /api/vendor-accounts[?tenantId=] and GET /api/vendor-accounts/{id} (staff): every tenant's vendor accounts with their
/// reconciliation schedule, last run, next run and open findings, oldest account first, keyset-paged. The portal's
/// vendor-account pages read these; the figures are read per page (a few grouped queries), never over the whole table.
/// </summary>
internal static class ReadVendorAccountOverview
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/vendor-accounts", ListAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Vendor accounts across tenants (filter: tenantId) with reconciliation schedule, last run, next run and open findings.");
        api.MapGet("/vendor-accounts/{accountId:guid}", GetAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("One vendor account of any tenant with its reconciliation schedule, last run, next run and open findings.");
    }

    private static async Task<Ok<Page<VendorAccountOverview>>> ListAsync(
        Guid? tenantId, PageRequest page, ModuleDatabase<SeatsModule> db, ReconciliationScheduler scheduler, IOptions<SeatsOptions> options, CancellationToken ct)
    {
        var rows = await VendorAccountRow.ByCreation.ReadAsync(db, VendorAccountRow.SelectSql,
            // Only the filter asked for goes into the SQL (ADR 0028): the across-tenants list reads in key order.
            tenantId is null ? "1 = 1" : "tenant_id = @tenantId", new { tenantId }, page, ct);
        var overviews = await OverviewsAsync(rows.Items, db, scheduler, options.Value.Reconciliation.IntervalMinutes, ct);
        return TypedResults.Ok(rows.Map(r => overviews[r.Id]));
    }

    private static async Task<Results<Ok<VendorAccountOverview>, ProblemHttpResult>> GetAsync(
        Guid accountId, ModuleDatabase<SeatsModule> db, ReconciliationScheduler scheduler, IOptions<SeatsOptions> options, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @accountId", new { accountId }, ct);
        if (row is null)
        {
            return Problems.NotFound($"Vendor account {accountId} not found.");
        }
        return TypedResults.Ok((await OverviewsAsync([row], db, scheduler, options.Value.Reconciliation.IntervalMinutes, ct))[row.Id]);
    }

    /// <summary>
    /// The open findings of a page's accounts, read through their tenants: findings have no index by account (ADR 0069: one
    /// B-tree less for every finding a first run opens); the tenant's index carries the account and the status, so the count
    /// reads those tenants' index entries and no finding row.
    /// </summary>
    internal const string OpenCountSql = """
        SELECT vendor_account_id AS AccountId, COUNT(*) AS Count FROM findings
        WHERE tenant_id IN @tenantIds AND vendor_account_id IN @ids AND status = 'open'
        GROUP BY vendor_account_id
        """;

    private static async Task<IReadOnlyDictionary<Guid, VendorAccountOverview>> OverviewsAsync(
        IReadOnlyList<VendorAccountRow> rows, ModuleDatabase<SeatsModule> db, ReconciliationScheduler scheduler, int defaultMinutes, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return new Dictionary<Guid, VendorAccountOverview>();
        }
        var ids = rows.Select(r => r.Id).ToArray();
        var subscriptions = (await db.QueryAsync<SubscriptionLink>(
            """
            SELECT s.id AS Id, s.connected_account_id AS AccountId, p.product_name AS ProductName, s.committed_quantity AS CommittedQuantity
            FROM subscriptions s JOIN catalogue_plans p ON p.code = s.plan_code
            WHERE s.connected_account_id IN @ids ORDER BY s.created_at, s.id
            """, new { ids }, ct)).ToLookup(s => s.AccountId);
        var lastRuns = (await db.QueryAsync<ReconciliationRunResult>(ReconciliationRunner.RunSelectSql +
                """
                 WHERE vendor_account_id IN @ids
                   AND id = (SELECT MIN(l.id) FROM reconciliation_runs l WHERE l.vendor_account_id = reconciliation_runs.vendor_account_id
                             AND l.started_at = (SELECT MAX(m.started_at) FROM reconciliation_runs m WHERE m.vendor_account_id = reconciliation_runs.vendor_account_id))
                """, new { ids }, ct))
            .ToDictionary(r => r.VendorAccountId);
        var open = (await db.QueryAsync<OpenCount>(OpenCountSql, new { tenantIds = rows.Select(r => r.TenantId).Distinct().ToArray(), ids }, ct))
            .ToDictionary(c => c.AccountId, c => (int)c.Count);
        var next = scheduler.NextRuns(ids);
        return rows.ToDictionary(r => r.Id, r =>
        {
            var links = subscriptions[r.Id].ToList();
            return new VendorAccountOverview(
                VendorAccountResponse.From(r, links.Select(l => l.Id).ToList(), defaultMinutes),
                links.Select(l => new ConnectedSubscription(l.Id, l.ProductName, l.CommittedQuantity)).ToList(),
                lastRuns.GetValueOrDefault(r.Id), next.TryGetValue(r.Id, out var at) ? at : null, open.GetValueOrDefault(r.Id));
        });
    }

    private sealed class SubscriptionLink
    {
        public Guid Id { get; set; }
        public Guid AccountId { get; set; }
        public string ProductName { get; set; } = "";
        public int CommittedQuantity { get; set; }
    }

    private sealed class OpenCount
    {
        public Guid AccountId { get; set; }
        public long Count { get; set; }
    }
}
