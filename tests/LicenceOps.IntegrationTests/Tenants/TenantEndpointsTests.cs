using System.Net;
using System.Net.Http.Json;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Features.Tenants;
using static LicenceOps.IntegrationTests.Tenants.TenantsTestKit;

namespace LicenceOps.IntegrationTests.Tenants;

public sealed class TenantEndpointsTests
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

    [Test]
    public async Task Staff_creates_a_tenant_reads_it_back_and_TenantProfileChanged_is_published()
    {
        var domain = NewDomain();
        var response = await staff.PostAsJsonAsync("/api/tenants", FrenchTenant(domain));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var created = await response.ReadAsync<TenantView>();
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/tenants/{created.Id}"));
        Assert.That(created.Siren, Is.EqualTo("732829320"), "stored without the spaces typed");
        Assert.That(created.Status, Is.EqualTo("active"));

        var read = await (await staff.GetAsync($"/api/tenants/{created.Id}")).ReadAsync<TenantView>();
        Assert.That(read.LegalName, Is.EqualTo("Exemple Conseil SARL"));
        Assert.That(read.VatNumber, Is.EqualTo("FR44732829320"));
        Assert.That(read.BillingAddress, Is.EqualTo(new AddressView("3 place de la Bourse", null, "69002", "Lyon")));
        Assert.That(read.EmailDomains, Is.EqualTo(new[] { domain }));

        var published = (await factory.PublishedAsync<TenantProfileChanged>()).Where(e => e.TenantId == created.Id).ToList();
        Assert.That(published, Has.Count.EqualTo(1));
        Assert.That(published[0].Siren, Is.EqualTo("732829320"));
        Assert.That(published[0].Status, Is.EqualTo("active"));
        Assert.That(published[0].City, Is.EqualTo("Lyon"));

        var audit = await AuditAsync(staff, created.Id);
        Assert.That(audit.Select(a => a.Action), Is.EqualTo(new[] { "created" }));
        Assert.That(audit[0].ActorDisplay, Is.EqualTo(LicenceOpsFactory.AdminEmail));
    }

    [Test]
    public async Task Invalid_identifiers_are_400_problem_naming_each_field_and_nothing_is_written()
    {
        var body = FrenchTenant(legalName: "Typo Conseil");
        body["siren"] = "732829321";
        body["siret"] = "7328293200001";
        body["vatNumber"] = "FR45732829320";
        body["countryCode"] = "ZZ"; // two letters, so the field rules let it reach the identifier checks; no such country
        var outboxBefore = await factory.OutboxCountAsync();

        var problem = await (await staff.PostAsJsonAsync("/api/tenants", body)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.That(problem.ErrorFields(), Is.SupersetOf(new[] { "siren", "siret", "vatNumber", "countryCode" }));
        var all = await (await staff.GetAsync("/api/tenants")).ReadItemsAsync<TenantView>();
        Assert.That(all.Select(t => t.LegalName), Does.Not.Contain("Typo Conseil"));
        Assert.That(await factory.OutboxCountAsync(), Is.EqualTo(outboxBefore));
    }

    [Test]
    public async Task A_french_vat_number_for_another_siren_is_refused()
    {
        var body = FrenchTenant();
        body["vatNumber"] = "FR80842157935";

        var problem = await (await staff.PostAsJsonAsync("/api/tenants", body)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { "vatNumber" }));
        Assert.That(problem.GetProperty("errors").GetProperty("vatNumber")[0].GetString(), Does.Contain("FR44732829320"));
    }

    [Test]
    public async Task A_domain_owned_by_another_tenant_is_409_and_nothing_is_written()
    {
        var owner = await CreateTenantAsync(staff);
        var body = FrenchTenant(owner.EmailDomains[0], legalName: "Squatter SAS");

        await (await staff.PostAsJsonAsync("/api/tenants", body)).ProblemAsync(HttpStatusCode.Conflict);

        var all = await (await staff.GetAsync("/api/tenants")).ReadItemsAsync<TenantView>();
        Assert.That(all.Select(t => t.LegalName), Does.Not.Contain("Squatter SAS"));
    }

    [Test]
    public async Task Staff_updates_the_profile_audited_field_by_field_and_published()
    {
        var tenant = await CreateTenantAsync(staff);
        var body = FrenchTenant(tenant.EmailDomains[0]);
        body["billingEmail"] = "nouvelle.compta@" + tenant.EmailDomains[0];
        body["emailDomains"] = new[] { tenant.EmailDomains[0], NewDomain() };

        var updated = await (await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}", body)).ReadAsync<TenantView>();

        Assert.That(updated.BillingEmail, Does.StartWith("nouvelle.compta@"));
        Assert.That(updated.EmailDomains, Has.Count.EqualTo(2));
        var events = (await factory.PublishedAsync<TenantProfileChanged>()).Where(e => e.TenantId == tenant.Id).ToList();
        Assert.That(events, Has.Count.EqualTo(2));
        Assert.That(events[1].BillingEmail, Is.EqualTo(updated.BillingEmail));
        var audit = await AuditAsync(staff, tenant.Id);
        Assert.That(audit[0].Action, Is.EqualTo("updated"));
        Assert.That(audit[0].Changes, Does.Contain("billingEmail").And.Contains("emailDomains").And.Not.Contains("legalName"));
    }

    [Test]
    public async Task An_update_that_changes_nothing_publishes_nothing()
    {
        var tenant = await CreateTenantAsync(staff);

        await (await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}", FrenchTenant(tenant.EmailDomains[0]))).ReadAsync<TenantView>();

        Assert.That((await factory.PublishedAsync<TenantProfileChanged>()).Count(e => e.TenantId == tenant.Id), Is.EqualTo(1));
    }

    [Test]
    public async Task An_invalid_update_is_400_and_leaves_the_profile_unchanged()
    {
        var tenant = await CreateTenantAsync(staff);
        var body = FrenchTenant(tenant.EmailDomains[0], legalName: "Changed Name");
        body["billingAddress"] = new { line1 = "1 rue X", postalCode = "6900", city = "Lyon" };

        var problem = await (await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}", body)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { "billingAddress.postalCode" }));
        var read = await (await staff.GetAsync($"/api/tenants/{tenant.Id}")).ReadAsync<TenantView>();
        Assert.That(read, Is.EqualTo(tenant).Using<TenantView>((a, b) => a.LegalName == b.LegalName && a.BillingAddress == b.BillingAddress && a.UpdatedAt == b.UpdatedAt));
    }

    [Test]
    public async Task Updating_an_unknown_tenant_is_404()
    {
        await (await staff.PutAsJsonAsync($"/api/tenants/{Guid.NewGuid()}", FrenchTenant())).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_domain_still_used_by_a_current_person_cannot_be_removed()
    {
        var tenant = await CreateTenantAsync(staff);
        await JoinAsync(staff, tenant, "user", new DateOnly(2025, 1, 6));
        var body = FrenchTenant(NewDomain());

        var problem = await (await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}", body)).ProblemAsync(HttpStatusCode.Conflict);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(tenant.EmailDomains[0]));
        var read = await (await staff.GetAsync($"/api/tenants/{tenant.Id}")).ReadAsync<TenantView>();
        Assert.That(read.EmailDomains, Is.EqualTo(tenant.EmailDomains));
    }

    [Test]
    public async Task Suspend_reactivate_and_offboard_follow_the_lifecycle_and_each_change_is_published()
    {
        var tenant = await CreateTenantAsync(staff);

        var suspended = await (await staff.PostAsync($"/api/tenants/{tenant.Id}/suspend", null)).ReadAsync<TenantView>();
        Assert.That(suspended.Status, Is.EqualTo("suspended"));
        await (await staff.PostAsync($"/api/tenants/{tenant.Id}/suspend", null)).ProblemAsync(HttpStatusCode.Conflict);
        var reactivated = await (await staff.PostAsync($"/api/tenants/{tenant.Id}/reactivate", null)).ReadAsync<TenantView>();
        Assert.That(reactivated.Status, Is.EqualTo("active"));
        var offboarded = await (await staff.PostAsync($"/api/tenants/{tenant.Id}/offboard", null)).ReadAsync<TenantView>();
        Assert.That(offboarded.Status, Is.EqualTo("offboarded"));

        await (await staff.PostAsync($"/api/tenants/{tenant.Id}/reactivate", null)).ProblemAsync(HttpStatusCode.Conflict);
        await (await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}", FrenchTenant(tenant.EmailDomains[0], "Renamed"))).ProblemAsync(HttpStatusCode.Conflict);
        await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/departments", new { name = "Late" })).ProblemAsync(HttpStatusCode.Conflict);

        var statuses = (await factory.PublishedAsync<TenantProfileChanged>()).Where(e => e.TenantId == tenant.Id).Select(e => e.Status);
        Assert.That(statuses, Is.EqualTo(new[] { "active", "suspended", "active", "offboarded" }));
        var actions = (await AuditAsync(staff, tenant.Id)).Select(a => a.Action).Reverse();
        Assert.That(actions, Is.EqualTo(new[] { "created", "suspended", "reactivated", "offboarded" }));
        var offboardedList = await (await staff.GetAsync("/api/tenants?status=offboarded")).ReadItemsAsync<TenantView>();
        Assert.That(offboardedList.Select(t => t.Id), Does.Contain(tenant.Id));
    }

    [Test]
    public async Task Offboarding_waits_until_everyone_has_left()
    {
        var tenant = await CreateTenantAsync(staff);
        await JoinAsync(staff, tenant, "still.here", new DateOnly(2024, 3, 1));

        var problem = await (await staff.PostAsync($"/api/tenants/{tenant.Id}/offboard", null)).ProblemAsync(HttpStatusCode.Conflict);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("1 people"));
        var read = await (await staff.GetAsync($"/api/tenants/{tenant.Id}")).ReadAsync<TenantView>();
        Assert.That(read.Status, Is.EqualTo("active"));
    }

    [Test]
    public async Task A_client_sees_only_its_own_tenant_and_another_tenants_id_is_404()
    {
        var own = await CreateTenantAsync(staff);
        var other = await CreateTenantAsync(staff);
        using var client = await factory.ClientUserAsync(own.Id, Roles.ClientViewer);

        var list = await (await client.GetAsync("/api/tenants")).ReadItemsAsync<TenantView>();
        Assert.That(list.Select(t => t.Id), Is.EqualTo(new[] { own.Id }));
        Assert.That((await (await client.GetAsync($"/api/tenants/{own.Id}")).ReadAsync<TenantView>()).Id, Is.EqualTo(own.Id));
        await (await client.GetAsync($"/api/tenants/{other.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync($"/api/tenants/{other.Id}/departments")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync($"/api/tenants/{other.Id}/people")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync($"/api/tenants/{other.Id}/people/export")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Client_users_cannot_write_tenants_even_their_own()
    {
        var own = await CreateTenantAsync(staff);
        using var client = await factory.ClientUserAsync(own.Id, Roles.ClientAdmin);

        await (await client.PostAsJsonAsync("/api/tenants", FrenchTenant(legalName: "By Client"))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PutAsJsonAsync($"/api/tenants/{own.Id}", FrenchTenant(own.EmailDomains[0], "By Client"))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PostAsync($"/api/tenants/{own.Id}/suspend", null)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PostAsJsonAsync($"/api/tenants/{own.Id}/departments", new { name = "By Client" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync($"/api/tenants/audit?entityId={own.Id}")).ProblemAsync(HttpStatusCode.Forbidden);

        var read = await (await staff.GetAsync($"/api/tenants/{own.Id}")).ReadAsync<TenantView>();
        Assert.That(read.LegalName, Is.EqualTo(own.LegalName));
        Assert.That(read.Status, Is.EqualTo("active"));
    }

    [Test]
    public async Task Without_a_token_the_api_is_401()
    {
        var response = await factory.AnonymousClient().GetAsync("/api/tenants");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
