using LicenceOps.Platform.Data;
using LicenceOps.Platform.Security;

namespace LicenceOps.Support.Features.Tickets;

/// <summary>
/// Staff see every ticket, triage included; a client user only its own tenant's. Anything else is answered 404,
/// exactly like a ticket that does not exist.
/// </summary>
internal static class TicketAccess
{
    public static bool CanSee(CurrentUser user, TicketRow ticket) =>
        user.IsStaff || (ticket.TenantId is { } tenantId && user.CanAccessTenant(tenantId));

    public static async Task<TicketRow?> FindVisibleAsync(ModuleDatabase<SupportModule> db, CurrentUser user, Guid id, CancellationToken ct)
    {
        var ticket = await db.QuerySingleOrDefaultAsync<TicketRow>($"SELECT {TicketRow.Columns} FROM tickets WHERE id = @id", new { id }, ct);
        return ticket is not null && CanSee(user, ticket) ? ticket : null;
    }

    public static async Task<TicketRow?> FindVisibleAsync(UnitOfWork uow, CurrentUser user, Guid id)
    {
        var ticket = await TicketWriter.FindAsync(uow, id);
        return ticket is not null && CanSee(user, ticket) ? ticket : null;
    }
}
