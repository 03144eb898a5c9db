using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using LicenceOps.Seats.Domain.Transfers;
using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Consumers;

/// <summary>Plans the leaver's offboarding to start the day after their end date.</summary>
public sealed class PersonLeavingConsumer(ModuleDatabase<SeatsModule> db) : ModuleConsumer<SeatsModule, PersonLeaving>(db)
{
    protected override async Task HandleAsync(PersonLeaving message, UnitOfWork uow, CancellationToken ct)
    {
        await PeopleCopy.UpsertAsync(uow, message.PersonId, message.TenantId, message.Email, displayName: null,
            departmentId: null, setDepartment: false, "leaving", message.EndDate);
        await Offboarding.StartOrBringForwardAsync(uow, message.TenantId, message.PersonId,
            TransferTiming.OffboardingStartsAt(message.EndDate));
    }
}

/// <summary>The person is gone: offboarding runs now, whether or not a leave was announced before.</summary>
public sealed class PersonLeftConsumer(ModuleDatabase<SeatsModule> db) : ModuleConsumer<SeatsModule, PersonLeft>(db)
{
    protected override async Task HandleAsync(PersonLeft message, UnitOfWork uow, CancellationToken ct)
    {
        await PeopleCopy.UpsertAsync(uow, message.PersonId, message.TenantId, message.Email, displayName: null,
            departmentId: null, setDepartment: false, "left", message.EndDate);
        await Offboarding.StartOrBringForwardAsync(uow, message.TenantId, message.PersonId, uow.Now);
    }
}

internal static class Offboarding
{
    public static async Task StartOrBringForwardAsync(UnitOfWork uow, Guid tenantId, Guid personId, DateTimeOffset startAt)
    {
        var dedupeKey = $"offboarding:{personId}";
        var existing = await uow.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT id FROM transfers WHERE dedupe_key = @dedupeKey", new { dedupeKey });
        if (existing is { } transferId)
        {
            var steps = await uow.QueryAsync<TransferStepRow>(
                TransferStepRow.SelectSql + " WHERE transfer_id = @transferId AND status = 'pending'", new { transferId });
            foreach (var step in steps.Where(s => s.NextAttemptAt > startAt))
            {
                await uow.ExecuteAsync("UPDATE transfer_steps SET next_attempt_at = @startAt WHERE id = @id", new { id = step.Id, startAt });
            }
            return;
        }
        var held = await TransferStarter.HeldSeatsAsync(uow, tenantId, personId);
        await TransferStarter.StartAsync(uow, tenantId, personId, TransferKinds.Offboarding, dedupeKey,
            TransferPlanner.Offboarding(held), startAt);
    }
}
