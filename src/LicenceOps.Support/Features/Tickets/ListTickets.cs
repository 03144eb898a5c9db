using System.Text;
using Dapper;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Support.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Support.Features.Tickets;

/// <summary>GET /api/tickets: newest first, keyset-paged by ticket number; a client user only ever sees its tenant's.</summary>
internal static class ListTickets
{
    public const int MaxLimit = 200;

    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/", HandleAsync).WithSummary("Tickets, newest first (filters: status, priority, category, tenantId, triage, assignedAgent, tag, slaState; cursor paging).");

    private static async Task<Results<Ok<TicketPage>, ValidationProblem>> HandleAsync(
        CurrentUser user, ModuleDatabase<SupportModule> db, CancellationToken ct,
        string? status = null, string? priority = null, string? category = null, Guid? tenantId = null, bool? triage = null,
        string? assignedAgent = null, string? tag = null, string? slaState = null, string? cursor = null, int limit = 50)
    {
        var errors = new ValidationErrors();
        TicketInput.OneOf(errors, "status", status, TicketStatuses.All);
        TicketInput.OneOf(errors, "priority", priority, TicketPriorities.All);
        TicketInput.OneOf(errors, "category", category, TicketCategories.All);
        TicketInput.OneOf(errors, "slaState", slaState, [SlaStates.Ok, SlaStates.AtRisk, SlaStates.Breached, SlaStates.Met]);
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"limit is between 1 and {MaxLimit}.");
        }

        long? after = null;
        if (cursor is not null)
        {
            if (long.TryParse(cursor, out var parsed) && parsed > 0)
            {
                after = parsed;
            }
            else
            {
                errors.Add("cursor", "cursor is the nextCursor of a previous page.");
            }
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var sql = new StringBuilder($"SELECT {TicketRow.Columns} FROM tickets WHERE 1 = 1");
        var args = new DynamicParameters();
        if (!user.IsStaff)
        {
            // The tenant filter of a client user is not optional and not overridable.
            sql.Append(" AND tenant_id = @ownTenant");
            args.Add("ownTenant", user.TenantId ?? Guid.Empty);
        }

        void Filter(string? value, string clause, string name)
        {
            if (value is not null)
            {
                sql.Append(clause);
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
            sql.Append(" AND tenant_id = @tenantId");
            args.Add("tenantId", tenantId);
        }

        if (triage is not null)
        {
            sql.Append(triage.Value ? " AND tenant_id IS NULL" : " AND tenant_id IS NOT NULL");
        }

        if (after is not null)
        {
            sql.Append(" AND number < @after");
            args.Add("after", after);
        }

        args.Add("limit", limit);
        var rows = await db.QueryAsync<TicketRow>(db.Dialect.Top(sql.Append(" ORDER BY number DESC").ToString(), "@limit"), args, ct);
        var next = rows.Count == limit ? rows[^1].Number.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new TicketPage(rows.Select(TicketSummary.From).ToList(), next));
    }
}
