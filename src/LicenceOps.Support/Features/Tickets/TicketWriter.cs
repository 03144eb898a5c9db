using System.Text.Json;
using LicenceOps.Platform.Data;
using LicenceOps.Support.Domain;

namespace LicenceOps.Support.Features.Tickets;

public sealed record NewTicket(
    Guid? TenantId,
    string Subject,
    string RequesterEmail,
    string? RequesterName,
    Guid? PersonId,
    Guid? SeatId,
    string Category,
    string Priority,
    string Source,
    string Language,
    IReadOnlyList<string> Tags,
    string? DedupeKey);

public sealed record NewAttachment(string FileName, string ContentType, byte[] Content);

public sealed record NewMessage(
    string Kind,
    string Author,
    string? FromAddress,
    string BodyText,
    string? BodyHtml,
    string? MessageId,
    bool IsAutomatic,
    IReadOnlyList<NewAttachment> Attachments);

/// <summary>
/// The writes every ticket feature shares, inside the caller's transaction: numbering, SLA due dates, the
/// conversation, and the status a new message implies. The SLA clock for resolution stops while the ticket
/// waits on the customer and resumes with the business time that was left.
/// </summary>
public sealed class TicketWriter(SupportOptions options)
{
    public SlaCalendar Calendar { get; } = options.Calendar();

    public async Task<TicketRow> OpenAsync(UnitOfWork uow, NewTicket t)
    {
        // Bumped and read in the caller's transaction: numbers never repeat, and a rolled-back ticket gives its number back.
        await uow.ExecuteAsync("UPDATE support_sequences SET next_value = next_value + 1 WHERE name = 'ticket'");
        var number = await uow.ExecuteScalarAsync<long>("SELECT next_value - 1 FROM support_sequences WHERE name = 'ticket'");
        var target = options.TargetFor(t.Priority);
        var row = new TicketRow
        {
            Id = RowIds.New(),
            Number = number,
            TenantId = t.TenantId,
            Subject = t.Subject,
            RequesterEmail = t.RequesterEmail,
            RequesterName = t.RequesterName,
            PersonId = t.PersonId,
            SeatId = t.SeatId,
            Category = t.Category,
            Priority = t.Priority,
            Status = TicketStatuses.New,
            Tags = JsonSerializer.Serialize(t.Tags.Distinct(StringComparer.OrdinalIgnoreCase).ToList()),
            Source = t.Source,
            Language = t.Language,
            DedupeKey = t.DedupeKey,
            CreatedAt = uow.Now,
            UpdatedAt = uow.Now,
            FirstResponseDue = Calendar.Add(uow.Now, TimeSpan.FromHours(target.FirstResponseHours)),
            ResolutionDue = Calendar.Add(uow.Now, TimeSpan.FromHours(target.ResolutionHours)),
            SlaState = SlaStates.Ok,
            Version = 1,
        };
        await uow.ExecuteAsync(
            """
            INSERT INTO tickets (id, number, tenant_id, subject, requester_email, requester_name, person_id, seat_id, category, priority,
                status, assigned_agent, tags, source, language, dedupe_key, created_at, updated_at, first_response_due, first_response_at,
                resolution_due, resolved_at, closed_at, waiting_since, sla_state, escalated_at, version)
            VALUES (@Id, @Number, @TenantId, @Subject, @RequesterEmail, @RequesterName, @PersonId, @SeatId, @Category, @Priority,
                @Status, @AssignedAgent, @Tags, @Source, @Language, @DedupeKey, @CreatedAt, @UpdatedAt, @FirstResponseDue, NULL,
                @ResolutionDue, NULL, NULL, NULL, @SlaState, NULL, @Version)
            """,
            row);
        await uow.AuditAsync("ticket", row.Id, "opened",
            new { number = row.DisplayNumber, row.Subject, row.Category, row.Priority, row.Source, triage = row.TenantId is null }, row.TenantId);
        return row;
    }

    public async Task<TicketMessageRow> AddMessageAsync(UnitOfWork uow, TicketRow ticket, NewMessage m)
    {
        var seq = await uow.ExecuteScalarAsync<int>("SELECT COALESCE(MAX(seq), 0) + 1 FROM ticket_messages WHERE ticket_id = @Id", new { ticket.Id });
        var row = new TicketMessageRow
        {
            Id = RowIds.New(),
            Seq = seq,
            TicketId = ticket.Id,
            Kind = m.Kind,
            Author = m.Author,
            FromAddress = m.FromAddress,
            BodyText = m.BodyText,
            BodyHtml = m.BodyHtml,
            MessageId = m.MessageId,
            IsAutomatic = m.IsAutomatic,
            CreatedAt = uow.Now,
        };
        await uow.ExecuteAsync(
            """
            INSERT INTO ticket_messages (id, seq, ticket_id, kind, author, from_address, body_text, body_html, message_id, is_automatic, created_at)
            VALUES (@Id, @Seq, @TicketId, @Kind, @Author, @FromAddress, @BodyText, @BodyHtml, @MessageId, @IsAutomatic, @CreatedAt)
            """,
            row);
        foreach (var attachment in m.Attachments)
        {
            await uow.ExecuteAsync(
                """
                INSERT INTO ticket_attachments (id, ticket_id, message_id, file_name, content_type, size_bytes, content)
                VALUES (@id, @ticketId, @messageId, @FileName, @ContentType, @size, @Content)
                """,
                new { id = RowIds.New(), ticketId = ticket.Id, messageId = row.Id, attachment.FileName, attachment.ContentType,
                    size = (long)attachment.Content.LongLength, attachment.Content });
        }

        return row;
    }

    /// <summary>A client wrote (mail or portal): the ball is back in the hotline's court.</summary>
    public static string StatusAfterClientMessage(string status) =>
        status is TicketStatuses.WaitingOnCustomer or TicketStatuses.Resolved ? TicketStatuses.Open : status;

    /// <summary>
    /// Saves a status change with the clock effects it implies, conditionally on the version read, so two agents
    /// acting at once cannot both win. Returns false when the ticket changed in between.
    /// </summary>
    public async Task<bool> SaveAsync(UnitOfWork uow, TicketRow before, TicketRow after)
    {
        var now = uow.Now;
        if (after.Status != before.Status)
        {
            if (before.Status == TicketStatuses.WaitingOnCustomer && before.WaitingSince is { } since)
            {
                // Resume: the resolution target gets back the business time that remained when the wait began.
                after.ResolutionDue = Calendar.Add(now, Calendar.Between(since, before.ResolutionDue));
                after.WaitingSince = null;
            }

            after.WaitingSince = after.Status == TicketStatuses.WaitingOnCustomer ? now : after.WaitingSince;
            after.ResolvedAt = after.Status is TicketStatuses.Resolved or TicketStatuses.Closed ? before.ResolvedAt ?? now : null;
            after.ClosedAt = after.Status == TicketStatuses.Closed ? now : null;
            if (after.Status is TicketStatuses.Resolved or TicketStatuses.Closed)
            {
                after.SlaState = now <= before.ResolutionDue && before.SlaState != SlaStates.Breached ? SlaStates.Met : SlaStates.Breached;
            }
            else if (before.SlaState == SlaStates.Met)
            {
                after.SlaState = SlaStates.Ok;
            }
        }

        if (after.Priority != before.Priority)
        {
            // A new priority means new targets, counted from the ticket's creation.
            var target = options.TargetFor(after.Priority);
            after.FirstResponseDue = Calendar.Add(before.CreatedAt, TimeSpan.FromHours(target.FirstResponseHours));
            after.ResolutionDue = Calendar.Add(before.CreatedAt, TimeSpan.FromHours(target.ResolutionHours));
        }

        after.UpdatedAt = now;
        after.Version = before.Version + 1;
        var updated = await uow.ExecuteAsync(
            """
            UPDATE tickets SET tenant_id = @TenantId, subject = @Subject, requester_email = @RequesterEmail, requester_name = @RequesterName,
                person_id = @PersonId, seat_id = @SeatId, category = @Category, priority = @Priority, status = @Status,
                assigned_agent = @AssignedAgent, tags = @Tags, updated_at = @UpdatedAt, first_response_due = @FirstResponseDue,
                first_response_at = @FirstResponseAt, resolution_due = @ResolutionDue, resolved_at = @ResolvedAt, closed_at = @ClosedAt,
                waiting_since = @WaitingSince, sla_state = @SlaState, escalated_at = @EscalatedAt, version = @Version
            WHERE id = @Id AND version = @PreviousVersion
            """,
            new
            {
                after.Id, after.TenantId, after.Subject, after.RequesterEmail, after.RequesterName, after.PersonId, after.SeatId,
                after.Category, after.Priority, after.Status, after.AssignedAgent, after.Tags, after.UpdatedAt, after.FirstResponseDue,
                after.FirstResponseAt, after.ResolutionDue, after.ResolvedAt, after.ClosedAt, after.WaitingSince, after.SlaState,
                after.EscalatedAt, after.Version, PreviousVersion = before.Version,
            });
        return updated == 1;
    }

    public static Task<TicketRow?> FindAsync(UnitOfWork uow, Guid id) =>
        uow.QuerySingleOrDefaultAsync<TicketRow>($"SELECT {TicketRow.Columns} FROM tickets WHERE id = @id", new { id });

    /// <summary>A detached copy to change, so <see cref="SaveAsync"/> can compare it with what was read.</summary>
    public static TicketRow Copy(TicketRow row) => new()
    {
        Id = row.Id, Number = row.Number, TenantId = row.TenantId, Subject = row.Subject, RequesterEmail = row.RequesterEmail,
        RequesterName = row.RequesterName, PersonId = row.PersonId, SeatId = row.SeatId, Category = row.Category, Priority = row.Priority,
        Status = row.Status, AssignedAgent = row.AssignedAgent, Tags = row.Tags, Source = row.Source, Language = row.Language,
        DedupeKey = row.DedupeKey, CreatedAt = row.CreatedAt, UpdatedAt = row.UpdatedAt, FirstResponseDue = row.FirstResponseDue,
        FirstResponseAt = row.FirstResponseAt, ResolutionDue = row.ResolutionDue, ResolvedAt = row.ResolvedAt, ClosedAt = row.ClosedAt,
        WaitingSince = row.WaitingSince, SlaState = row.SlaState, EscalatedAt = row.EscalatedAt, Version = row.Version,
    };
}
