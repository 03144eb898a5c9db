using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using LicenceOps.Seats.Domain.Transfers;
using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Consumers;

/// <summary>Records the joiner and plans their onboarding from their department's seat template.</summary>
public sealed class PersonJoinedConsumer(ModuleDatabase<SeatsModule> db) : ModuleConsumer<SeatsModule, PersonJoined>(db)
{
    protected override async Task HandleAsync(PersonJoined message, UnitOfWork uow, CancellationToken ct)
    {
        await PeopleCopy.UpsertAsync(uow, message.PersonId, message.TenantId, message.Email, message.DisplayName,
            message.DepartmentId, setDepartment: true, "active", endDate: null);
        var template = await TransferStarter.TemplateAsync(uow, message.TenantId, message.DepartmentId);
        var held = await TransferStarter.HeldSeatsAsync(uow, message.TenantId, message.PersonId);
        await TransferStarter.StartAsync(uow, message.TenantId, message.PersonId, TransferKinds.Onboarding,
            $"onboarding:{message.PersonId}", TransferPlanner.Onboarding(template, held), uow.Now);
    }
}
