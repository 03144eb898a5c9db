using LicenceOps.Contracts.Seats;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using LicenceOps.Support.Domain;
using LicenceOps.Support.Features.Tickets;

namespace LicenceOps.Support.Consumers;

// Seats' attention events become hotline tickets. Each key names the situation (docs/messaging.md): Seats may send the
// same situation again on every reconciliation run or retry, and it lands as a note on the one ticket.

/// <summary>
/// A company seat is used by another identity (personal account, wrong person): the hotline gets the user to activate
/// with the right account. Keyed by the seat when there is one, so two findings about one seat make one ticket.
/// </summary>
public sealed class WrongAccountActivationTicketConsumer(ModuleDatabase<SupportModule> database, TicketWriter writer)
    : ModuleConsumer<SupportModule, WrongAccountActivationDetected>(database)
{
    public static string KeyOf(WrongAccountActivationDetected m) =>
        m.SeatId is { } seat ? $"wrong-account:{seat:D}" : $"wrong-account:{m.FindingId:D}";

    protected override Task HandleAsync(WrongAccountActivationDetected m, UnitOfWork uow, CancellationToken ct) =>
        EventTickets.OpenOrUpdateAsync(uow, writer, KeyOf(m), m.TenantId,
            $"Activation sur un mauvais compte – {m.VendorName}",
            $"{m.VendorName} : le siège est utilisé par {m.MemberEmail}" +
            (m.ExpectedEmail is null ? "" : $" au lieu de {m.ExpectedEmail}") +
            $" ({m.Reason}), constaté le {m.DetectedAt:yyyy-MM-dd HH:mm} UTC. Faire réactiver le siège avec le compte de l'entreprise. " +
            $"Constat {m.FindingId:D}, compte fournisseur {m.VendorAccountId:D}.",
            TicketCategories.AccessOrActivation, TicketPriorities.High, ["seats", "wrong-account"], m.PersonId, m.SeatId);
}

/// <summary>A reconciliation finding only the client can settle (e.g. a shadow user nobody ordered).</summary>
public sealed class FindingNeedsClientTicketConsumer(ModuleDatabase<SupportModule> database, TicketWriter writer)
    : ModuleConsumer<SupportModule, ReconciliationFindingNeedsClient>(database)
{
    public static string KeyOf(ReconciliationFindingNeedsClient m) => $"finding:{m.FindingId:D}";

    protected override Task HandleAsync(ReconciliationFindingNeedsClient m, UnitOfWork uow, CancellationToken ct) =>
        EventTickets.OpenOrUpdateAsync(uow, writer, KeyOf(m), m.TenantId,
            $"Rapprochement : {m.Summary}",
            $"{m.Summary} ({m.Kind}), constaté le {m.DetectedAt:yyyy-MM-dd HH:mm} UTC. Action recommandée : {m.RecommendedAction}. " +
            $"Effet mensuel : {EventTickets.Money(m.MonthlyEffectEur, "EUR")}. Constat {m.FindingId:D}.",
            TicketCategories.Other, TicketPriorities.Normal, ["seats", "reconciliation", m.Kind]);
}

/// <summary>An onboarding/offboarding/move step stopped for good: someone must finish it by hand or fix its cause.</summary>
public sealed class TransferStepTicketConsumer(ModuleDatabase<SupportModule> database, TicketWriter writer)
    : ModuleConsumer<SupportModule, TransferStepNeedsAttention>(database)
{
    public static string KeyOf(TransferStepNeedsAttention m) => $"transfer-step:{m.StepId:D}";

    protected override Task HandleAsync(TransferStepNeedsAttention m, UnitOfWork uow, CancellationToken ct) =>
        EventTickets.OpenOrUpdateAsync(uow, writer, KeyOf(m), m.TenantId,
            $"Étape {m.StepKind} bloquée ({m.TransferKind})",
            $"L'étape {m.StepKind} du workflow {m.TransferKind} {m.TransferId:D} demande une intervention depuis le " +
            $"{m.OccurredAt:yyyy-MM-dd HH:mm} UTC : {m.Reason}. Relancer le workflow une fois la cause réglée (étape {m.StepId:D}).",
            TicketCategories.AccessOrActivation, TicketPriorities.High, ["seats", "transfer", m.TransferKind], m.PersonId, m.SeatId);
}
