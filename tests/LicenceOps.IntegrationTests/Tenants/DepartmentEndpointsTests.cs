using System.Net;
using System.Net.Http.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Features.Departments;
using static LicenceOps.IntegrationTests.Tenants.TenantsTestKit;

namespace LicenceOps.IntegrationTests.Tenants;

public sealed class DepartmentEndpointsTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync(Roles.StaffAgent);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    private async Task<List<DepartmentView>> ListAsync(HttpClient client, Guid tenantId) =>
        await (await client.GetAsync($"/api/tenants/{tenantId}/departments")).ReadItemsAsync<DepartmentView>();

    [Test]
    public async Task Staff_create_rename_and_list_departments_with_an_audit_trail()
    {
        var tenant = await CreateTenantAsync(staff);
        var sales = await CreateDepartmentAsync(staff, tenant.Id, "  Sales ");
        await CreateDepartmentAsync(staff, tenant.Id, "Finance");

        var renamed = await (await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}/departments/{sales.Id}", new { name = "Sales & Marketing" }))
            .ReadAsync<DepartmentView>();

        Assert.That(sales.Name, Is.EqualTo("Sales"));
        Assert.That(renamed, Is.EqualTo(sales with { Name = "Sales & Marketing" }));
        Assert.That((await ListAsync(staff, tenant.Id)).Select(d => d.Name), Is.EqualTo(new[] { "Finance", "Sales & Marketing" }));
        using var admin = await factory.StaffClientAsync();
        var audit = await AuditAsync(admin, sales.Id);
        Assert.That(audit.Select(a => a.Action), Is.EqualTo(new[] { "renamed", "created" }));
        var change = System.Text.Json.JsonDocument.Parse(audit[0].Changes!).RootElement.GetProperty("name");
        Assert.That((change.GetProperty("from").GetString(), change.GetProperty("to").GetString()), Is.EqualTo(("Sales", "Sales & Marketing")));
        Assert.That(audit[0].TenantId, Is.EqualTo(tenant.Id));
    }

    [Test]
    public async Task A_duplicate_name_in_any_case_is_409_and_a_blank_name_is_400_and_nothing_changes()
    {
        var tenant = await CreateTenantAsync(staff);
        var finance = await CreateDepartmentAsync(staff, tenant.Id, "Finance");
        var legal = await CreateDepartmentAsync(staff, tenant.Id, "Legal");

        await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/departments", new { name = "FINANCE" })).ProblemAsync(HttpStatusCode.Conflict);
        await (await staff.PutAsJsonAsync($"/api/tenants/{tenant.Id}/departments/{legal.Id}", new { name = "finance" })).ProblemAsync(HttpStatusCode.Conflict);
        var blank = await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/departments", new { name = " " })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await staff.PostAsJsonAsync($"/api/tenants/{tenant.Id}/departments", new { name = new string('x', 101) })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.That(blank.ErrorFields(), Is.EqualTo(new[] { "name" }));
        Assert.That(await ListAsync(staff, tenant.Id), Is.EqualTo(new[] { finance, legal }));
    }

    [Test]
    public async Task The_same_name_may_exist_in_two_tenants()
    {
        var first = await CreateTenantAsync(staff);
        var second = await CreateTenantAsync(staff);

        await CreateDepartmentAsync(staff, first.Id, "Finance");
        await CreateDepartmentAsync(staff, second.Id, "Finance");

        Assert.That((await ListAsync(staff, second.Id)).Single().TenantId, Is.EqualTo(second.Id));
    }

    [Test]
    public async Task Renaming_a_department_of_another_tenant_is_404()
    {
        var first = await CreateTenantAsync(staff);
        var second = await CreateTenantAsync(staff);
        var department = await CreateDepartmentAsync(staff, first.Id, "Finance");

        await (await staff.PutAsJsonAsync($"/api/tenants/{second.Id}/departments/{department.Id}", new { name = "Stolen" })).ProblemAsync(HttpStatusCode.NotFound);

        Assert.That((await ListAsync(staff, first.Id)).Single().Name, Is.EqualTo("Finance"));
    }

    [Test]
    public async Task Clients_read_their_own_departments_only_and_cannot_write_them()
    {
        var own = await CreateTenantAsync(staff);
        var other = await CreateTenantAsync(staff);
        var department = await CreateDepartmentAsync(staff, own.Id, "Finance");
        using var client = await factory.ClientUserAsync(own.Id, Roles.ClientAdmin);

        Assert.That(await ListAsync(client, own.Id), Is.EqualTo(new[] { department }));
        await (await client.GetAsync($"/api/tenants/{other.Id}/departments")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"/api/tenants/{own.Id}/departments", new { name = "Mine" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PutAsJsonAsync($"/api/tenants/{own.Id}/departments/{department.Id}", new { name = "Mine" })).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.That(await ListAsync(staff, own.Id), Is.EqualTo(new[] { department }));
    }

    [Test]
    public async Task Departments_of_an_unknown_tenant_are_404()
    {
        await (await staff.GetAsync($"/api/tenants/{Guid.NewGuid()}/departments")).ProblemAsync(HttpStatusCode.NotFound);
        await (await staff.PostAsJsonAsync($"/api/tenants/{Guid.NewGuid()}/departments", new { name = "X" })).ProblemAsync(HttpStatusCode.NotFound);
    }
}
