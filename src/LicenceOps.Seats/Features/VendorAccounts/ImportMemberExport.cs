using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors.Accounts;
using LicenceOps.Seats.Vendors.Csv;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Seats.Features.VendorAccounts;

/// <summary>
/// POST /api/tenants/{tenantId}/vendor-accounts/{id}/member-export[?apply=true]: the member export of a vendor without an
/// admin API (text/csv: email, status, last active, optionally name, role, joined). Without apply it is a dry run that
/// lists every row error; apply refuses a file with errors (422 problem+json listing them) and otherwise replaces the account's member list, which the
/// CSV connector then reports.
/// </summary>
internal static class ImportMemberExport
{
    public static void Map(IEndpointRouteBuilder tenant) =>
        tenant.MapPost("/vendor-accounts/{accountId:guid}/member-export", HandleAsync).RequireAuthorization(Policies.Staff)
            .Accepts<string>("text/csv")
            .WithSummary("Import a vendor member export (CSV): dry run by default, apply=true to store it.");

    private static async Task<Results<Ok<MemberExportResponse>, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid accountId, bool? apply, HttpRequest httpRequest, ModuleDatabase<SeatsModule> db, ReconciliationScheduler scheduler,
        CancellationToken ct)
    {
        var account = await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @accountId AND tenant_id = @tenantId",
            new { accountId, tenantId }, ct);
        if (account is null)
        {
            return Problems.NotFound($"Vendor account {accountId} not found.");
        }
        var text = await MemberSnapshot.ReadBodyAsync(httpRequest, ct);
        if (text is null)
        {
            return Problems.BadRequest("Send the vendor's member export as the request body (text/csv).");
        }
        var parsed = CsvMemberExport.Parse(text);
        var response = new MemberExportResponse(false, parsed.Members.Count,
            parsed.Members.GroupBy(m => m.Status).ToDictionary(g => g.Key, g => g.Count()), parsed.Errors,
            parsed.Members.Select(MemberSnapshot.View).ToList());
        if (parsed.Errors.Count > 0)
        {
            // A dry run reports errors as its answer; an apply with errors changes nothing.
            return apply == true ? MemberSnapshot.RowErrorsProblem(parsed.Errors) : TypedResults.Ok(response);
        }
        if (apply != true)
        {
            return TypedResults.Ok(response);
        }
        await db.WriteAsync(async uow =>
        {
            await MemberSnapshot.ReplaceAsync(uow, tenantId, accountId, parsed.Members, "csv");
            await uow.AuditAsync("vendor_account", accountId, "member_export_imported", new { members = parsed.Members.Count, response.ByStatus }, tenantId);
        }, ct);
        // A CSV account is scheduled once it holds an export (before, there was nothing to read).
        await scheduler.SynchroniseAsync(accountId, ct);
        return TypedResults.Ok(response with { Applied = true });
    }
}
