using System.Text;
using Dapper;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using LicenceOps.Support.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Support.Features.Tickets;

/// <summary>GET /api/tickets: newest first on the shared keyset pager (by ticket number); a client user only ever sees its tenant's.</summary>
internal static class ListTickets
{
    /// <summary>Ticket numbers are unique and never reused, so the number alone orders the list totally.</summary>
    private static readonly Keyset<TicketRow> NewestFirst = new("tickets", SortKey.Desc<TicketRow>("number", r => r.Number));

    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/", HandleAsync).WithSummary("Tickets, newest first (filters: status, priority, category, tenantId, triage, assignedAgent, tag, slaState).");

    private static async Task<Results<Ok<Page<TicketSummary>>, ValidationProblem>> HandleAsync(
        PageRequest page, CurrentUser user, ModuleDatabase<SupportModule> db, CancellationToken ct,
        string? status = null, string? priority = null, string? category = null, Guid? tenantId = null, bool? triage = null,
        string? assignedAgent = null, string? tag = null, string? slaState = null)
    {
        var errors = new ValidationErrors();
        TicketInput.OneOf(errors, "status", status, TicketStatuses.All);
        TicketInput.OneOf(errors, "priority", priority, TicketPriorities.All);
        TicketInput.OneOf(errors, "category", category, TicketCategories.All);
        TicketInput.OneOf(errors, "slaState", slaState, [SlaStates.Ok, SlaStates.AtRisk, SlaStates.Breached, SlaStates.Met]);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var where = new StringBuilder("1 = 1");
        var args = new DynamicParameters();
        if (!user.IsStaff)
        {
            // The tenant filter of a client user is not optional and not overridable.
            where.Append(" AND tenant_id = @ownTenant");
            args.Add("ownTenant", user.TenantId ?? Guid.Empty);
        }

        void Filter(string? value, string clause, string name)
        {
            if (value is not null)
            {
                where.Append(clause);
                args.Add(name, value);
            }
        }

        Filter(status, " AND status = @status", "status");
        Filter(priority, " AND priority = @priority", "priority");
        Filter(category, " AND category = @category", "category");
        Filter(assignedAgent, " AND assigned_agent = @assignedAgent", "assignedAgent");
        Filter(slaState, " AND sla_state = @slaState", "slaState");
        Filter(tag is null ? null : $"%\"{tag.ToLowerInvariant().Replace("\"", "", StringComparison.Ordinal)}\"%", " AND tags LIKE @tag", "tag");
        if (tenantId is not null)
        {
            where.Append(" AND tenant_id = @tenantId");
            args.Add("tenantId", tenantId);
        }

        if (triage is not null)
        {
            where.Append(triage.Value ? " AND tenant_id IS NULL" : " AND tenant_id IS NOT NULL");
        }

        var rows = await NewestFirst.ReadAsync(db, $"SELECT {TicketRow.Columns} FROM tickets", where.ToString(), args, page, ct);
        return TypedResults.Ok(rows.Map(TicketSummary.From));
    }
}
