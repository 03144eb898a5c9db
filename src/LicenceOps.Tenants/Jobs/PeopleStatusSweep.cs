using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Jobs;
using LicenceOps.Tenants.Domain;
using LicenceOps.Tenants.Features.People;

namespace LicenceOps.Tenants.Jobs;

public sealed record SweepResult(int Activated, int Left);

/// <summary>
/// Moves people along with the calendar (Europe/Paris): joining → active from the start date, leaving → left from
/// the end date (publishing PersonLeft). Each person changes in its own transaction with a status-guarded update,
/// so a re-run, an overlapping run or a crash part-way changes and publishes nothing twice.
/// </summary>
public sealed class PeopleStatusSweep(ModuleDatabase<TenantsModule> db, TimeProvider time)
{
    public async Task<SweepResult> RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(TenantsModule.PeopleStatusJobId);
        var today = ParisCalendar.Today(time);

        var activated = 0;
        var starting = await db.QueryAsync<PersonRow>(
            PersonRow.Select + " WHERE status = @joining AND start_date <= @today", new { joining = PersonStatus.Joining, today }, ct);
        foreach (var person in starting)
        {
            activated += await db.WriteAsync(async uow =>
            {
                var changed = await uow.ExecuteAsync(
                    "UPDATE people SET status = @active, updated_at = @now WHERE id = @Id AND status = @joining",
                    new { active = PersonStatus.Active, now = uow.Now, person.Id, joining = PersonStatus.Joining });
                if (changed == 0)
                {
                    return 0;
                }
                await uow.AuditAsync("person", person.Id, "activated", new { status = new { from = PersonStatus.Joining, to = PersonStatus.Active }, person.StartDate }, person.TenantId);
                return 1;
            }, ct);
        }

        var left = 0;
        var leaving = await db.QueryAsync<PersonRow>(
            PersonRow.Select + " WHERE status = @leavingStatus AND end_date <= @today", new { leavingStatus = PersonStatus.Leaving, today }, ct);
        foreach (var person in leaving)
        {
            left += await db.WriteAsync(async uow =>
            {
                var changed = await uow.ExecuteAsync(
                    "UPDATE people SET status = @leftStatus, updated_at = @now, version = version + 1 WHERE id = @Id AND status = @leavingStatus",
                    new { leftStatus = PersonStatus.Left, now = uow.Now, person.Id, leavingStatus = PersonStatus.Leaving });
                if (changed == 0)
                {
                    return 0;
                }
                await uow.AuditAsync("person", person.Id, "left", new { status = new { from = PersonStatus.Leaving, to = PersonStatus.Left }, person.EndDate }, person.TenantId);
                // Re-read: the event carries the version this update gave the row.
                var after = (await PersonRow.FindAsync(uow, person.TenantId, person.Id))!;
                await uow.PublishAsync(after.Left(uow.Now));
                return 1;
            }, ct);
        }
        return new SweepResult(activated, left);
    }
}
