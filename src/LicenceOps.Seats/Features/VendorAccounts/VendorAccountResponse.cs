using LicenceOps.Platform.Data;
using LicenceOps.Seats.Vendors.Accounts;

namespace LicenceOps.Seats.Features.VendorAccounts;

/// <summary>A vendor account as the API shows it: settings and health, never the credential (only whether one is stored).</summary>
public sealed record VendorAccountResponse(
    Guid Id, Guid TenantId, string VendorCode, string Connector, string DisplayName, string? BaseAddress,
    IReadOnlyDictionary<string, string> Settings, bool HasCredential, DateTimeOffset? LastCheckedAt, bool? LastCheckOk,
    string? LastError, DateTimeOffset? LastErrorAt, IReadOnlyList<Guid> SubscriptionIds, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static VendorAccountResponse From(VendorAccountRow row, IReadOnlyList<Guid> subscriptionIds) => new(
        row.Id, row.TenantId, row.VendorCode, row.Connector, row.DisplayName, row.BaseAddress, row.SettingsMap(),
        !string.IsNullOrEmpty(row.ProtectedSecret), row.LastCheckedAt, row.LastCheckOk, row.LastError, row.LastErrorAt, subscriptionIds,
        row.CreatedAt, row.UpdatedAt);

    internal static async Task<VendorAccountResponse?> LoadAsync(UnitOfWork uow, Guid tenantId, Guid id)
    {
        var row = await uow.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @id AND tenant_id = @tenantId",
            new { id, tenantId });
        if (row is null)
        {
            return null;
        }
        var subscriptions = await uow.QueryAsync<Guid>("SELECT id FROM subscriptions WHERE connected_account_id = @id AND tenant_id = @tenantId ORDER BY id",
            new { id, tenantId });
        return From(row, subscriptions);
    }

    internal static async Task<VendorAccountResponse?> LoadAsync(ModuleDatabase<SeatsModule> db, Guid tenantId, Guid id, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @id AND tenant_id = @tenantId",
            new { id, tenantId }, ct);
        if (row is null)
        {
            return null;
        }
        var subscriptions = await db.QueryAsync<Guid>("SELECT id FROM subscriptions WHERE connected_account_id = @id AND tenant_id = @tenantId ORDER BY id",
            new { id, tenantId }, ct);
        return From(row, subscriptions);
    }
}
