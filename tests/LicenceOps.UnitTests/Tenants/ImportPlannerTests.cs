using LicenceOps.Tenants.Domain;
using LicenceOps.Tenants.Features.People.ImportPeople;

namespace LicenceOps.UnitTests.Tenants;

public sealed class ImportPlannerTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private static readonly DepartmentRef Finance = new(Guid.NewGuid(), "Finance");
    private static readonly DepartmentRef Sales = new(Guid.NewGuid(), "Sales");
    private static readonly ExistingPerson Boss = new(Guid.NewGuid(), "boss@acme.fr", "Big", "Boss", Finance.Id, null, PersonStatus.Active, false);

    private static ImportContext Context(params ExistingPerson[] people) =>
        new(["acme.fr"], [Finance, Sales], [Boss, .. people], Today);

    private static ImportContext FullFile(params ExistingPerson[] people) => Context(people) with { FullFile = true };

    private static PersonCsvRow Row(int row, string email, string? department = null, string? manager = null, DateOnly? start = null, bool external = false, string first = "First", string last = "Last") =>
        new(row, email, first, last, department, manager, start ?? Today, external);

    [Test]
    public void Plans_new_people_with_their_status_department_and_manager()
    {
        var plan = ImportPlanner.Plan([
            Row(2, "new@acme.fr", "finance", "boss@acme.fr", Today.AddDays(7)),
            Row(3, "now@acme.fr", "Sales", "new@acme.fr", Today),
        ], Context());

        Assert.That(plan.Errors, Is.Empty);
        Assert.That(plan.Creates, Has.Count.EqualTo(2));
        var (first, second) = (plan.Creates[0], plan.Creates[1]);
        Assert.That(first.Status, Is.EqualTo(PersonStatus.Joining));
        Assert.That(first.DepartmentId, Is.EqualTo(Finance.Id), "department names match regardless of case");
        Assert.That(first.ManagerId, Is.EqualTo(Boss.Id));
        Assert.That(second.Status, Is.EqualTo(PersonStatus.Active));
        Assert.That(second.ManagerId, Is.EqualTo(first.PersonId), "a manager may be someone created by the same file");
    }

    [Test]
    public void Plans_updates_for_known_people_and_lists_what_changes()
    {
        var known = new ExistingPerson(Guid.NewGuid(), "known@acme.fr", "Old", "Name", Finance.Id, Boss.Id, PersonStatus.Active, false);

        var plan = ImportPlanner.Plan([
            Row(2, "known@acme.fr", "Sales", null, first: "New", last: "Name"),
            Row(3, "boss@acme.fr", "Finance", null, first: "Big", last: "Boss"),
        ], Context(known));

        Assert.That(plan.Errors, Is.Empty);
        Assert.That(plan.Creates, Is.Empty);
        Assert.That(plan.Updates.Single().Before, Is.EqualTo(known));
        Assert.That(plan.Updates.Single().Changes, Is.EqualTo(new[] { "first_name", "department", "manager_email" }));
        Assert.That(plan.Unchanged.Single().Email, Is.EqualTo("boss@acme.fr"));
    }

    [Test]
    public void Refuses_emails_outside_the_tenant_domains_unless_external()
    {
        var plan = ImportPlanner.Plan([
            Row(2, "someone@gmail.com"),
            Row(3, "consultant@partner.example", external: true),
        ], Context());

        Assert.That(plan.Errors.Single().Row, Is.EqualTo(2));
        Assert.That(plan.Errors.Single().Field, Is.EqualTo("email"));
        Assert.That(plan.Errors.Single().Message, Does.Contain("acme.fr"));
        Assert.That(plan.Creates.Single().Data.Email, Is.EqualTo("consultant@partner.example"));
    }

    [Test]
    public void Refuses_unknown_departments_and_managers()
    {
        var plan = ImportPlanner.Plan([
            Row(2, "a@acme.fr", "Marketing"),
            Row(3, "b@acme.fr", manager: "ghost@acme.fr"),
        ], Context());

        Assert.That(plan.Errors.Select(e => (e.Row, e.Field)), Is.EqualTo(new[] { (2, "department"), (3, "manager_email") }));
        Assert.That(plan.Creates, Is.Empty);
    }

    [Test]
    public void Refuses_a_manager_who_has_left()
    {
        var gone = new ExistingPerson(Guid.NewGuid(), "gone@acme.fr", "Gone", "Away", null, null, PersonStatus.Left, false);

        var plan = ImportPlanner.Plan([Row(2, "a@acme.fr", manager: "gone@acme.fr")], Context(gone));

        Assert.That(plan.Errors.Single().Field, Is.EqualTo("manager_email"));
    }

    [Test]
    public void Refuses_to_touch_people_who_have_left()
    {
        var gone = new ExistingPerson(Guid.NewGuid(), "gone@acme.fr", "Gone", "Away", null, null, PersonStatus.Left, false);

        var plan = ImportPlanner.Plan([Row(2, "gone@acme.fr", first: "Gone", last: "Away")], Context(gone));

        Assert.That(plan.Errors.Single().Message, Does.Contain("has left"));
    }

    [Test]
    public void Refuses_to_move_a_leaver_to_another_department()
    {
        var leaver = new ExistingPerson(Guid.NewGuid(), "leaver@acme.fr", "First", "Last", Finance.Id, null, PersonStatus.Leaving, false);

        var plan = ImportPlanner.Plan([Row(2, "leaver@acme.fr", "Sales")], Context(leaver));

        Assert.That(plan.Errors.Single().Field, Is.EqualTo("department"));
        Assert.That(plan.Updates, Is.Empty);
    }

    [Test]
    public void Refuses_reporting_lines_that_loop()
    {
        var plan = ImportPlanner.Plan([
            Row(2, "boss@acme.fr", "Finance", "a@acme.fr", first: "Big", last: "Boss"),
            Row(3, "a@acme.fr", manager: "boss@acme.fr"),
        ], Context());

        Assert.That(plan.Errors.Select(e => e.Row), Is.EquivalentTo(new[] { 2, 3 }));
        Assert.That(plan.Errors.Select(e => e.Field).Distinct(), Is.EqualTo(new[] { "manager_email" }));
        Assert.That(plan.Creates, Is.Empty);
        Assert.That(plan.Updates, Is.Empty);
    }

    [Test]
    public void Making_an_external_person_internal_needs_a_tenant_domain()
    {
        var consultant = new ExistingPerson(Guid.NewGuid(), "consultant@partner.example", "First", "Last", null, null, PersonStatus.Active, true);

        var plan = ImportPlanner.Plan([Row(2, "consultant@partner.example", external: false)], Context(consultant));

        Assert.That(plan.Errors.Single().Field, Is.EqualTo("email"));
        Assert.That(plan.Updates, Is.Empty);
    }

    [Test]
    public void A_leaver_row_records_the_leave_of_a_current_person()
    {
        var known = new ExistingPerson(Guid.NewGuid(), "known@acme.fr", "First", "Last", Finance.Id, null, PersonStatus.Active, false, new DateOnly(2024, 1, 1));

        var plan = ImportPlanner.Plan([Row(2, "known@acme.fr", "Finance") with { EndDate = Today.AddDays(10) }], Context(known));

        Assert.That(plan.Errors, Is.Empty);
        Assert.That(plan.Leaves.Single(), Is.EqualTo(new PlannedLeave(2, known.Id, "known@acme.fr", Today.AddDays(10), LeaveReasons.LeaverRow)));
        Assert.That(plan.Updates, Is.Empty);
        Assert.That(plan.Unchanged, Is.Empty);
    }

    [Test]
    public void A_leaver_row_for_someone_never_imported_creates_then_records_the_leave()
    {
        var plan = ImportPlanner.Plan([Row(2, "short@acme.fr", start: new DateOnly(2026, 1, 5)) with { EndDate = new DateOnly(2026, 10, 31) }], Context());

        Assert.That(plan.Creates.Single().Data.Email, Is.EqualTo("short@acme.fr"));
        Assert.That(plan.Leaves.Single().PersonId, Is.EqualTo(plan.Creates.Single().PersonId));
    }

    [Test]
    public void A_leave_already_recorded_is_unchanged_and_a_different_end_date_is_refused()
    {
        var leaving = new ExistingPerson(Guid.NewGuid(), "leaving@acme.fr", "First", "Last", Finance.Id, null, PersonStatus.Leaving, false,
            new DateOnly(2024, 1, 1), Today.AddDays(5));
        var gone = new ExistingPerson(Guid.NewGuid(), "gone@acme.fr", "First", "Last", null, null, PersonStatus.Left, false,
            new DateOnly(2024, 1, 1), Today.AddDays(-5));

        var same = ImportPlanner.Plan([
            Row(2, "leaving@acme.fr", "Finance") with { EndDate = Today.AddDays(5) },
            Row(3, "gone@acme.fr") with { EndDate = Today.AddDays(-5) },
        ], Context(leaving, gone));
        Assert.That((same.Errors.Count, same.Leaves.Count, same.Unchanged.Count), Is.EqualTo((0, 0, 2)));

        var moved = ImportPlanner.Plan([Row(2, "leaving@acme.fr", "Finance") with { EndDate = Today.AddDays(9) }], Context(leaving));
        Assert.That(moved.Errors.Single().Field, Is.EqualTo("end_date"));
    }

    [Test]
    public void A_full_file_makes_present_employees_it_does_not_list_leavers_today()
    {
        var absent = new ExistingPerson(Guid.NewGuid(), "absent@acme.fr", "First", "Last", Finance.Id, null, PersonStatus.Active, false, new DateOnly(2024, 1, 1));
        var contractor = new ExistingPerson(Guid.NewGuid(), "c@partner.example", "First", "Last", null, null, PersonStatus.Active, true, new DateOnly(2024, 1, 1));
        var already = new ExistingPerson(Guid.NewGuid(), "already@acme.fr", "First", "Last", null, null, PersonStatus.Leaving, false,
            new DateOnly(2024, 1, 1), Today.AddDays(3));
        var rows = new[] { Row(2, "boss@acme.fr", "Finance", first: "Big", last: "Boss") };

        var full = ImportPlanner.Plan(rows, FullFile(absent, contractor, already));
        var partial = ImportPlanner.Plan(rows, Context(absent, contractor, already));

        Assert.That(full.Leaves.Single(), Is.EqualTo(new PlannedLeave(null, absent.Id, "absent@acme.fr", Today, LeaveReasons.AbsentFromFullFile)));
        Assert.That(full.Unchanged.Single().Email, Is.EqualTo("boss@acme.fr"));
        Assert.That(partial.Leaves, Is.Empty, "without full=true a file says nothing about people it does not list");
    }
}
