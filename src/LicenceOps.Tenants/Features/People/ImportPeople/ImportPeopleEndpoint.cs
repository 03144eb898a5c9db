using LicenceOps.Platform;
using System.Data.Common;
using System.Text;
using Dapper;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Domain;
using LicenceOps.Tenants.Features.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Tenants.Features.People.ImportPeople;

public sealed record ImportedPerson(int Row, string Email, string DisplayName, string? Department, string Status);

public sealed record UpdatedPerson(int Row, string Email, IReadOnlyList<string> Changes);

/// <summary>A leave the import records; <see cref="Row"/> is null for someone absent from a full file.</summary>
public sealed record LeavingPerson(int? Row, string Email, DateOnly EndDate, string Reason);

public sealed record ImportReport(
    string Mode,
    bool Applied,
    IReadOnlyList<ImportedPerson> Created,
    IReadOnlyList<UpdatedPerson> Updated,
    IReadOnlyList<int> UnchangedRows,
    IReadOnlyList<RowError> Errors,
    IReadOnlyList<LeavingPerson> Leaving,
    bool FullFile);

/// <summary>
/// POST /api/tenants/{tenantId}/people/import?mode=dry-run|apply with an HR export as the body (text/csv) or as
/// the file of a multipart form. dry-run reports per row what would happen and writes nothing; apply does it all in
/// one transaction, or nothing when any row is wrong (422 with the row errors). An unreadable file is 400.
/// Rows with an end date (or status leaving/left) record the leave. With full=true the file is the whole workforce:
/// present non-external people it does not list are recorded as leaving today, which the dry run lists first.
/// </summary>
internal static class ImportPeopleEndpoint
{
    public const int MaxBytes = 2 * 1024 * 1024;
    public const string DryRun = "dry-run";
    public const string Apply = "apply";

    public static void MapImportPeople(this IEndpointRouteBuilder group) =>
        group.MapPost("/{tenantId:guid}/people/import", HandleAsync)
            .Accepts<string>("text/csv", "multipart/form-data")
            .WithSummary("Import people from an HR CSV export (mode=dry-run or apply; full=true treats people missing from the file as leavers).");

    private static async Task<Results<Ok<ImportReport>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid tenantId, string? mode, bool? full, HttpRequest http, CurrentUser user, ModuleDatabase<TenantsModule> db, TimeProvider time, CancellationToken ct)
    {
        if (Access.WritePeople(user, tenantId) is { } denied)
        {
            return denied;
        }
        if (mode is not (DryRun or Apply))
        {
            var errors = new ValidationErrors();
            errors.Add("mode", $"mode is '{DryRun}' (report only) or '{Apply}' (all or nothing).");
            return errors.ToProblem();
        }
        var (text, unreadable) = await ReadBodyAsync(http, ct);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var parsed = PeopleCsvReader.Read(text!);
        if (parsed.Errors.Any(e => e.Row == 1))
        {
            return RowProblem(StatusCodes.Status400BadRequest, "The file cannot be imported as it is.", parsed.Errors);
        }

        if (mode == DryRun)
        {
            await using var connection = await db.OpenAsync(ct);
            if (await LoadContextAsync(connection, null, tenantId, ParisCalendar.Today(time), full == true) is not { } context)
            {
                return Access.TenantNotFound(tenantId);
            }
            var plan = ImportPlanner.Plan(parsed.Rows, context.Import);
            return TypedResults.Ok(Report(mode, applied: false, plan, parsed.Errors, context.DepartmentNames));
        }

        try
        {
            return await db.WriteAsync<Results<Ok<ImportReport>, ValidationProblem, ProblemHttpResult>>(async uow =>
            {
                var (_, refusal) = await PeopleRules.WritableTenantAsync(uow, tenantId);
                if (refusal is not null)
                {
                    return refusal;
                }
                var context = (await LoadContextAsync(uow.Connection, uow.Transaction, tenantId, ParisCalendar.DateOf(uow.Now), full == true))!;
                var plan = ImportPlanner.Plan(parsed.Rows, context.Import);
                var errors = parsed.Errors.Concat(plan.Errors).OrderBy(e => e.Row).ToList();
                if (errors.Count > 0)
                {
                    return RowProblem(StatusCodes.Status422UnprocessableEntity, $"{errors.Count} problem(s) in the file; nothing was imported.", errors);
                }
                await ApplyAsync(uow, tenantId, plan);
                return TypedResults.Ok(Report(mode, applied: true, plan, [], context.DepartmentNames));
            }, ct);
        }
        catch (DbException e) when (UniqueViolation.Is(e))
        {
            return Problems.Conflict("People of this file were just added by someone else; run the import again.");
        }
        catch (ConcurrentChangeException e)
        {
            return Problems.Conflict($"{e.Message} changed while the file was imported; nothing was imported, run the import again.");
        }
    }

    /// <summary>Aborts (rolls back) an import whose plan a concurrent change made stale.</summary>
    private sealed class ConcurrentChangeException(string email) : Exception(email);

    private static async Task ApplyAsync(UnitOfWork uow, Guid tenantId, ImportPlan plan)
    {
        var today = ParisCalendar.DateOf(uow.Now);
        // Managers may be created by the same file, in any order: insert everyone first, link managers after.
        var created = new List<PersonRow>();
        foreach (var create in plan.Creates)
        {
            var row = create.Data;
            var person = new PersonRow(
                create.PersonId, tenantId, row.Email, row.FirstName, row.LastName, create.DepartmentId, null, row.External,
                create.Status, row.StartDate, null, uow.Now, uow.Now);
            await PersonRow.InsertAsync(uow, person);
            created.Add(person with { ManagerId = create.ManagerId });
        }
        foreach (var person in created.Where(p => p.ManagerId is not null))
        {
            await uow.ExecuteAsync("UPDATE people SET manager_id = @ManagerId WHERE id = @Id", person);
        }
        foreach (var person in created)
        {
            await uow.AuditAsync("person", person.Id, "joined", new { source = "import", person = person.ToView() }, tenantId);
            await uow.PublishAsync(person.Joined(uow.Now));
        }

        foreach (var update in plan.Updates)
        {
            var before = update.Before;
            var row = update.Data;
            // Guarded on the status and department the plan was made from: a person who moved or left meanwhile makes
            // the whole import a 409 (rolled back), not a Moved event built on a stale row.
            var updated = await uow.ExecuteAsync(
                """
                UPDATE people SET first_name = @FirstName, last_name = @LastName, department_id = @DepartmentId,
                    manager_id = @ManagerId, is_external = @External, updated_at = @now, version = version + 1
                WHERE id = @Id AND status = @previousStatus
                    AND (department_id = @previousDepartment OR (department_id IS NULL AND @previousDepartment IS NULL))
                """,
                new
                {
                    row.FirstName, row.LastName, update.DepartmentId, update.ManagerId, row.External, now = uow.Now, before.Id,
                    previousStatus = before.Status, previousDepartment = before.DepartmentId,
                });
            if (updated != 1)
            {
                throw new ConcurrentChangeException(row.Email);
            }
            var changes = new ChangeSet()
                .Compare("firstName", before.FirstName, row.FirstName)
                .Compare("lastName", before.LastName, row.LastName)
                .Compare("departmentId", before.DepartmentId, update.DepartmentId)
                .Compare("managerId", before.ManagerId, update.ManagerId)
                .Compare("external", before.IsExternal, row.External);
            await uow.AuditAsync("person", before.Id, "updated", new { source = "import", changes = changes.ToAudit() }, tenantId);
            // A move carries the new name too; a new name alone is published as such (Seats invites and lists by it).
            if (before.DepartmentId != update.DepartmentId)
            {
                var after = (await PersonRow.FindAsync(uow, tenantId, before.Id))!;
                await uow.PublishAsync(after.Moved(before.DepartmentId, today, uow.Now));
            }
            else if (before.FirstName != row.FirstName || before.LastName != row.LastName)
            {
                var after = (await PersonRow.FindAsync(uow, tenantId, before.Id))!;
                await uow.PublishAsync(after.Renamed(uow.Now));
            }
        }
        foreach (var leave in plan.Leaves)
        {
            await RecordLeaveAsync(uow, tenantId, leave, today);
        }
        await uow.AuditAsync("tenant", tenantId, "people-imported",
            new { created = plan.Creates.Count, updated = plan.Updates.Count, unchanged = plan.Unchanged.Count, leaving = plan.Leaves.Count }, tenantId);
    }

    /// <summary>The same leave as POST …/people/{id}/leave: status, end date, a new version, audit, PersonLeaving (and PersonLeft when due).</summary>
    private static async Task RecordLeaveAsync(UnitOfWork uow, Guid tenantId, PlannedLeave leave, DateOnly today)
    {
        var before = (await PersonRow.FindAsync(uow, tenantId, leave.PersonId))!;
        var status = PersonStatus.OnLeave(leave.EndDate, today);
        var after = before with { Status = status, EndDate = leave.EndDate, UpdatedAt = uow.Now, Version = before.Version + 1 };
        var updated = await uow.ExecuteAsync(
            "UPDATE people SET status = @Status, end_date = @EndDate, updated_at = @UpdatedAt, version = @Version WHERE id = @Id AND version = @previousVersion",
            new { after.Status, after.EndDate, after.UpdatedAt, after.Version, after.Id, previousVersion = before.Version });
        if (updated == 0)
        {
            // Inside the import's transaction nobody else may have changed the row; if they did, nothing of the import stays.
            throw new InvalidOperationException($"Person {leave.PersonId} changed during the import.");
        }
        var changes = new ChangeSet().Compare("status", before.Status, status).Compare("endDate", before.EndDate, after.EndDate);
        await uow.AuditAsync("person", before.Id, status == PersonStatus.Left ? "left" : "leaving",
            new { source = "import", reason = leave.Reason, changes = changes.ToAudit() }, tenantId);
        await uow.PublishAsync(after.Leaving(uow.Now));
        if (status == PersonStatus.Left)
        {
            await uow.PublishAsync(after.Left(uow.Now));
        }
    }

    private sealed record ImportSnapshot(ImportContext Import, IReadOnlyDictionary<Guid, string> DepartmentNames);

    private static async Task<ImportSnapshot?> LoadContextAsync(DbConnection connection, DbTransaction? transaction, Guid tenantId, DateOnly today, bool fullFile)
    {
        var exists = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tenants WHERE id = @tenantId", new { tenantId }, transaction);
        if (exists == 0)
        {
            return null;
        }
        var domains = (await connection.QueryAsync<string>(
            "SELECT domain FROM tenant_domains WHERE tenant_id = @tenantId", new { tenantId }, transaction)).AsList();
        var departments = (await connection.QueryAsync<DepartmentRef>(
            "SELECT id AS Id, name AS Name FROM departments WHERE tenant_id = @tenantId", new { tenantId }, transaction)).AsList();
        var people = (await connection.QueryAsync<ExistingPerson>(
            "SELECT id AS Id, email AS Email, first_name AS FirstName, last_name AS LastName, department_id AS DepartmentId, manager_id AS ManagerId, status AS Status, is_external AS IsExternal, start_date AS StartDate, end_date AS EndDate FROM people WHERE tenant_id = @tenantId",
            new { tenantId }, transaction)).AsList();
        return new ImportSnapshot(new ImportContext(domains, departments, people, today, fullFile), departments.ToDictionary(d => d.Id, d => d.Name));
    }

    private static ImportReport Report(string mode, bool applied, ImportPlan plan, IReadOnlyList<RowError> readErrors, IReadOnlyDictionary<Guid, string> departmentNames) => new(
        mode,
        applied,
        plan.Creates.Select(c => new ImportedPerson(
            c.Data.Row, c.Data.Email, $"{c.Data.FirstName} {c.Data.LastName}",
            c.DepartmentId is { } d ? departmentNames[d] : null, c.Status)).ToList(),
        plan.Updates.Select(u => new UpdatedPerson(u.Data.Row, u.Data.Email, u.Changes)).ToList(),
        plan.Unchanged.Select(r => r.Row).ToList(),
        readErrors.Concat(plan.Errors).OrderBy(e => e.Row).ToList(),
        plan.Leaves.Select(l => new LeavingPerson(l.Row, l.Email, l.EndDate, l.Reason)).ToList(),
        plan.FullFile);

    private static ProblemHttpResult RowProblem(int status, string detail, IReadOnlyList<RowError> errors) =>
        TypedResults.Problem(
            statusCode: status,
            title: "The import file has errors",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    private static async Task<(string? Text, ProblemHttpResult? Problem)> ReadBodyAsync(HttpRequest http, CancellationToken ct)
    {
        if (http.ContentLength > MaxBytes)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large",
                detail: $"Import at most {MaxBytes / (1024 * 1024)} MB at a time."));
        }
        Stream source;
        if (http.HasFormContentType)
        {
            var form = await http.ReadFormAsync(ct);
            if (form.Files.Count == 0)
            {
                return (null, Problems.BadRequest("The form has no file; attach the CSV export."));
            }
            source = form.Files[0].OpenReadStream();
        }
        else
        {
            source = http.Body;
        }
        await using (source)
        {
            // Bytes first: the encoding is decided on the whole file (UTF-8, UTF-16 or Windows-1252), never assumed.
            using var bytes = new MemoryStream();
            var buffer = new byte[81920];
            int count;
            while ((count = await source.ReadAsync(buffer, ct)) > 0)
            {
                bytes.Write(buffer, 0, count);
                if (bytes.Length > MaxBytes)
                {
                    return (null, TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large",
                        detail: $"Import at most {MaxBytes / (1024 * 1024)} MB at a time."));
                }
            }
            return (CsvTextDecoder.Decode(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)).Text, null);
        }
    }
}
