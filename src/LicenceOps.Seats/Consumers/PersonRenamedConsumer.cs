using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Consumers;

/// <summary>
/// A new name: Seats' copy of the person (and the seats' copies of it, ADR 0092) takes it, so invitations, seat lists and findings
/// name the person as Tenants does. The event carries the whole state at its version, so it converges like the others.
/// </summary>
public sealed class PersonRenamedConsumer(ModuleDatabase<SeatsModule> db, TransferKicker kicker) : ModuleConsumer<SeatsModule, PersonRenamed>(db)
{
    protected override Task HandleAsync(PersonRenamed message, UnitOfWork uow, CancellationToken ct) =>
        PersonChange.ApplyAsync(uow, kicker, new PersonFacts(message.PersonId, message.TenantId, message.Email, message.DisplayName,
            message.Version, message.Status, message.DepartmentId, SetDepartment: true, message.EndDate));
}
