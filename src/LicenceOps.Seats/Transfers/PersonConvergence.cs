using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Transfers;
using LicenceOps.Seats.Shared;

namespace LicenceOps.Seats.Transfers;

/// <summary>
/// Makes the person's workflows lead from what they hold now to what their latest known state asks for: cancels
/// superseded lanes, plans the missing ones in one new transfer. Running it twice changes nothing the second time,
/// which is what makes duplicated and reordered person events safe.
/// </summary>
internal static class PersonConvergence
{
    /// <returns>The transfers that have new or earlier work, to advance now.</returns>
    public static async Task<IReadOnlyList<Guid>> ConvergeAsync(UnitOfWork uow, Guid tenantId, Guid personId)
    {
        var person = await uow.QuerySingleOrDefaultAsync<PersonRow>(PersonRow.SelectSql + " WHERE person_id = @personId AND tenant_id = @tenantId",
            new { personId, tenantId });
        if (person is null)
        {
            return [];
        }
        var template = await TransferStarter.TemplateAsync(uow, tenantId, person.DepartmentId);
        var goal = PersonGoal.For(person.Status, person.EndDate, template, uow.Now);
        var held = await TransferStarter.HeldSeatsAsync(uow, tenantId, personId);
        var workflowSeats = (await uow.QueryAsync<Guid>(
            """
            SELECT DISTINCT ts.seat_id FROM transfer_steps ts JOIN transfers t ON t.id = ts.transfer_id
            WHERE t.person_id = @personId AND ts.kind = 'assign_seat' AND ts.seat_id IS NOT NULL
            """,
            new { personId })).ToHashSet();
        var open = await TransferLanes.OpenAsync(uow, personId);
        var plan = Convergence.Plan(goal, held, workflowSeats, open);
        if (plan.IsEmpty)
        {
            return [];
        }

        var touched = new HashSet<Guid>();
        foreach (var cancel in plan.Cancel)
        {
            await TransferLanes.CancelAsync(uow, tenantId, cancel.Lane.TransferId, cancel.Lane.Lane, cancel.Reason);
            touched.Add(cancel.Lane.TransferId);
        }
        foreach (var lane in plan.BringForward)
        {
            await uow.ExecuteAsync(
                "UPDATE transfer_steps SET next_attempt_at = @from WHERE transfer_id = @transferId AND lane = @lane AND status = 'pending' AND next_attempt_at > @from",
                new { from = goal.OffboardFrom, transferId = lane.TransferId, lane = lane.Lane });
            touched.Add(lane.TransferId);
        }
        foreach (var transferId in touched)
        {
            await TransferLanes.RefreshAsync(uow, tenantId, transferId);
        }

        var steps = Convergence.Steps(plan);
        if (steps.Count > 0)
        {
            var anyBefore = await uow.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM transfers WHERE person_id = @personId", new { personId });
            var kind = goal.Leaver ? TransferKinds.Offboarding : anyBefore == 0 ? TransferKinds.Onboarding : TransferKinds.DepartmentMove;
            var transferId = await TransferStarter.StartAsync(uow, tenantId, personId, kind, $"{kind}:{personId}:{Guid.NewGuid():N}", steps,
                goal.Leaver ? goal.OffboardFrom : uow.Now);
            if (transferId is { } id)
            {
                touched.Add(id);
            }
        }
        return touched.ToList();
    }
}
