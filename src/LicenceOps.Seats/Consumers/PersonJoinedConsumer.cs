using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Consumers;

/// <summary>Records the joiner; convergence plans their onboarding from their department's seat template.</summary>
public sealed class PersonJoinedConsumer(ModuleDatabase<SeatsModule> db, TransferKicker kicker) : ModuleConsumer<SeatsModule, PersonJoined>(db)
{
    protected override Task HandleAsync(PersonJoined message, UnitOfWork uow, CancellationToken ct) =>
        PersonChange.ApplyAsync(uow, kicker, new PersonFacts(message.PersonId, message.TenantId, message.Email, message.DisplayName,
            message.Version, message.Status ?? "active", message.DepartmentId, SetDepartment: true, EndDate: null));
}

/// <summary>Applies a person event to the read copy and, when it was news, converges the person's workflows.</summary>
internal static class PersonChange
{
    public static async Task ApplyAsync(UnitOfWork uow, TransferKicker kicker, PersonFacts facts)
    {
        if (!await PeopleCopy.ApplyAsync(uow, facts))
        {
            return;
        }
        var transfers = await PersonConvergence.ConvergeAsync(uow, facts.TenantId, facts.PersonId);
        uow.OnCommitted(() => kicker.Kick(transfers));
    }
}
