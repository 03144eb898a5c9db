using LicenceOps.Tenants.Domain;
using LicenceOps.Platform.Data;

namespace LicenceOps.Tenants.Features.People.ImportPeople;

/// <summary>A person already in the tenant, as the import sees them.</summary>
public sealed record ExistingPerson(
    Guid Id, string Email, string FirstName, string LastName, Guid? DepartmentId, Guid? ManagerId, string Status, bool IsExternal,
    DateOnly? StartDate = null, DateOnly? EndDate = null);

public sealed record DepartmentRef(Guid Id, string Name);

/// <param name="FullFile">The file lists everyone employed: present people missing from it (externals aside) are leavers.</param>
public sealed record ImportContext(
    IReadOnlyCollection<string> Domains, IReadOnlyList<DepartmentRef> Departments, IReadOnlyList<ExistingPerson> People, DateOnly Today,
    bool FullFile = false);

public sealed record PlannedCreate(PersonCsvRow Data, Guid PersonId, Guid? DepartmentId, Guid? ManagerId, string Status);

public sealed record PlannedUpdate(PersonCsvRow Data, ExistingPerson Before, Guid? DepartmentId, Guid? ManagerId, IReadOnlyList<string> Changes);

/// <summary>A leave the import records: from a leaver row (<see cref="Row"/> set) or for someone absent from a full file (no row).</summary>
public sealed record PlannedLeave(int? Row, Guid PersonId, string Email, DateOnly EndDate, string Reason);

public sealed record ImportPlan(
    IReadOnlyList<PlannedCreate> Creates, IReadOnlyList<PlannedUpdate> Updates, IReadOnlyList<PersonCsvRow> Unchanged, IReadOnlyList<RowError> Errors,
    IReadOnlyList<PlannedLeave> Leaves, bool FullFile = false);

/// <summary>Why the import records a leave, as the report says it.</summary>
public static class LeaveReasons
{
    public const string LeaverRow = "leaver row";
    public const string AbsentFromFullFile = "absent from the full file";
}

/// <summary>
/// Decides, without writing anything, what importing parsed rows into a tenant would do: create people not yet
/// known (by email), update the name, department, manager or external flag of those who are, record the leave of
/// leaver rows (an end date), or refuse rows that break a rule. Start dates of people already known are left alone.
/// In full-file mode, present people the file does not list are leavers with today as their last day; externals are
/// left alone there since HR exports do not list contractors.
/// </summary>
public static class ImportPlanner
{
    public static ImportPlan Plan(IReadOnlyList<PersonCsvRow> rows, ImportContext context)
    {
        var errors = new List<RowError>();
        var existingByEmail = context.People.ToDictionary(p => p.Email, StringComparer.Ordinal);
        var departmentByName = context.Departments
            .GroupBy(d => d.Name.Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Id, StringComparer.OrdinalIgnoreCase);
        var newIds = rows.Where(r => !existingByEmail.ContainsKey(r.Email)).ToDictionary(r => r.Email, _ => RowIds.New(), StringComparer.Ordinal);

        // Manager of every person after the import, to refuse chains that loop back.
        var managerAfter = context.People.ToDictionary(p => p.Id, p => p.ManagerId);
        var resolved = new List<(PersonCsvRow Row, Guid Id, Guid? DepartmentId, Guid? ManagerId)>();

        foreach (var row in rows)
        {
            var rowErrors = errors.Count;
            void Fail(string field, string message) => errors.Add(new RowError(row.Row, field, message));

            existingByEmail.TryGetValue(row.Email, out var existing);
            if (existing?.Status == PersonStatus.Left && row.EndDate is null)
            {
                Fail(PeopleCsvColumns.Email, $"{row.Email} has left this tenant; re-hiring someone is not done by import.");
            }
            if (existing?.Status == PersonStatus.Leaving && row.EndDate is { } asked && existing.EndDate is { } recorded && asked != recorded)
            {
                Fail(PeopleCsvColumns.EndDate, $"{row.Email} already leaves on {recorded:yyyy-MM-dd}; a recorded leave is not moved by import.");
            }
            if (existing is not null && row.EndDate is { } end && existing.StartDate is { } started && end < started
                && PersonStatus.IsPresent(existing.Status) && existing.Status != PersonStatus.Leaving)
            {
                Fail(PeopleCsvColumns.EndDate, $"The end date {end:yyyy-MM-dd} is before {row.Email}'s start date {started:yyyy-MM-dd}.");
            }
            if (!row.External && !EmailAddress.BelongsTo(row.Email, context.Domains))
            {
                Fail(PeopleCsvColumns.Email,
                    $"{row.Email} is not in one of the tenant's domains ({string.Join(", ", context.Domains)}); mark the row external if intended.");
            }

            Guid? departmentId = null;
            if (row.Department is not null)
            {
                if (departmentByName.TryGetValue(row.Department, out var id))
                {
                    departmentId = id;
                }
                else
                {
                    Fail(PeopleCsvColumns.Department, $"No department named '{row.Department}' in this tenant; create it first.");
                }
            }
            if (existing is not null && departmentId != existing.DepartmentId && existing.Status != PersonStatus.Left && PersonStatus.RefuseMove(existing.Status) is { } refusal)
            {
                Fail(PeopleCsvColumns.Department, refusal);
            }

            Guid? managerId = null;
            if (row.ManagerEmail is not null)
            {
                if (existingByEmail.TryGetValue(row.ManagerEmail, out var manager) && PersonStatus.IsPresent(manager.Status))
                {
                    managerId = manager.Id;
                }
                else if (newIds.TryGetValue(row.ManagerEmail, out var newManagerId))
                {
                    managerId = newManagerId;
                }
                else
                {
                    Fail(PeopleCsvColumns.ManagerEmail, $"{row.ManagerEmail} is neither a current person of this tenant nor in this file.");
                }
            }

            if (errors.Count > rowErrors)
            {
                continue;
            }
            var personId = existing?.Id ?? newIds[row.Email];
            managerAfter[personId] = managerId;
            resolved.Add((row, personId, departmentId, managerId));
        }

        foreach (var (row, id, _, _) in resolved)
        {
            if (ManagerChainLoops(id, managerAfter))
            {
                errors.Add(new RowError(row.Row, PeopleCsvColumns.ManagerEmail, "This manager would make the reporting line loop back to this person."));
            }
        }
        var loopingRows = errors.Select(e => e.Row).ToHashSet();

        var creates = new List<PlannedCreate>();
        var updates = new List<PlannedUpdate>();
        var unchanged = new List<PersonCsvRow>();
        var leaves = new List<PlannedLeave>();
        foreach (var (row, id, departmentId, managerId) in resolved.Where(r => !loopingRows.Contains(r.Row.Row)))
        {
            if (!existingByEmail.TryGetValue(row.Email, out var before))
            {
                creates.Add(new PlannedCreate(row, id, departmentId, managerId, PersonStatus.OnJoin(row.StartDate, context.Today)));
                if (row.EndDate is { } end)
                {
                    // Someone HR lists as a leaver we never knew: recorded as joined then leaving, so nothing is silently dropped.
                    leaves.Add(new PlannedLeave(row.Row, id, row.Email, end, LeaveReasons.LeaverRow));
                }
                continue;
            }
            // A leaver's (or someone gone's) other fields stay as they were: their department no longer changes.
            var changes = before.Status is PersonStatus.Leaving or PersonStatus.Left ? [] : Changes(before, row, departmentId, managerId);
            var leave = row.EndDate is { } endDate && before.Status is PersonStatus.Joining or PersonStatus.Active;
            if (changes.Count > 0)
            {
                updates.Add(new PlannedUpdate(row, before, departmentId, managerId, changes));
            }
            if (leave)
            {
                leaves.Add(new PlannedLeave(row.Row, before.Id, row.Email, row.EndDate!.Value, LeaveReasons.LeaverRow));
            }
            if (changes.Count == 0 && !leave)
            {
                unchanged.Add(row);
            }
        }

        if (context.FullFile)
        {
            var listed = rows.Select(r => r.Email).ToHashSet(StringComparer.Ordinal);
            leaves.AddRange(context.People
                .Where(p => p.Status is PersonStatus.Joining or PersonStatus.Active && !p.IsExternal && !listed.Contains(p.Email))
                .OrderBy(p => p.Email, StringComparer.Ordinal)
                .Select(p => new PlannedLeave(null, p.Id, p.Email,
                    p.StartDate is { } start && start > context.Today ? start : context.Today, LeaveReasons.AbsentFromFullFile)));
        }
        return new ImportPlan(creates, updates, unchanged, errors.OrderBy(e => e.Row).ToList(), leaves, context.FullFile);
    }

    private static List<string> Changes(ExistingPerson before, PersonCsvRow row, Guid? departmentId, Guid? managerId)
    {
        var changes = new List<string>();
        if (before.FirstName != row.FirstName)
        {
            changes.Add(PeopleCsvColumns.FirstName);
        }
        if (before.LastName != row.LastName)
        {
            changes.Add(PeopleCsvColumns.LastName);
        }
        if (before.DepartmentId != departmentId)
        {
            changes.Add(PeopleCsvColumns.Department);
        }
        if (before.ManagerId != managerId)
        {
            changes.Add(PeopleCsvColumns.ManagerEmail);
        }
        if (before.IsExternal != row.External)
        {
            changes.Add(PeopleCsvColumns.External);
        }
        return changes;
    }

    private static bool ManagerChainLoops(Guid personId, Dictionary<Guid, Guid?> managerOf)
    {
        var seen = new HashSet<Guid> { personId };
        var current = managerOf.GetValueOrDefault(personId);
        while (current is { } manager)
        {
            if (!seen.Add(manager))
            {
                return manager == personId;
            }
            current = managerOf.GetValueOrDefault(manager);
        }
        return false;
    }
}
