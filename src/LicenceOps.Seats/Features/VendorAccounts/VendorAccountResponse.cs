using LicenceOps.Platform.Data;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors.Accounts;

namespace LicenceOps.Seats.Features.VendorAccounts;

/// <summary>A vendor account as the API shows it: settings and health, never the credential (only whether one is stored).</summary>
public sealed record VendorAccountResponse(
    Guid Id, Guid TenantId, string VendorCode, string Connector, string DisplayName, string? BaseAddress,
    IReadOnlyDictionary<string, string> Settings, bool HasCredential, DateTimeOffset? LastCheckedAt, bool? LastCheckOk,
    string? LastError, DateTimeOffset? LastErrorAt, IReadOnlyList<Guid> SubscriptionIds, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    ReconciliationScheduleView Reconciliation)
{
    internal static VendorAccountResponse From(VendorAccountRow row, IReadOnlyList<Guid> subscriptionIds, int defaultIntervalMinutes) => new(
        row.Id, row.TenantId, row.VendorCode, row.Connector, row.DisplayName, row.BaseAddress, row.SettingsMap(),
        !string.IsNullOrEmpty(row.ProtectedSecret), row.LastCheckedAt, row.LastCheckOk, row.LastError, row.LastErrorAt, subscriptionIds,
        row.CreatedAt, row.UpdatedAt, ReconciliationScheduleView.Of(row, defaultIntervalMinutes));

    internal static async Task<VendorAccountResponse?> LoadAsync(UnitOfWork uow, Guid tenantId, Guid id, int defaultIntervalMinutes)
    {
        var row = await uow.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @id AND tenant_id = @tenantId",
            new { id, tenantId });
        if (row is null)
        {
            return null;
        }
        var subscriptions = await uow.QueryAsync<Guid>("SELECT id FROM subscriptions WHERE connected_account_id = @id AND tenant_id = @tenantId ORDER BY id",
            new { id, tenantId });
        return From(row, subscriptions, defaultIntervalMinutes);
    }

    internal static async Task<VendorAccountResponse?> LoadAsync(ModuleDatabase<SeatsModule> db, Guid tenantId, Guid id, int defaultIntervalMinutes, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @id AND tenant_id = @tenantId",
            new { id, tenantId }, ct);
        if (row is null)
        {
            return null;
        }
        var subscriptions = await db.QueryAsync<Guid>("SELECT id FROM subscriptions WHERE connected_account_id = @id AND tenant_id = @tenantId ORDER BY id",
            new { id, tenantId }, ct);
        return From(row, subscriptions, defaultIntervalMinutes);
    }
}

/// <summary>
/// The account's scheduled reconciliation: its interval (its own, or the configured default), whether staff left it on,
/// and the Hangfire recurring job that runs it (id and cron in UTC), or why there is none.
/// </summary>
public sealed record ReconciliationScheduleView(int IntervalMinutes, bool IntervalIsDefault, bool Enabled, string? JobId, string? Cron, string? NotScheduledBecause)
{
    internal static ReconciliationScheduleView Of(VendorAccountRow row, int defaultIntervalMinutes)
    {
        var schedule = AccountSchedule.Of(row, defaultIntervalMinutes);
        return new ReconciliationScheduleView(schedule.IntervalMinutes, schedule.IsDefault, row.ScheduledReconciliation,
            schedule.Cron is null ? null : ReconciliationScheduler.JobId(row.Id), schedule.Cron, schedule.Why);
    }
}
