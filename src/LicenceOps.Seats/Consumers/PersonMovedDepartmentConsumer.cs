using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Consumers;

/// <summary>A mover: convergence releases the template seats the new department does not give and onboards the rest.</summary>
public sealed class PersonMovedDepartmentConsumer(ModuleDatabase<SeatsModule> db, TransferKicker kicker) : ModuleConsumer<SeatsModule, PersonMovedDepartment>(db)
{
    protected override Task HandleAsync(PersonMovedDepartment message, UnitOfWork uow, CancellationToken ct) =>
        PersonChange.ApplyAsync(uow, kicker, new PersonFacts(message.PersonId, message.TenantId, message.Email, message.DisplayName,
            message.Version, message.Status ?? "active", message.ToDepartmentId, SetDepartment: true, EndDate: null));
}
