using LicenceOps.Platform.Data;
using LicenceOps.Platform.Jobs;
using LicenceOps.Support.Domain;
using LicenceOps.Support.Features.Tickets;

namespace LicenceOps.Support.Jobs;

public sealed record SlaSweepResult(int AtRisk, int Breached, int Escalated);

/// <summary>
/// Every few minutes: compares each active ticket with its targets (business hours, Paris, French holidays) and
/// stores ok / at_risk / breached. A first breach escalates once: an internal note, the escalated_at mark, a
/// priority raised one step (never above urgent, targets unchanged), and a mail to Support:EscalationEmail.
/// Safe to run any number of times: only changes of state are written.
/// </summary>
public sealed class SlaSweepJob(ModuleDatabase<SupportModule> db, TicketWriter writer, TicketMail mail, SupportOptions options, TimeProvider time)
{
    public const string Id = "support:sla";

    public async Task<SlaSweepResult> RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Id);
        var now = time.GetUtcNow();
        var active = await db.QueryAsync<TicketRow>(
            $"SELECT {TicketRow.Columns} FROM tickets WHERE status IN ('new', 'open', 'waiting_on_customer') ORDER BY number", null, ct);
        int atRisk = 0, breached = 0, escalated = 0;
        foreach (var ticket in active)
        {
            // While the ticket waits on the customer, the resolution clock is stopped: only an unanswered first response can breach.
            DateTimeOffset? resolutionDue = ticket.Status == TicketStatuses.WaitingOnCustomer ? null : ticket.ResolutionDue;
            var state = SlaEvaluator.Evaluate(writer.Calendar, now, ticket.FirstResponseDue, ticket.FirstResponseAt is not null,
                resolutionDue, options.TargetFor(ticket.Priority), options.AtRiskFraction);
            atRisk += state == SlaStates.AtRisk ? 1 : 0;
            breached += state == SlaStates.Breached ? 1 : 0;
            if (state == ticket.SlaState && (state != SlaStates.Breached || ticket.EscalatedAt is not null))
            {
                continue;
            }

            escalated += await db.WriteAsync(async uow =>
            {
                var before = await TicketWriter.FindAsync(uow, ticket.Id);
                if (before is null || before.Version != ticket.Version)
                {
                    return 0; // Changed since the read; the next sweep sees it as it is now.
                }

                var after = TicketWriter.Copy(before);
                after.SlaState = state;
                var escalate = state == SlaStates.Breached && before.EscalatedAt is null;
                if (escalate)
                {
                    var what = before.FirstResponseAt is null && now >= before.FirstResponseDue
                        ? $"first response was due {before.FirstResponseDue:yyyy-MM-dd HH:mm} UTC"
                        : $"resolution was due {before.ResolutionDue:yyyy-MM-dd HH:mm} UTC";
                    after.EscalatedAt = now;
                    after.Priority = RaisedPriority(before.Priority);
                    await writer.AddMessageAsync(uow, before, new NewMessage(MessageKinds.Note, Id, null,
                        $"SLA breached: {what}. Escalated{(after.Priority != before.Priority ? $", priority {before.Priority} → {after.Priority}" : "")}.",
                        null, null, true, []));
                    if (mail.EscalateAsync(uow, after, $"SLA breached, {what}") is { } sent)
                    {
                        await sent;
                    }
                }

                // Escalation raises the priority for the queue's ordering, not the targets already promised.
                var keepTargets = TicketWriter.Copy(after);
                keepTargets.Priority = before.Priority;
                if (!await writer.SaveAsync(uow, before, keepTargets))
                {
                    return 0;
                }

                if (after.Priority != before.Priority)
                {
                    await uow.ExecuteAsync("UPDATE tickets SET priority = @Priority WHERE id = @Id", new { after.Priority, after.Id });
                }

                await uow.AuditAsync("ticket", before.Id, escalate ? "sla-escalated" : "sla-state", new { from = before.SlaState, to = state }, before.TenantId);
                return escalate ? 1 : 0;
            }, ct);
        }

        return new SlaSweepResult(atRisk, breached, escalated);
    }

    private static string RaisedPriority(string priority) => priority switch
    {
        TicketPriorities.Low => TicketPriorities.Normal,
        TicketPriorities.Normal => TicketPriorities.High,
        _ => TicketPriorities.Urgent,
    };
}
