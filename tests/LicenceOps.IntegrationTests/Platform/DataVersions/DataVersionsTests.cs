using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Platform.Probe;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Identity;
using Microsoft.Extensions.DependencyInjection;
using Versions = LicenceOps.Platform.Data.DataVersions;

namespace LicenceOps.IntegrationTests.Platform.DataVersions;

/// <summary>ADR 0033 over the probe module's "probe" scope: the triggers, not the writers, keep the versions.</summary>
public sealed class DataVersionsTests
{
    private static readonly Guid TenantA = Guid.NewGuid();
    private static readonly Guid TenantB = Guid.NewGuid();

    private string dataDirectory = null!;
    private RunningHost host = null!;
#pragma warning disable NUnit1032 // the host owns and disposes its module databases
    private ModuleDatabase db = null!;
#pragma warning restore NUnit1032

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        dataDirectory = LicenceOpsFactory.NewDataDirectory();
        host = await RunningHost.StartAsync([new IdentityModule(), new ProbeModule()], dataDirectory);
        db = host.Services.GetRequiredService<ModuleDatabase<ProbeModule>>();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await host.DisposeAsync();
        LicenceOpsFactory.DeleteQuietly(dataDirectory);
    }

    [Test]
    public async Task Every_insert_update_and_delete_moves_the_version_of_that_tenant_only()
    {
        var a0 = await Versions.ReadAsync(db, "probe", TenantA);
        var b0 = await Versions.ReadAsync(db, "probe", TenantB);
        var id = Guid.NewGuid();

        await db.WriteAsync(unit => unit.ExecuteAsync("INSERT INTO probe_items (id, tenant_id, name) VALUES (@id, @tenant, 'x')", new { id, tenant = TenantA }));
        var a1 = await Versions.ReadAsync(db, "probe", TenantA);
        await db.WriteAsync(unit => unit.ExecuteAsync("UPDATE probe_items SET name = 'y' WHERE id = @id", new { id }));
        var a2 = await Versions.ReadAsync(db, "probe", TenantA);
        await db.WriteAsync(unit => unit.ExecuteAsync("DELETE FROM probe_items WHERE id = @id", new { id }));
        var a3 = await Versions.ReadAsync(db, "probe", TenantA);

        Assert.That(new[] { a1, a2, a3 }, Is.Ordered.Ascending.And.All.GreaterThan(a0), "each change moves A's version");
        Assert.That(a1, Is.Not.EqualTo(a2));
        Assert.That(a2, Is.Not.EqualTo(a3));
        Assert.That(await Versions.ReadAsync(db, "probe", TenantB), Is.EqualTo(b0), "B's rows did not change");
        Assert.That(await Versions.ReadAsync(db, "other-scope", TenantA), Is.Zero, "a scope nothing writes to stays at 0");
    }

    [Test]
    public async Task A_row_moved_to_another_tenant_moves_both_versions()
    {
        var id = Guid.NewGuid();
        await db.WriteAsync(unit => unit.ExecuteAsync("INSERT INTO probe_items (id, tenant_id, name) VALUES (@id, @tenant, 'x')", new { id, tenant = TenantA }));
        var a = await Versions.ReadAsync(db, "probe", TenantA);
        var b = await Versions.ReadAsync(db, "probe", TenantB);

        await db.WriteAsync(unit => unit.ExecuteAsync("UPDATE probe_items SET tenant_id = @tenant WHERE id = @id", new { id, tenant = TenantB }));

        Assert.That(await Versions.ReadAsync(db, "probe", TenantA), Is.GreaterThan(a));
        Assert.That(await Versions.ReadAsync(db, "probe", TenantB), Is.GreaterThan(b));
    }

    [Test]
    public async Task A_conditional_update_still_counts_only_its_own_rows()
    {
        var id = Guid.NewGuid();
        await db.WriteAsync(unit => unit.ExecuteAsync("INSERT INTO probe_items (id, tenant_id, name) VALUES (@id, @tenant, 'x')", new { id, tenant = TenantA }));

        var (hit, miss) = await db.WriteAsync(async unit => (
            await unit.ExecuteAsync("UPDATE probe_items SET name = 'y', version = version + 1 WHERE id = @id AND version = 1", new { id }),
            await unit.ExecuteAsync("UPDATE probe_items SET name = 'z', version = version + 1 WHERE id = @id AND version = 1", new { id })));

        Assert.That((hit, miss), Is.EqualTo((1, 0)), "the trigger's upsert is not counted as an affected row");
    }

    [Test]
    public async Task A_transaction_sees_its_own_bumps_others_see_them_only_once_committed_and_a_rollback_leaves_none()
    {
        var before = await Versions.ReadAsync(db, "probe", TenantA);

        var (inside, outsideMeanwhile) = await db.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync("INSERT INTO probe_items (id, tenant_id, name) VALUES (@id, @tenant, 'x')", new { id = Guid.NewGuid(), tenant = TenantA });
            return (await Versions.ReadAsync(unit, "probe", TenantA), await Versions.ReadAsync(db, "probe", TenantA));
        });
        Assert.That(inside, Is.GreaterThan(before));
        Assert.That(outsideMeanwhile, Is.EqualTo(before), "a reader outside the transaction sees the committed version");
        var committed = await Versions.ReadAsync(db, "probe", TenantA);
        Assert.That(committed, Is.EqualTo(inside));

        Assert.ThrowsAsync<InvalidOperationException>(() => db.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync("INSERT INTO probe_items (id, tenant_id, name) VALUES (@id, @tenant, 'x')", new { id = Guid.NewGuid(), tenant = TenantA });
            throw new InvalidOperationException("roll back");
        }));
        Assert.That(await Versions.ReadAsync(db, "probe", TenantA), Is.EqualTo(committed));
    }

    [Test]
    public async Task The_kit_finds_a_table_the_scope_does_not_cover()
    {
        await DataVersionsKit.AssertScopeCoversAsync(db, "probe", "probe_items");

        Assert.That(await DataVersionsKit.MissingTriggersAsync(db, "probe", "probe_items", "probe_consumed"),
            Is.EqualTo(new[] { "dv_probe_probe_consumed_ins", "dv_probe_probe_consumed_upd", "dv_probe_probe_consumed_del" }));
        Assert.That(await DataVersionsKit.MissingTriggersAsync(db, "other", "probe_items"), Has.Count.EqualTo(3),
            "the triggers of another scope do not count");
    }
}
