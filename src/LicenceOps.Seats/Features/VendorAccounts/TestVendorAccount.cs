using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Seats.Features.VendorAccounts;

public sealed record VendorAccountTestResponse(bool Ok, string Message, VendorAccountResponse Account);

/// <summary>
/// POST /api/tenants/{tenantId}/vendor-accounts/{id}/test: one cheap authenticated call to the vendor. The outcome is kept
/// on the account (last check, last error) so staff see a broken credential before a joiner waits on it.
/// </summary>
internal static class TestVendorAccount
{
    public static void Map(IEndpointRouteBuilder tenant) =>
        tenant.MapPost("/vendor-accounts/{accountId:guid}/test", HandleAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Test a vendor account's connection and record the outcome (last error).");

    private static async Task<Results<Ok<VendorAccountTestResponse>, ProblemHttpResult>> HandleAsync(
        Guid tenantId, Guid accountId, ModuleDatabase<SeatsModule> db, VendorCredentials credentials, VendorConnectors connectors,
        ILoggerFactory loggers, IOptions<SeatsOptions> options, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @accountId AND tenant_id = @tenantId",
            new { accountId, tenantId }, ct);
        if (row is null)
        {
            return Problems.NotFound($"Vendor account {accountId} not found.");
        }
        var connector = connectors.Named(row.Connector);
        if (connector is null || !connector.IsApi)
        {
            return Problems.Conflict($"The {row.Connector} connector has no API to test: import the vendor's member export instead.");
        }

        // The vendor call runs outside any transaction: it may wait on retries.
        bool ok;
        string message;
        try
        {
            var account = new VendorAccount(tenantId, Guid.Empty, row.VendorCode, row.VendorCode, row.DisplayName, row.DisplayName, credentials.ToConnection(row));
            (ok, message) = await connector.TestAsync(account, ct) switch
            {
                VendorReading<string>.Read read => (true, read.Value),
                VendorReading<string>.Unavailable unavailable => (false, unavailable.Reason),
                _ => (false, "unknown outcome"),
            };
        }
        catch (VendorConnectorException ex)
        {
            (ok, message) = (false, ex.Message);
        }
        if (!ok)
        {
            loggers.CreateLogger(typeof(TestVendorAccount)).LogWarning("Vendor account {AccountId} ({Connector}) failed its test: {Error}",
                accountId, row.Connector, message);
        }

        var response = await db.WriteAsync(async uow =>
        {
            await uow.ExecuteAsync(
                """
                UPDATE vendor_accounts SET last_checked_at = @now, last_check_ok = @ok,
                    last_error = CASE WHEN @ok = 1 THEN last_error ELSE @message END,
                    last_error_at = CASE WHEN @ok = 1 THEN last_error_at ELSE @now END
                WHERE id = @accountId AND tenant_id = @tenantId
                """,
                new { accountId, tenantId, ok = ok ? 1 : 0, message, now = uow.Now });
            await uow.AuditAsync("vendor_account", accountId, ok ? "test_passed" : "test_failed", new { message }, tenantId);
            return await VendorAccountResponse.LoadAsync(uow, tenantId, accountId, options.Value.Reconciliation.IntervalMinutes);
        }, ct);
        return response is null
            ? Problems.NotFound($"Vendor account {accountId} not found.")
            : TypedResults.Ok(new VendorAccountTestResponse(ok, message, response));
    }
}
