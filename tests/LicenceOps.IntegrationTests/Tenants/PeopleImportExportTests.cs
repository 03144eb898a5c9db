using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Features.Departments;
using LicenceOps.Tenants.Features.People;
using LicenceOps.Tenants.Features.People.ImportPeople;
using LicenceOps.Tenants.Features.Tenants;
using static LicenceOps.IntegrationTests.Tenants.TenantsTestKit;

namespace LicenceOps.IntegrationTests.Tenants;

public sealed class PeopleImportExportTests
{
    private const string Header = "email,first_name,last_name,department,manager_email,start_date,external";
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

    private sealed record Setup(TenantView Tenant, DepartmentView Finance, DepartmentView Sales, PersonView Boss)
    {
        public string Domain => Tenant.EmailDomains[0];
    }

    private async Task<Setup> SetUpTenantAsync()
    {
        var tenant = await CreateTenantAsync(staff);
        var finance = await CreateDepartmentAsync(staff, tenant.Id, "Finance");
        var sales = await CreateDepartmentAsync(staff, tenant.Id, "Sales");
        var boss = await JoinAsync(staff, tenant, "boss", new DateOnly(2020, 1, 1), finance.Id);
        return new Setup(tenant, finance, sales, boss);
    }

    private static string ValidFile(Setup s) => $"""
        {Header}
        boss@{s.Domain},First boss,Last boss,Sales,,2020-01-01,false
        new1@{s.Domain},New,One,finance,boss@{s.Domain},2026-12-01,
        new2@{s.Domain},New,Two,,new1@{s.Domain},01/11/2026,no
        """;

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private Task<HttpResponseMessage> ImportAsync(HttpClient client, Guid tenantId, string mode, string text) =>
        client.PostAsync($"/api/tenants/{tenantId}/people/import?mode={mode}", Csv(text));

    private async Task<List<PersonView>> PeopleAsync(Guid tenantId) =>
        await (await staff.GetAsync($"/api/tenants/{tenantId}/people")).ReadItemsAsync<PersonView>();

    [Test]
    public async Task A_dry_run_reports_what_would_be_created_and_updated_and_writes_nothing()
    {
        var s = await SetUpTenantAsync();
        var outboxBefore = await factory.OutboxCountAsync();

        var report = await (await ImportAsync(staff, s.Tenant.Id, "dry-run", ValidFile(s))).ReadAsync<ImportReport>();

        Assert.That(report.Applied, Is.False);
        Assert.That(report.Errors, Is.Empty);
        Assert.That(report.Created.Select(c => (c.Row, c.Email, c.Department, c.Status)), Is.EqualTo(new[]
        {
            (3, $"new1@{s.Domain}", (string?)"Finance", "joining"), (4, $"new2@{s.Domain}", (string?)null, "active"),
        }));
        Assert.That(report.Updated.Single(), Is.EqualTo(new UpdatedPerson(2, $"boss@{s.Domain}", ["department"])).Using<UpdatedPerson>((a, b) => a.Row == b.Row && a.Email == b.Email && a.Changes.SequenceEqual(b.Changes)));
        var people = await PeopleAsync(s.Tenant.Id);
        Assert.That(people.Select(p => (p.Email, p.DepartmentId)), Is.EqualTo(new[] { (s.Boss.Email, (Guid?)s.Finance.Id) }));
        Assert.That(await factory.OutboxCountAsync(), Is.EqualTo(outboxBefore));
    }

    [Test]
    public async Task A_dry_run_lists_row_errors_with_row_field_and_message()
    {
        var s = await SetUpTenantAsync();
        var file = ValidFile(s) + $"""

            someone@gmail.com,Some,One,,,2026-12-01,
            x@{s.Domain},X,Y,Marketing,,2026-12-01,
            y@{s.Domain},,Y,,,2026-13-01,
            """;

        var report = await (await ImportAsync(staff, s.Tenant.Id, "dry-run", file)).ReadAsync<ImportReport>();

        Assert.That(report.Errors.Select(e => (e.Row, e.Field)), Is.EqualTo(new[]
        {
            (5, "email"), (6, "department"), (7, "first_name"), (7, "start_date"),
        }));
        Assert.That(report.Errors[1].Message, Does.Contain("Marketing"));
        Assert.That(report.Created, Has.Count.EqualTo(2));
        Assert.That(await PeopleAsync(s.Tenant.Id), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Apply_with_any_error_is_422_with_the_row_errors_and_writes_nothing()
    {
        var s = await SetUpTenantAsync();
        var outboxBefore = await factory.OutboxCountAsync();
        var file = ValidFile(s) + "\nsomeone@gmail.com,Some,One,,,2026-12-01,\n";

        var problem = await (await ImportAsync(staff, s.Tenant.Id, "apply", file)).ProblemAsync(HttpStatusCode.UnprocessableEntity);

        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That((errors[0].GetProperty("row").GetInt32(), errors[0].GetProperty("field").GetString()), Is.EqualTo((5, "email")));
        Assert.That(errors[0].GetProperty("message").GetString(), Does.Contain("gmail.com"));
        var people = await PeopleAsync(s.Tenant.Id);
        Assert.That(people.Select(p => (p.Email, p.DepartmentId)), Is.EqualTo(new[] { (s.Boss.Email, (Guid?)s.Finance.Id) }));
        Assert.That(await factory.OutboxCountAsync(), Is.EqualTo(outboxBefore));
    }

    [Test]
    public async Task Apply_creates_and_updates_people_publishing_their_events()
    {
        var s = await SetUpTenantAsync();

        var report = await (await ImportAsync(staff, s.Tenant.Id, "apply", ValidFile(s))).ReadAsync<ImportReport>();

        Assert.That(report.Applied, Is.True);
        var people = (await PeopleAsync(s.Tenant.Id)).ToDictionary(p => p.Email.Split('@')[0]);
        Assert.That(people.Keys, Is.EquivalentTo(new[] { "boss", "new1", "new2" }));
        Assert.That(people["boss"].DepartmentId, Is.EqualTo(s.Sales.Id));
        Assert.That((people["new1"].Status, people["new1"].DepartmentId, people["new1"].ManagerId), Is.EqualTo(("joining", (Guid?)s.Finance.Id, (Guid?)s.Boss.Id)));
        Assert.That((people["new2"].Status, people["new2"].StartDate, people["new2"].ManagerId), Is.EqualTo(("active", new DateOnly(2026, 11, 1), (Guid?)people["new1"].Id)));

        var joined = (await factory.PublishedAsync<PersonJoined>()).Where(e => e.TenantId == s.Tenant.Id).Select(e => e.PersonId);
        Assert.That(joined, Is.EquivalentTo(new[] { s.Boss.Id, people["new1"].Id, people["new2"].Id }));
        var moved = (await factory.PublishedAsync<PersonMovedDepartment>()).Single(e => e.TenantId == s.Tenant.Id);
        Assert.That((moved.PersonId, moved.FromDepartmentId, moved.ToDepartmentId), Is.EqualTo((s.Boss.Id, (Guid?)s.Finance.Id, (Guid?)s.Sales.Id)));
        Assert.That((await AuditAsync(staff, s.Tenant.Id))[0].Action, Is.EqualTo("people-imported"));
        Assert.That((await AuditAsync(staff, people["new1"].Id)).Single().Changes, Does.Contain("import"));

        var rerun = await (await ImportAsync(staff, s.Tenant.Id, "apply", ValidFile(s))).ReadAsync<ImportReport>();
        Assert.That((rerun.Created.Count, rerun.Updated.Count, rerun.UnchangedRows.Count), Is.EqualTo((0, 0, 3)), "importing the same file again changes nothing");
    }

    [Test]
    public async Task An_unreadable_file_or_a_wrong_mode_is_400()
    {
        var s = await SetUpTenantAsync();

        var missingColumns = await (await ImportAsync(staff, s.Tenant.Id, "dry-run", "email,first_name\na@b.fr,A\n")).ProblemAsync(HttpStatusCode.BadRequest);
        var wrongMode = await (await ImportAsync(staff, s.Tenant.Id, "maybe", ValidFile(s))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await ImportAsync(staff, s.Tenant.Id, "apply", "")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.That(missingColumns.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()),
            Is.EquivalentTo(new[] { "last_name", "department", "manager_email", "start_date", "external" }));
        Assert.That(wrongMode.ErrorFields(), Is.EqualTo(new[] { "mode" }));
        Assert.That(await PeopleAsync(s.Tenant.Id), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_file_uploaded_as_a_multipart_form_is_read_too()
    {
        var s = await SetUpTenantAsync();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(ValidFile(s)));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "hr-export.csv");

        var report = await (await staff.PostAsync($"/api/tenants/{s.Tenant.Id}/people/import?mode=dry-run", form)).ReadAsync<ImportReport>();

        Assert.That(report.Created, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Clients_import_only_as_admins_of_their_own_tenant()
    {
        var s = await SetUpTenantAsync();
        var other = await CreateTenantAsync(staff);
        using var viewer = await factory.ClientUserAsync(s.Tenant.Id, Roles.ClientViewer);
        using var otherAdmin = await factory.ClientUserAsync(other.Id, Roles.ClientAdmin);
        using var admin = await factory.ClientUserAsync(s.Tenant.Id, Roles.ClientAdmin);

        await (await ImportAsync(viewer, s.Tenant.Id, "apply", ValidFile(s))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await ImportAsync(otherAdmin, s.Tenant.Id, "apply", ValidFile(s))).ProblemAsync(HttpStatusCode.NotFound);
        Assert.That(await PeopleAsync(s.Tenant.Id), Has.Count.EqualTo(1));

        var report = await (await ImportAsync(admin, s.Tenant.Id, "apply", ValidFile(s))).ReadAsync<ImportReport>();
        Assert.That(report.Applied, Is.True);
    }

    [Test]
    public async Task The_export_is_csv_in_the_import_columns_and_reimports_unchanged()
    {
        var s = await SetUpTenantAsync();
        await (await ImportAsync(staff, s.Tenant.Id, "apply", ValidFile(s))).ReadAsync<ImportReport>();
        var gone = await JoinAsync(staff, s.Tenant, "gone", new DateOnly(2021, 5, 3));
        await (await staff.PostAsync($"/api/tenants/{s.Tenant.Id}/people/{gone.Id}/leave", System.Net.Http.Json.JsonContent.Create(new { endDate = "2026-11-01" }))).ReadAsync<PersonView>();

        var response = await staff.GetAsync($"/api/tenants/{s.Tenant.Id}/people/export");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        var csv = await response.Content.ReadAsStringAsync();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.That(lines[0], Is.EqualTo(Header + ",status,end_date"));
        Assert.That(lines, Does.Contain($"new1@{s.Domain},New,One,Finance,boss@{s.Domain},2026-12-01,false,joining,"));
        Assert.That(csv, Does.Not.Contain("gone@"), "people who left are not exported by default");
        var report = await (await ImportAsync(staff, s.Tenant.Id, "dry-run", csv)).ReadAsync<ImportReport>();
        Assert.That((report.Created.Count, report.Updated.Count, report.UnchangedRows.Count, report.Errors.Count), Is.EqualTo((0, 0, 3, 0)));

        var withLeft = await (await staff.GetAsync($"/api/tenants/{s.Tenant.Id}/people/export?includeLeft=true")).Content.ReadAsStringAsync();
        Assert.That(withLeft, Does.Contain($"gone@{s.Domain},First gone,Last gone,,,2021-05-03,false,left,2026-11-01"));
    }

    [Test]
    public async Task Leaver_rows_record_the_leave_and_a_full_file_makes_people_it_does_not_list_leavers_after_a_dry_run()
    {
        var s = await SetUpTenantAsync();
        var stays = await JoinAsync(staff, s.Tenant, "stays", new DateOnly(2022, 3, 1), s.Finance.Id);
        var quits = await JoinAsync(staff, s.Tenant, "quits", new DateOnly(2022, 3, 1), s.Finance.Id);
        var absent = await JoinAsync(staff, s.Tenant, "absent", new DateOnly(2022, 3, 1), s.Sales.Id);
        var file = $"""
            {Header},status,end_date
            boss@{s.Domain},First boss,Last boss,Finance,,2020-01-01,false,active,
            stays@{s.Domain},First stays,Last stays,Finance,,2022-03-01,false,,
            quits@{s.Domain},First quits,Last quits,Finance,,2022-03-01,false,leaving,2026-12-31
            """;

        var partial = await (await staff.PostAsync($"/api/tenants/{s.Tenant.Id}/people/import?mode=dry-run", Csv(file))).ReadAsync<ImportReport>();
        Assert.That(partial.Leaving.Select(l => (l.Row, l.Email, l.EndDate, l.Reason)), Is.EqualTo(new[]
        {
            ((int?)4, quits.Email, new DateOnly(2026, 12, 31), LeaveReasons.LeaverRow),
        }));

        var dryRun = await (await staff.PostAsync($"/api/tenants/{s.Tenant.Id}/people/import?mode=dry-run&full=true", Csv(file))).ReadAsync<ImportReport>();
        var today = LicenceOps.Platform.ParisCalendar.DateOf(factory.Clock.GetUtcNow());
        Assert.That(dryRun.FullFile, Is.True);
        Assert.That(dryRun.Leaving.Select(l => (l.Row, l.Email, l.EndDate, l.Reason)), Is.EquivalentTo(new[]
        {
            ((int?)4, quits.Email, new DateOnly(2026, 12, 31), LeaveReasons.LeaverRow),
            ((int?)null, absent.Email, today, LeaveReasons.AbsentFromFullFile),
        }));
        Assert.That((await PeopleAsync(s.Tenant.Id)).All(p => p.Status == "active"), Is.True, "a dry run writes nothing");

        var applied = await (await staff.PostAsync($"/api/tenants/{s.Tenant.Id}/people/import?mode=apply&full=true", Csv(file))).ReadAsync<ImportReport>();
        Assert.That(applied.Applied, Is.True);
        var people = (await PeopleAsync(s.Tenant.Id)).ToDictionary(p => p.Email);
        Assert.That((people[quits.Email].Status, people[quits.Email].EndDate), Is.EqualTo(("leaving", (DateOnly?)new DateOnly(2026, 12, 31))));
        Assert.That((people[absent.Email].Status, people[absent.Email].EndDate), Is.EqualTo(("left", (DateOnly?)today)));
        Assert.That((people[stays.Email].Status, people[s.Boss.Email].Status), Is.EqualTo(("active", "active")));
        var leaving = (await factory.PublishedAsync<PersonLeaving>()).Where(e => e.TenantId == s.Tenant.Id).Select(e => e.PersonId);
        var left = (await factory.PublishedAsync<PersonLeft>()).Where(e => e.TenantId == s.Tenant.Id).Select(e => e.PersonId);
        Assert.That(leaving, Is.EquivalentTo(new[] { quits.Id, absent.Id }));
        Assert.That(left, Is.EquivalentTo(new[] { absent.Id }));

        var again = await (await staff.PostAsync($"/api/tenants/{s.Tenant.Id}/people/import?mode=dry-run&full=true", Csv(file))).ReadAsync<ImportReport>();
        Assert.That((again.Leaving.Count, again.Errors.Count), Is.EqualTo((0, 0)), "importing the same file again changes nothing");
    }
}
