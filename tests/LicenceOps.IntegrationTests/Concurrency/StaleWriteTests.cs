using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Seats;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Seats;
using LicenceOps.Tenants;
using LicenceOps.Tenants.Features.People;
using LicenceOps.Tenants.Features.Tenants;
using static LicenceOps.IntegrationTests.Tenants.TenantsTestKit;

namespace LicenceOps.IntegrationTests.Concurrency;

/// <summary>
/// Issue 7: every conditional update added as a race guard is proven by a stale write. SQLite serialises writers, so a
/// second request can never slip between a handler's read and its write here; <see cref="StaleWrite"/> plays that
/// other writer deterministically, inside the handler's transaction right before its guarded UPDATE (what a
/// read-committed SQL Server lets a concurrent request do for real). Each test then expects the 409, and that the
/// stale request changed nothing: the other writer's change stands, no audit entry, no event. Each fails with its guard
/// removed from the UPDATE's WHERE.
/// </summary>
public sealed class StaleWriteTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    private ModuleDatabase<TenantsModule> Tenants => factory.Service<ModuleDatabase<TenantsModule>>();

    private async Task<long> TenantsCountAsync(string sql, object? param = null)
    {
        await using var connection = await Tenants.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, param);
    }

    private DateTimeOffset Later => factory.Clock.GetUtcNow().AddMinutes(1);

    [Test]
    public async Task Person_edit()
    {
        var tenant = await CreateTenantAsync(staff);
        var person = await JoinAsync(staff, tenant, "edited", new DateOnly(2026, 1, 5));
        var audits = await TenantsCountAsync("SELECT COUNT(*) FROM audit_log WHERE entity_id = @id", new { id = person.Id });

        using (StaleWrite.Arm(Tenants, "UPDATE people SET first_name",
                   "UPDATE people SET last_name = 'Concurrent', version = version + 1, updated_at = @at WHERE id = @id", new { id = person.Id, at = Later }))
        {
            var stale = await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}/people/{person.Id}", new { firstName = "Stale", lastName = person.LastName });
            await stale.ProblemAsync(HttpStatusCode.Conflict);
        }

        var after = await (await staff.GetAsync($"/api/tenants/{tenant.Id}/people/{person.Id}")).ReadAsync<PersonView>();
        Assert.That((after.FirstName, after.LastName), Is.EqualTo((person.FirstName, "Concurrent")));
        Assert.That(await TenantsCountAsync("SELECT COUNT(*) FROM audit_log WHERE entity_id = @id", new { id = person.Id }), Is.EqualTo(audits));
    }

    [Test]
    public async Task Tenant_profile()
    {
        var tenant = await CreateTenantAsync(staff);
        var body = FrenchTenant(tenant.EmailDomains[0], legalName: "Stale SARL");
        var events = await factory.OutboxCountAsync();

        using (StaleWrite.Arm(Tenants, "UPDATE tenants SET legal_name",
                   "UPDATE tenants SET billing_email = @email, updated_at = @at WHERE id = @id",
                   new { id = tenant.Id, at = Later, email = "autre@" + tenant.EmailDomains[0] }))
        {
            await (await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}", body)).ProblemAsync(HttpStatusCode.Conflict);
        }

        var after = await (await staff.GetAsync($"/api/tenants/{tenant.Id}")).ReadAsync<TenantView>();
        Assert.That((after.LegalName, after.BillingEmail), Is.EqualTo((tenant.LegalName, "autre@" + tenant.EmailDomains[0])));
        Assert.That(await factory.OutboxCountAsync(), Is.EqualTo(events), "no TenantProfileChanged for the stale write");
    }

    [Test]
    public async Task Tenant_status()
    {
        var tenant = await CreateTenantAsync(staff);
        var events = await factory.OutboxCountAsync();
        var audits = await TenantsCountAsync("SELECT COUNT(*) FROM audit_log WHERE entity_id = @id", new { id = tenant.Id });

        // Another staff member suspended the tenant between this request's read (active) and its write.
        using (StaleWrite.Arm(Tenants, "UPDATE tenants SET status",
                   "UPDATE tenants SET status = 'suspended', updated_at = @at WHERE id = @id", new { id = tenant.Id, at = Later }))
        {
            await (await staff.PostAsync($"/api/tenants/{tenant.Id}/suspend", null)).ProblemAsync(HttpStatusCode.Conflict);
        }

        Assert.That((await (await staff.GetAsync($"/api/tenants/{tenant.Id}")).ReadAsync<TenantView>()).Status, Is.EqualTo("suspended"));
        Assert.That(await factory.OutboxCountAsync(), Is.EqualTo(events), "suspended once: no second event");
        Assert.That(await TenantsCountAsync("SELECT COUNT(*) FROM audit_log WHERE entity_id = @id", new { id = tenant.Id }), Is.EqualTo(audits));
    }

    [Test]
    public async Task Department_rename()
    {
        var tenant = await CreateTenantAsync(staff);
        var department = await CreateDepartmentAsync(staff, tenant.Id, "Ventes");
        var events = await factory.OutboxCountAsync();

        using (StaleWrite.Arm(Tenants, "UPDATE departments SET name",
                   "UPDATE departments SET name = 'Concurrent', name_key = 'concurrent' WHERE id = @id", new { id = department.Id }))
        {
            await (await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}/departments/{department.Id}", new { name = "Stale" })).ProblemAsync(HttpStatusCode.Conflict);
        }

        Assert.That(await TenantsCountAsync("SELECT COUNT(*) FROM departments WHERE id = @id AND name = 'Concurrent'", new { id = department.Id }), Is.EqualTo(1));
        Assert.That(await factory.OutboxCountAsync(), Is.EqualTo(events), "no DepartmentChanged for the stale rename");
    }

    [Test]
    public async Task People_import_plan()
    {
        var tenant = await CreateTenantAsync(staff);
        var finance = await CreateDepartmentAsync(staff, tenant.Id, "Finance");
        var person = await JoinAsync(staff, tenant, "imported", new DateOnly(2026, 1, 5), finance.Id);
        var file = $"email,first_name,last_name,department,manager_email,start_date,external\n{person.Email},Renamed,{person.LastName},Finance,,2026-01-05,false\n";

        // The person was moved out of Finance after the import planned from them: the plan is stale, the whole file rolls back.
        using (StaleWrite.Arm(Tenants, "UPDATE people SET first_name",
                   "UPDATE people SET department_id = NULL, version = version + 1 WHERE id = @id", new { id = person.Id }))
        {
            var stale = await staff.PostAsync($"/api/tenants/{tenant.Id}/people/import?mode=apply", new StringContent(file, Encoding.UTF8, "text/csv"));
            await stale.ProblemAsync(HttpStatusCode.Conflict);
        }

        var after = await (await staff.GetAsync($"/api/tenants/{tenant.Id}/people/{person.Id}")).ReadAsync<PersonView>();
        Assert.That((after.FirstName, after.DepartmentId), Is.EqualTo((person.FirstName, (Guid?)finance.Id)), "nothing was imported (the file rolled back whole)");
    }

    [Test]
    public async Task Subscription_price()
    {
        var tenantId = DemoData.NordwindTenantId;
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-monthly", quantity: 2);
        var announcements = await SeatsKit.OutboxCountAsync(factory, "SubscriptionQuantityChanged");

        using (StaleWrite.Arm(SeatsKit.Db(factory), "UPDATE subscriptions SET sale_price_per_seat_eur",
                   "UPDATE subscriptions SET sale_price_per_seat_eur = 99 WHERE id = @id", new { id = sub.Id() }))
        {
            var stale = await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{sub.Id()}/price", new { salePricePerSeatEur = 40m });
            await SeatsKit.AssertProblemAsync(stale, HttpStatusCode.Conflict);
        }

        var after = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}");
        Assert.That(after.GetProperty("salePricePerSeatEur").GetDecimal(), Is.EqualTo(99m), "the other writer's price stands");
        Assert.That(await SeatsKit.OutboxCountAsync(factory, "SubscriptionQuantityChanged"), Is.EqualTo(announcements), "Billing hears of no stale price");
    }

    [Test]
    public async Task Transfer_retry()
    {
        var tenantId = DemoData.NordwindTenantId;
        var department = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-monthly", quantity: 3);
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, department, sub.Id());
        var personId = await SeatsKit.PersonJoinsAsync(factory, tenantId, department);
        await Eventually.UntilAsync(async () => (await WorkflowKit.TransfersAsync(staff, tenantId, personId)).Count == 1);
        var transferId = (await WorkflowKit.TransferAsync(staff, tenantId, personId, "onboarding")).Id();
        await using (var connection = await SeatsKit.Db(factory).OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE transfers SET status = 'needs_attention', attention_reason = 'vendor down' WHERE id = @transferId", new { transferId });
        }

        // A colleague's retry (or the engine) moved the transfer on between this retry's read and its write.
        using (StaleWrite.Arm(SeatsKit.Db(factory), "UPDATE transfers SET status = 'running'",
                   "UPDATE transfers SET status = 'completed', attention_reason = NULL WHERE id = @transferId", new { transferId }))
        {
            await SeatsKit.AssertProblemAsync(await staff.PostAsync($"/api/tenants/{tenantId}/transfers/{transferId}/retry", null), HttpStatusCode.Conflict);
        }

        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM transfers WHERE id = @transferId AND status = 'completed'", new { transferId }), Is.EqualTo(1));
    }
}

/// <summary>The collections job's guard: a payment recorded between its read of the due invoices and its overdue mark.</summary>
public sealed class StaleCollectionsTests
{
    [Test]
    public async Task An_invoice_paid_between_the_read_and_the_overdue_mark_stays_paid()
    {
        using var factory = new LicenceOpsFactory(LicenceOps.IntegrationTests.Billing.BillingWorld.Settings());
        var world = new LicenceOps.IntegrationTests.Billing.BillingWorld(factory);
        var tenant = await world.TenantAsync("Paie Juste SAS", "FR", null, "987654321");
        await world.SubscriptionAsync(tenant, "OpenAI", "ChatGPT Team", 2, 2, new DateOnly(2026, 9, 1), 25m, "USD", false, 27.50m);
        using var staff = await factory.StaffClientAsync(LicenceOps.Platform.Security.Roles.StaffBilling);
        await LicenceOps.IntegrationTests.Billing.BillingWorld.RunAsync(staff, "2026-10", issue: true);
        var invoice = (await LicenceOps.IntegrationTests.Billing.BillingWorld.InvoiceOfAsync(staff, tenant, "2026-10")).GetProperty("id").GetGuid();
        factory.Clock.Advance(TimeSpan.FromDays(31)); // past the due date
        var audits = await world.CountAsync("SELECT COUNT(*) FROM audit_log WHERE entity_id = @invoice AND action = 'overdue'", new { invoice });

        LicenceOps.Billing.Jobs.CollectionsResult result;
        using (StaleWrite.Arm(world.Database, "UPDATE invoices SET status = 'overdue'",
                   "UPDATE invoices SET status = 'paid' WHERE id = @invoice", new { invoice }))
        {
            result = await factory.Service<LicenceOps.Billing.Jobs.CollectionsJob>().RunAsync(CancellationToken.None);
        }

        Assert.That(result.MarkedOverdue, Is.Zero);
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoices WHERE id = @invoice AND status = 'paid'", new { invoice }), Is.EqualTo(1));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM audit_log WHERE entity_id = @invoice AND action = 'overdue'", new { invoice }), Is.EqualTo(audits));
    }
}

/// <summary>Plays another writer between a handler's read and its guarded UPDATE (see <see cref="ModuleDatabase.BeforeStatement"/>).</summary>
internal static class StaleWrite
{
    /// <summary>Before the first statement containing <paramref name="marker"/>, runs <paramref name="otherWriter"/> in the same transaction, once.</summary>
    public static IDisposable Arm(ModuleDatabase database, string marker, string otherWriter, object? param = null)
    {
        var armed = 1;
        database.BeforeStatement = async (uow, sql) =>
        {
            if (sql.Contains(marker, StringComparison.Ordinal) && Interlocked.Exchange(ref armed, 0) == 1)
            {
                var changed = await uow.Connection.ExecuteAsync(otherWriter, param, uow.Transaction);
                Assert.That(changed, Is.EqualTo(1), "the other writer changed the row");
            }
        };
        return new Disarm(database, () => Assert.That(armed, Is.Zero, $"no statement matched '{marker}'"));
    }

    private sealed class Disarm(ModuleDatabase database, Action check) : IDisposable
    {
        public void Dispose()
        {
            database.BeforeStatement = null;
            check();
        }
    }
}
