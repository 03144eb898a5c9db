using System.Net;
using System.Net.Http.Json;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Features.People;
using LicenceOps.Tenants.Features.Tenants;
using static LicenceOps.IntegrationTests.Tenants.TenantsTestKit;

namespace LicenceOps.IntegrationTests.Tenants;

/// <summary>The factory clock reads 2026-11-23 09:00 UTC (10:00 in Paris): "today" is 2026-11-23.</summary>
public sealed class PeopleEndpointsTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
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

    private async Task<List<PersonView>> PeopleAsync(Guid tenantId, string query = "") =>
        await (await staff.GetAsync($"/api/tenants/{tenantId}/people{query}")).ReadItemsAsync<PersonView>();

    [Test]
    public async Task A_future_joiner_is_joining_and_a_joiner_starting_today_is_active_both_publish_PersonJoined()
    {
        var tenant = await CreateTenantAsync(staff);
        var department = await CreateDepartmentAsync(staff, tenant.Id, "Engineering");

        var later = await JoinAsync(staff, tenant, "later", Today.AddDays(1), department.Id);
        var now = await JoinAsync(staff, tenant, "now", Today, managerId: later.Id);

        Assert.That(later.Status, Is.EqualTo("joining"));
        Assert.That(now.Status, Is.EqualTo("active"));
        Assert.That(now.ManagerId, Is.EqualTo(later.Id));
        var read = await (await staff.GetAsync($"/api/tenants/{tenant.Id}/people/{later.Id}")).ReadAsync<PersonView>();
        Assert.That(read, Is.EqualTo(later));
        Assert.That((await PeopleAsync(tenant.Id, "?status=joining")).Select(p => p.Id), Is.EqualTo(new[] { later.Id }));
        Assert.That((await PeopleAsync(tenant.Id, $"?departmentId={department.Id}")).Select(p => p.Id), Is.EqualTo(new[] { later.Id }));

        var joined = (await factory.PublishedAsync<PersonJoined>()).Where(e => e.TenantId == tenant.Id).ToList();
        Assert.That(joined.Select(e => (e.PersonId, e.StartDate, e.DepartmentId)), Is.EqualTo(new[]
        {
            (later.Id, Today.AddDays(1), (Guid?)department.Id), (now.Id, Today, (Guid?)null),
        }));
        Assert.That(joined[0].Email, Is.EqualTo($"later@{tenant.EmailDomains[0]}"));
        Assert.That(joined[0].DisplayName, Is.EqualTo("First later Last later"));
        Assert.That((await AuditAsync(staff, later.Id)).Single().Action, Is.EqualTo("joined"));
    }

    [Test]
    public async Task An_email_outside_the_tenant_domains_is_400_unless_marked_external()
    {
        var tenant = await CreateTenantAsync(staff);
        var outsider = new { email = "someone@gmail.com", firstName = "Some", lastName = "One", startDate = Today };

        var problem = await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people", outsider)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { "email" }));
        Assert.That(await PeopleAsync(tenant.Id), Is.Empty);

        var external = await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people", new { outsider.email, outsider.firstName, outsider.lastName, outsider.startDate, external = true }))
            .ReadAsync<PersonView>();
        Assert.That(external.IsExternal, Is.True);
    }

    [Test]
    public async Task Missing_fields_and_foreign_references_are_400_and_nothing_is_written()
    {
        var tenant = await CreateTenantAsync(staff);
        var other = await CreateTenantAsync(staff);
        var foreignDepartment = await CreateDepartmentAsync(staff, other.Id, "Elsewhere");
        var foreignPerson = await JoinAsync(staff, other, "boss", Today);
        var outboxBefore = await factory.OutboxCountAsync();

        var missing = await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people", new { email = "not an email" })).ProblemAsync(HttpStatusCode.BadRequest);
        var foreign = await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people", new
        {
            email = $"x@{tenant.EmailDomains[0]}", firstName = "X", lastName = "Y", startDate = Today,
            departmentId = foreignDepartment.Id, managerId = foreignPerson.Id,
        })).ProblemAsync(HttpStatusCode.BadRequest);
        var badDate = await staff.PostAsync($"/api/tenants/{tenant.Id}/people", JsonContent.Create(new { email = $"x@{tenant.EmailDomains[0]}", firstName = "X", lastName = "Y", startDate = "23/11/2026" }));

        Assert.That(missing.ErrorFields(), Is.EquivalentTo(new[] { "email", "firstName", "lastName", "startDate" }));
        Assert.That(foreign.ErrorFields(), Is.EquivalentTo(new[] { "departmentId", "managerId" }));
        await badDate.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(await PeopleAsync(tenant.Id), Is.Empty);
        Assert.That(await factory.OutboxCountAsync(), Is.EqualTo(outboxBefore));
    }

    [Test]
    public async Task The_same_email_twice_in_a_tenant_is_409_whatever_its_case()
    {
        var tenant = await CreateTenantAsync(staff);
        await JoinAsync(staff, tenant, "dup", Today);

        var response = await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people", new
        {
            email = $"DUP@{tenant.EmailDomains[0].ToUpperInvariant()}", firstName = "D", lastName = "Up", startDate = Today,
        });

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.That(await PeopleAsync(tenant.Id), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_move_publishes_PersonMovedDepartment_and_moving_to_another_tenants_department_is_400()
    {
        var tenant = await CreateTenantAsync(staff);
        var other = await CreateTenantAsync(staff);
        var sales = await CreateDepartmentAsync(staff, tenant.Id, "Sales");
        var finance = await CreateDepartmentAsync(staff, tenant.Id, "Finance");
        var foreign = await CreateDepartmentAsync(staff, other.Id, "Foreign");
        var person = await JoinAsync(staff, tenant, "mover", Today.AddDays(-100), sales.Id);

        var moved = await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people/{person.Id}/move", new { departmentId = finance.Id })).ReadAsync<PersonView>();
        await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people/{person.Id}/move", new { departmentId = foreign.Id })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people/{person.Id}/move", new { departmentId = finance.Id })).ProblemAsync(HttpStatusCode.Conflict);

        Assert.That(moved.DepartmentId, Is.EqualTo(finance.Id));
        var read = await (await staff.GetAsync($"/api/tenants/{tenant.Id}/people/{person.Id}")).ReadAsync<PersonView>();
        Assert.That(read.DepartmentId, Is.EqualTo(finance.Id));
        var events = (await factory.PublishedAsync<PersonMovedDepartment>()).Where(e => e.PersonId == person.Id).ToList();
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That((events[0].FromDepartmentId, events[0].ToDepartmentId, events[0].EffectiveDate), Is.EqualTo(((Guid?)sales.Id, (Guid?)finance.Id, Today)));
        Assert.That((await AuditAsync(staff, person.Id)).Select(a => a.Action), Is.EqualTo(new[] { "moved", "joined" }));
    }

    [Test]
    public async Task A_leave_with_a_future_end_date_is_leaving_and_publishes_PersonLeaving_only()
    {
        var tenant = await CreateTenantAsync(staff);
        var person = await JoinAsync(staff, tenant, "leaver", Today.AddYears(-2));

        var leaving = await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people/{person.Id}/leave", new { endDate = Today.AddDays(10) })).ReadAsync<PersonView>();

        Assert.That(leaving.Status, Is.EqualTo("leaving"));
        Assert.That(leaving.EndDate, Is.EqualTo(Today.AddDays(10)));
        Assert.That((await factory.PublishedAsync<PersonLeaving>()).Single(e => e.PersonId == person.Id).EndDate, Is.EqualTo(Today.AddDays(10)));
        Assert.That((await factory.PublishedAsync<PersonLeft>()).Where(e => e.PersonId == person.Id), Is.Empty);
        await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people/{person.Id}/leave", new { endDate = Today.AddDays(20) })).ProblemAsync(HttpStatusCode.Conflict);
        await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people/{person.Id}/move", new { departmentId = (Guid?)null })).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task A_leave_ending_today_is_immediate_and_publishes_PersonLeaving_then_PersonLeft()
    {
        var tenant = await CreateTenantAsync(staff);
        var person = await JoinAsync(staff, tenant, "gone", Today.AddYears(-1));

        var left = await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people/{person.Id}/leave", new { endDate = Today })).ReadAsync<PersonView>();

        Assert.That(left.Status, Is.EqualTo("left"));
        var leaving = (await factory.PublishedAsync<PersonLeaving>()).Single(e => e.PersonId == person.Id);
        var gone = (await factory.PublishedAsync<PersonLeft>()).Single(e => e.PersonId == person.Id);
        Assert.That((leaving.EndDate, gone.EndDate), Is.EqualTo((Today, Today)));
        Assert.That((await AuditAsync(staff, person.Id)).First().Action, Is.EqualTo("left"));
        await (await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}/people/{person.Id}", new { firstName = "A", lastName = "B" })).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task A_leave_without_end_date_or_before_the_start_is_400_and_the_person_stays()
    {
        var tenant = await CreateTenantAsync(staff);
        var person = await JoinAsync(staff, tenant, "stays", Today.AddDays(30));

        var missing = await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people/{person.Id}/leave", new { })).ProblemAsync(HttpStatusCode.BadRequest);
        var early = await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people/{person.Id}/leave", new { endDate = Today.AddDays(29) })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.That(missing.ErrorFields(), Is.EqualTo(new[] { "endDate" }));
        Assert.That(early.ErrorFields(), Is.EqualTo(new[] { "endDate" }));
        var read = await (await staff.GetAsync($"/api/tenants/{tenant.Id}/people/{person.Id}")).ReadAsync<PersonView>();
        Assert.That((read.Status, read.EndDate), Is.EqualTo(("joining", (DateOnly?)null)));
    }

    [Test]
    public async Task Editing_a_person_changes_name_and_manager_and_refuses_a_reporting_loop()
    {
        var tenant = await CreateTenantAsync(staff);
        var boss = await JoinAsync(staff, tenant, "boss", Today.AddYears(-5));
        var report = await JoinAsync(staff, tenant, "report", Today.AddYears(-1), managerId: boss.Id);

        var edited = await (await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}/people/{report.Id}", new { firstName = "Renée", lastName = "Report", managerId = boss.Id }))
            .ReadAsync<PersonView>();
        var loop = await (await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}/people/{boss.Id}", new { firstName = "Big", lastName = "Boss", managerId = report.Id }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.That(edited.DisplayName, Is.EqualTo("Renée Report"));
        Assert.That(loop.ErrorFields(), Is.EqualTo(new[] { "managerId" }));
        var bossNow = await (await staff.GetAsync($"/api/tenants/{tenant.Id}/people/{boss.Id}")).ReadAsync<PersonView>();
        Assert.That((bossNow.FirstName, bossNow.ManagerId), Is.EqualTo((boss.FirstName, (Guid?)null)));
        var audit = await AuditAsync(staff, report.Id);
        Assert.That(audit[0].Action, Is.EqualTo("updated"));
        Assert.That(audit[0].Changes, Does.Contain("firstName").And.Not.Contains("managerId"));
    }

    [Test]
    public async Task A_client_admin_manages_its_own_people_a_viewer_only_reads_and_other_tenants_are_404()
    {
        var own = await CreateTenantAsync(staff);
        var other = await CreateTenantAsync(staff);
        var stranger = await JoinAsync(staff, other, "stranger", Today);
        using var admin = await factory.ClientUserAsync(own.Id, Roles.ClientAdmin);
        using var viewer = await factory.ClientUserAsync(own.Id, Roles.ClientViewer);

        var mine = await JoinAsync(admin, own, "mine", Today.AddDays(3));
        await (await viewer.PostAsJsonAsync($"/api/tenants/{own.Id}/people/{mine.Id}/leave", new { endDate = Today.AddDays(40) })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.GetAsync($"/api/tenants/{other.Id}/people/{stranger.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsJsonAsync($"/api/tenants/{other.Id}/people/{stranger.Id}/leave", new { endDate = Today })).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync($"/api/tenants/{own.Id}/people/{stranger.Id}")).ProblemAsync(HttpStatusCode.NotFound);

        var seen = await (await viewer.GetAsync($"/api/tenants/{own.Id}/people")).ReadItemsAsync<PersonView>();
        Assert.That(seen.Select(p => p.Id), Is.EqualTo(new[] { mine.Id }));
        var strangerNow = await (await staff.GetAsync($"/api/tenants/{other.Id}/people/{stranger.Id}")).ReadAsync<PersonView>();
        Assert.That(strangerNow.Status, Is.EqualTo("active"));
        Assert.That((await AuditAsync(staff, mine.Id)).Single().ActorDisplay, Does.StartWith("client-admin-"));
    }

    [Test]
    public async Task People_of_an_offboarded_tenant_no_longer_change()
    {
        var tenant = await CreateTenantAsync(staff);
        var person = await JoinAsync(staff, tenant, "last", Today.AddYears(-1));
        await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people/{person.Id}/leave", new { endDate = Today })).ReadAsync<PersonView>();
        await (await staff.PostAsync($"/api/tenants/{tenant.Id}/offboard", null)).ReadAsync<TenantView>();

        var response = await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people", new { email = $"new@{tenant.EmailDomains[0]}", firstName = "N", lastName = "Ew", startDate = Today });

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.That(await PeopleAsync(tenant.Id), Has.Count.EqualTo(1));
    }
}
