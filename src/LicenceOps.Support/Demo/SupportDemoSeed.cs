using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Support.Domain;
using LicenceOps.Support.Features.Tickets;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Support.Demo;

/// <summary>
/// A few tickets on a fresh install, one per situation the hotline meets: an access problem answered by an agent
/// and waiting on the client, a seat request in English, a resolved billing question, and an unknown sender in
/// triage. No mail is queued for them: demo addresses must never receive anything.
/// </summary>
internal static class SupportDemoSeed
{
    private sealed record DemoTicket(
        string Key, Guid? TenantId, Guid? PersonId, string From, string? Name, string Language, string Subject, string Category,
        string Priority, string Question, string? Answer, string FinalStatus, string[] Tags);

    private static readonly DemoTicket[] Tickets =
    [
        new("demo:acme-access", DemoData.AcmeTenantId, Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4C03"), $"emma.leroy@{DemoData.AcmeDomain}",
            "Emma Leroy", "fr", "Impossible de rejoindre l'espace ChatGPT de l'entreprise", TicketCategories.AccessOrActivation, TicketPriorities.High,
            "Bonjour, l'invitation ChatGPT m'ouvre mon compte personnel au lieu de l'espace Acme. Que dois-je faire ?",
            "Bonjour Emma, déconnectez-vous de votre compte personnel puis ouvrez à nouveau le lien d'invitation en navigation privée avec votre adresse @acme-conseil.fr.",
            TicketStatuses.WaitingOnCustomer, ["chatgpt", "wrong-account"]),
        new("demo:nordwind-seats", DemoData.NordwindTenantId, Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A5D03"), $"anna.fischer@{DemoData.NordwindDomain}",
            "Anna Fischer", "en", "Three more Claude seats for the sales team", TicketCategories.SeatRequest, TicketPriorities.Normal,
            "Hello, we are hiring three people in sales next month; could you add three Claude Team seats?", null,
            TicketStatuses.New, ["claude"]),
        new("demo:acme-billing", DemoData.AcmeTenantId, Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4C04"), $"hugo.moreau@{DemoData.AcmeDomain}",
            "Hugo Moreau", "fr", "Taux de change sur la facture d'octobre", TicketCategories.BillingQuestion, TicketPriorities.Low,
            "Quel taux de change a été appliqué aux abonnements facturés en dollars ?",
            "Le taux de référence BCE du dernier jour de la période est appliqué ; il figure avec sa date sur la facture, sous le tableau des lignes.",
            TicketStatuses.Resolved, ["exchange-rate"]),
        new("demo:triage", null, null, "jean.dupont@example.org", "Jean Dupont", "fr", "Demande de tarifs Copilot", TicketCategories.Other,
            TicketPriorities.Normal, "Bonjour, pourriez-vous m'envoyer vos tarifs pour Microsoft 365 Copilot pour 40 personnes ?", null,
            TicketStatuses.New, []),
    ];

    public static async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<ModuleDatabase<SupportModule>>();
        var writer = services.GetRequiredService<TicketWriter>();
        var mail = services.GetRequiredService<TicketMail>();
        using var actor = ActorScope.Begin(Actor.System("demo-seed"));
        foreach (var demo in Tickets)
        {
            await db.WriteAsync(async uow =>
            {
                if (await uow.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tickets WHERE dedupe_key = @Key", new { demo.Key }) > 0)
                {
                    return;
                }

                var ticket = await writer.OpenAsync(uow, new NewTicket(demo.TenantId, demo.Subject, demo.From, demo.Name, demo.PersonId, null,
                    demo.Category, demo.Priority, TicketSources.Email, demo.Language, demo.Tags, demo.Key));
                await writer.AddMessageAsync(uow, ticket, new NewMessage(MessageKinds.Inbound, demo.Name ?? demo.From, demo.From, demo.Question,
                    null, $"demo-{demo.Key.Replace(':', '-')}@{DemoData.AcmeDomain}", false, []));
                var after = TicketWriter.Copy(ticket);
                if (demo.Answer is not null)
                {
                    var reply = await writer.AddMessageAsync(uow, ticket,
                        new NewMessage(MessageKinds.Outbound, "support@licenceops.local", mail.Mailbox, demo.Answer, null, null, false, []));
                    await uow.ExecuteAsync("UPDATE ticket_messages SET message_id = @id WHERE id = @Id",
                        new { id = mail.NewMessageId(ticket.Number, reply.Id), reply.Id });
                    after.FirstResponseAt = uow.Now;
                    after.AssignedAgent = "support@licenceops.local";
                }

                after.Status = demo.FinalStatus;
                await writer.SaveAsync(uow, ticket, after);
            }, ct);
        }
    }
}
