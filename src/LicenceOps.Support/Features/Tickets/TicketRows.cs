using System.Text.Json;

namespace LicenceOps.Support.Features.Tickets;

/// <summary>A ticket as stored (table tickets).</summary>
public sealed class TicketRow
{
    public const string Columns = """
        id AS Id, number AS Number, tenant_id AS TenantId, subject AS Subject, requester_email AS RequesterEmail,
        requester_name AS RequesterName, person_id AS PersonId, seat_id AS SeatId, category AS Category, priority AS Priority,
        status AS Status, assigned_agent AS AssignedAgent, tags AS Tags, source AS Source, language AS Language,
        dedupe_key AS DedupeKey, created_at AS CreatedAt, updated_at AS UpdatedAt, first_response_due AS FirstResponseDue,
        first_response_at AS FirstResponseAt, resolution_due AS ResolutionDue, resolved_at AS ResolvedAt, closed_at AS ClosedAt,
        waiting_since AS WaitingSince, sla_state AS SlaState, escalated_at AS EscalatedAt, version AS Version
        """;

    public Guid Id { get; set; }
    public long Number { get; set; }
    public Guid? TenantId { get; set; }
    public string Subject { get; set; } = "";
    public string RequesterEmail { get; set; } = "";
    public string? RequesterName { get; set; }
    public Guid? PersonId { get; set; }
    public Guid? SeatId { get; set; }
    public string Category { get; set; } = "";
    public string Priority { get; set; } = "";
    public string Status { get; set; } = "";
    public string? AssignedAgent { get; set; }
    public string Tags { get; set; } = "[]";
    public string Source { get; set; } = "";
    public string Language { get; set; } = "fr";
    public string? DedupeKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset FirstResponseDue { get; set; }
    public DateTimeOffset? FirstResponseAt { get; set; }
    public DateTimeOffset ResolutionDue { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset? WaitingSince { get; set; }
    public string SlaState { get; set; } = "";
    public DateTimeOffset? EscalatedAt { get; set; }
    public int Version { get; set; }

    public IReadOnlyList<string> TagList => JsonSerializer.Deserialize<List<string>>(Tags) ?? [];

    public string DisplayNumber => Domain.TicketNumbers.Format(Number);
}

public sealed class TicketMessageRow
{
    public const string Columns = """
        id AS Id, seq AS Seq, ticket_id AS TicketId, kind AS Kind, author AS Author, from_address AS FromAddress,
        body_text AS BodyText, body_html AS BodyHtml, message_id AS MessageId, is_automatic AS IsAutomatic, created_at AS CreatedAt
        """;

    public Guid Id { get; set; }
    public int Seq { get; set; }
    public Guid TicketId { get; set; }
    public string Kind { get; set; } = "";
    public string Author { get; set; } = "";
    public string? FromAddress { get; set; }
    public string BodyText { get; set; } = "";
    public string? BodyHtml { get; set; }
    public string? MessageId { get; set; }
    public bool IsAutomatic { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class TicketAttachmentRow
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long SizeBytes { get; set; }
}
