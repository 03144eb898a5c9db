using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Consumers;

/// <summary>A leave was recorded: convergence plans the offboarding to start the day after the end date.</summary>
public sealed class PersonLeavingConsumer(ModuleDatabase<SeatsModule> db, TransferKicker kicker) : ModuleConsumer<SeatsModule, PersonLeaving>(db)
{
    protected override Task HandleAsync(PersonLeaving message, UnitOfWork uow, CancellationToken ct) =>
        PersonChange.ApplyAsync(uow, kicker, new PersonFacts(message.PersonId, message.TenantId, message.Email, message.DisplayName,
            message.Version, message.Status ?? "leaving", message.DepartmentId, SetDepartment: message.Version > 0, message.EndDate));
}

/// <summary>The person is gone: offboarding runs now, whether or not a leave was announced before.</summary>
public sealed class PersonLeftConsumer(ModuleDatabase<SeatsModule> db, TransferKicker kicker) : ModuleConsumer<SeatsModule, PersonLeft>(db)
{
    protected override Task HandleAsync(PersonLeft message, UnitOfWork uow, CancellationToken ct) =>
        PersonChange.ApplyAsync(uow, kicker, new PersonFacts(message.PersonId, message.TenantId, message.Email, message.DisplayName,
            message.Version, "left", message.DepartmentId, SetDepartment: message.Version > 0, message.EndDate));
}
