using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Seats;
using LicenceOps.Seats.Features.VendorAccounts;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// What an opened finding costs its writer in B-trees (ADR 0069): its row, its id key and three indexes; the overview's count of
/// an account's open findings is read from the tenant's index alone, which carries the account and the status.
/// </summary>
public sealed class FindingIndexTests
{
    [Test]
    public async Task A_finding_is_written_into_its_id_key_and_three_indexes_only()
    {
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Demo:Seed"] = "false" });
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        await using var connection = await db.OpenAsync();

        var indexes = (await connection.QueryAsync<string>("SELECT name FROM pragma_index_list('findings') ORDER BY name")).ToList();

        Assert.That(indexes, Is.EqualTo(new[] { "ix_findings_effect", "ix_findings_tenant_effect", "sqlite_autoindex_findings_1", "ux_findings_cause" }));
        var tenantIndex = (await connection.QueryAsync<string>("SELECT name FROM pragma_index_info('ix_findings_tenant_effect') ORDER BY seqno")).ToList();
        Assert.That(tenantIndex, Is.EqualTo(new[] { "tenant_id", "monthly_effect_cents", "id", "vendor_account_id", "status" }),
            "the tenant's list sorts by its first three columns; the overview counts from the last two");
    }

    [Test]
    public async Task The_overview_counts_an_accounts_open_findings_from_the_tenants_index_without_reading_a_finding()
    {
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Demo:Seed"] = "false" });
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        await using var connection = await db.OpenAsync();

        var plan = (await connection.QueryAsync<(long Id, long Parent, long Unused, string Detail)>(
                "EXPLAIN QUERY PLAN " + ReadVendorAccountOverview.OpenCountSql,
                new { tenantIds = new[] { Guid.NewGuid(), Guid.NewGuid() }, ids = new[] { Guid.NewGuid(), Guid.NewGuid() } }))
            .Select(step => step.Detail).ToList();

        Assert.That(plan, Has.Some.Contains("USING COVERING INDEX ix_findings_tenant_effect (tenant_id=?)"), string.Join("; ", plan));
        Assert.That(plan, Has.None.Contains("SCAN findings"), string.Join("; ", plan));
    }

    [Test]
    public async Task The_read_aheads_pending_removals_seek_the_chunks_open_transfer_steps_without_scanning_them_all()
    {
        // Migration 2040 (feat/i11fx): transfer_steps had no index by subscription, and the read-ahead scanned every step of every tenant.
        using var factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Demo:Seed"] = "false" });
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        await using var connection = await db.OpenAsync();

        var plan = (await connection.QueryAsync<(long Id, long Parent, long Unused, string Detail)>(
                "EXPLAIN QUERY PLAN " + LicenceOps.Seats.Reconciliation.ReconciliationInputs.RemovalsSql,
                new { tenantIds = new[] { Guid.NewGuid() }, chunk = new[] { Guid.NewGuid(), Guid.NewGuid() } }))
            .Select(step => step.Detail).ToList();

        Assert.That(plan, Has.Some.Contains("USING INDEX ix_transfer_steps_subscription (subscription_id=?"), string.Join("; ", plan));
        Assert.That(plan, Has.None.Contains("SCAN ts"), string.Join("; ", plan));
    }
}
