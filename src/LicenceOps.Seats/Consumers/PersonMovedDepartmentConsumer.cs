using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using LicenceOps.Seats.Domain.Transfers;
using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Consumers;

/// <summary>Swaps the mover's template seats: releases what the old department gave and not the new one, onboards the rest.</summary>
public sealed class PersonMovedDepartmentConsumer(ModuleDatabase<SeatsModule> db) : ModuleConsumer<SeatsModule, PersonMovedDepartment>(db)
{
    protected override async Task HandleAsync(PersonMovedDepartment message, UnitOfWork uow, CancellationToken ct)
    {
        await PeopleCopy.UpsertAsync(uow, message.PersonId, message.TenantId, message.Email, displayName: null,
            message.ToDepartmentId, setDepartment: true, "active", endDate: null);
        var oldTemplate = await TransferStarter.TemplateAsync(uow, message.TenantId, message.FromDepartmentId);
        var newTemplate = await TransferStarter.TemplateAsync(uow, message.TenantId, message.ToDepartmentId);
        var held = await TransferStarter.HeldSeatsAsync(uow, message.TenantId, message.PersonId);
        await TransferStarter.StartAsync(uow, message.TenantId, message.PersonId, TransferKinds.DepartmentMove,
            $"move:{message.PersonId}:{message.ToDepartmentId}:{message.EffectiveDate:yyyy-MM-dd}",
            TransferPlanner.DepartmentMove(held, oldTemplate, newTemplate), uow.Now);
    }
}
