using LicenceOps.Tenants.Domain;

namespace LicenceOps.Tenants.Features.People.ImportPeople;

/// <summary>A person already in the tenant, as the import sees them.</summary>
public sealed record ExistingPerson(
    Guid Id, string Email, string FirstName, string LastName, Guid? DepartmentId, Guid? ManagerId, string Status, bool IsExternal);

public sealed record DepartmentRef(Guid Id, string Name);

public sealed record ImportContext(
    IReadOnlyCollection<string> Domains, IReadOnlyList<DepartmentRef> Departments, IReadOnlyList<ExistingPerson> People, DateOnly Today);

public sealed record PlannedCreate(PersonCsvRow Data, Guid PersonId, Guid? DepartmentId, Guid? ManagerId, string Status);

public sealed record PlannedUpdate(PersonCsvRow Data, ExistingPerson Before, Guid? DepartmentId, Guid? ManagerId, IReadOnlyList<string> Changes);

public sealed record ImportPlan(
    IReadOnlyList<PlannedCreate> Creates, IReadOnlyList<PlannedUpdate> Updates, IReadOnlyList<PersonCsvRow> Unchanged, IReadOnlyList<RowError> Errors);

/// <summary>
/// Decides, without writing anything, what importing parsed rows into a tenant would do: create people not yet
/// known (by email), update the name, department, manager or external flag of those who are, or refuse rows that
/// break a rule. Start dates of people already known are left alone.
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
        var newIds = rows.Where(r => !existingByEmail.ContainsKey(r.Email)).ToDictionary(r => r.Email, _ => Guid.NewGuid(), StringComparer.Ordinal);

        // Manager of every person after the import, to refuse chains that loop back.
        var managerAfter = context.People.ToDictionary(p => p.Id, p => p.ManagerId);
        var resolved = new List<(PersonCsvRow Row, Guid Id, Guid? DepartmentId, Guid? ManagerId)>();

        foreach (var row in rows)
        {
            var rowErrors = errors.Count;
            void Fail(string field, string message) => errors.Add(new RowError(row.Row, field, message));

            existingByEmail.TryGetValue(row.Email, out var existing);
            if (existing?.Status == PersonStatus.Left)
            {
                Fail(PeopleCsvColumns.Email, $"{row.Email} has left this tenant; re-hiring someone is not done by import.");
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
            if (existing is not null && departmentId != existing.DepartmentId && PersonStatus.RefuseMove(existing.Status) is { } refusal)
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
        foreach (var (row, id, departmentId, managerId) in resolved.Where(r => !loopingRows.Contains(r.Row.Row)))
        {
            if (!existingByEmail.TryGetValue(row.Email, out var before))
            {
                creates.Add(new PlannedCreate(row, id, departmentId, managerId, PersonStatus.OnJoin(row.StartDate, context.Today)));
                continue;
            }
            var changes = Changes(before, row, departmentId, managerId);
            if (changes.Count == 0)
            {
                unchanged.Add(row);
            }
            else
            {
                updates.Add(new PlannedUpdate(row, before, departmentId, managerId, changes));
            }
        }
        return new ImportPlan(creates, updates, unchanged, errors.OrderBy(e => e.Row).ToList());
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
