using LicenceOps.Billing;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Identity;
using LicenceOps.Platform.Modules;
using LicenceOps.Seats;
using LicenceOps.Support;
using MassTransit;

namespace LicenceOps.IntegrationTests.Messaging;

/// <summary>
/// Every module's read copy of a tenant profile (and Seats' copy of a department) converges to the newest message:
/// an older profile delivered after a newer one, or the newer one delivered twice, changes nothing.
/// </summary>
public sealed class ReadCopyOrderingTests
{
    private static LicenceOpsFactory factory = null!;

    [OneTimeSetUp]
    public static void Start()
    {
        factory = new LicenceOpsFactory();
        _ = factory.Server;
    }

    [OneTimeTearDown]
    public static void Stop() => factory.Dispose();

    private static TenantProfileChanged Profile(Guid tenantId, string name, string status, DateTimeOffset at) =>
        new(tenantId, name, null, null, null, "FR", "1 rue de l'Ordre", null, "75001", "Paris", "billing@order.test", status, at);

    /// <summary>Publishes with a known MessageId and waits until every named module has consumed it (its inbox row).</summary>
    private static async Task DeliverAsync<T>(T message, params Func<Guid, Task<bool>>[] consumed) where T : class
    {
        var messageId = Guid.NewGuid();
        await factory.Service<IBus>().Publish(message, context => context.MessageId = messageId);
        foreach (var check in consumed)
        {
            await Eventually.UntilAsync(() => check(messageId), TimeSpan.FromSeconds(30), $"{typeof(T).Name} {messageId} consumed");
        }
    }

    private static Func<Guid, Task<bool>> Inbox<TModule>() where TModule : IModule => async messageId =>
        await factory.Service<ModuleDatabase<TModule>>().QuerySingleOrDefaultAsync<long>(
            "SELECT COUNT(*) FROM inbox_messages WHERE message_id = @messageId", new { messageId }) > 0;

    private static Task<string?> ValueAsync<TModule>(string sql, Guid id) where TModule : IModule =>
        factory.Service<ModuleDatabase<TModule>>().QuerySingleOrDefaultAsync<string>(sql, new { id });

    [Test]
    public async Task An_older_tenant_profile_after_a_newer_one_changes_no_copy()
    {
        var tenantId = Guid.NewGuid();
        var at = factory.Clock.GetUtcNow();
        var profileConsumers = new[] { Inbox<IdentityModule>(), Inbox<SeatsModule>(), Inbox<BillingModule>(), Inbox<SupportModule>() };

        var newer = Profile(tenantId, "Newer SAS", "suspended", at);
        await DeliverAsync(newer, profileConsumers);
        await DeliverAsync(Profile(tenantId, "Older SAS", "active", at.AddMinutes(-5)), profileConsumers);

        Assert.Multiple(async () =>
        {
            Assert.That(await ValueAsync<IdentityModule>("SELECT legal_name || '/' || status FROM known_tenants WHERE tenant_id = @id", tenantId),
                Is.EqualTo("Newer SAS/suspended"), "Identity");
            Assert.That(await ValueAsync<SeatsModule>("SELECT status FROM known_tenants WHERE tenant_id = @id", tenantId),
                Is.EqualTo("suspended"), "Seats");
            Assert.That(await ValueAsync<BillingModule>("SELECT legal_name || '/' || status FROM billing_tenants WHERE tenant_id = @id", tenantId),
                Is.EqualTo("Newer SAS/suspended"), "Billing");
            Assert.That(await ValueAsync<SupportModule>("SELECT legal_name || '/' || status FROM support_tenants WHERE tenant_id = @id", tenantId),
                Is.EqualTo("Newer SAS/suspended"), "Support");
        });

        // A newer profile still wins over the copy.
        await DeliverAsync(Profile(tenantId, "Newest SAS", "active", at.AddMinutes(5)), profileConsumers);
        Assert.That(await ValueAsync<BillingModule>("SELECT legal_name || '/' || status FROM billing_tenants WHERE tenant_id = @id", tenantId),
            Is.EqualTo("Newest SAS/active"));
    }

    [Test]
    public async Task An_older_department_name_after_a_newer_one_leaves_Seats_on_the_newer()
    {
        var tenantId = Guid.NewGuid();
        var departmentId = Guid.NewGuid();
        var at = factory.Clock.GetUtcNow();

        await DeliverAsync(new DepartmentChanged(departmentId, tenantId, "Finance", at, "active"), Inbox<SeatsModule>());
        await DeliverAsync(new DepartmentChanged(departmentId, tenantId, "Comptabilité", at.AddMinutes(-1), "active"), Inbox<SeatsModule>());

        Assert.That(await ValueAsync<SeatsModule>("SELECT name FROM known_departments WHERE department_id = @id", departmentId), Is.EqualTo("Finance"));
    }
}
