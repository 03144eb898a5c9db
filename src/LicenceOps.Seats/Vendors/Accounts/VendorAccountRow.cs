using System.Text.Json;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http.Paging;

namespace LicenceOps.Seats.Vendors.Accounts;

/// <summary>A vendor_accounts row. <see cref="ProtectedSecret"/> is the Data Protection payload, never sent anywhere.</summary>
public sealed class VendorAccountRow
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public string VendorCode { get; set; } = "";
    public string Connector { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string? BaseAddress { get; set; }
    public string Settings { get; set; } = "{}";
    public string? ProtectedSecret { get; set; }
    public DateTimeOffset? LastCheckedAt { get; set; }
    public bool? LastCheckOk { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Minutes between scheduled reconciliations; null = the configured default.</summary>
    public int? ReconcileEveryMinutes { get; set; }

    /// <summary>False when staff turned the account's recurring reconciliation job off.</summary>
    public bool ScheduledReconciliation { get; set; } = true;

    /// <summary>Whether a member list is stored (a CSV account has nothing to reconcile before its first export).</summary>
    public bool HasMembers { get; set; }

    public const string SelectSql = """
        SELECT id AS Id, tenant_id AS TenantId, vendor_code AS VendorCode, connector AS Connector, display_name AS DisplayName,
               base_address AS BaseAddress, settings AS Settings, protected_secret AS ProtectedSecret, last_checked_at AS LastCheckedAt,
               last_check_ok AS LastCheckOk, last_error AS LastError, last_error_at AS LastErrorAt, created_at AS CreatedAt,
               updated_at AS UpdatedAt, reconcile_every_minutes AS ReconcileEveryMinutes, scheduled_reconciliation AS ScheduledReconciliation,
               CASE WHEN EXISTS (SELECT 1 FROM vendor_members m WHERE m.vendor_account_id = vendor_accounts.id) THEN 1 ELSE 0 END AS HasMembers
        FROM vendor_accounts
        """;

    /// <summary>The number of columns <see cref="SelectSql"/> selects (<see cref="ReadAt"/> reads them).</summary>
    public const int SelectedColumns = 17;

    /// <summary>
    /// A row of <see cref="SelectSql"/> read by column position from a SQLite statement (<see cref="SqliteRow"/>): its columns in the
    /// order <see cref="SelectSql"/> selects them, read as Dapper reads them by name.
    /// </summary>
    public static VendorAccountRow ReadAt(SqliteRow row) => new()
    {
        Id = row.Guid(0),
        TenantId = row.Guid(1),
        VendorCode = row.String(2),
        Connector = row.String(3),
        DisplayName = row.String(4),
        BaseAddress = row.NullableString(5),
        Settings = row.String(6),
        ProtectedSecret = row.NullableString(7),
        LastCheckedAt = row.NullableInstant(8),
        LastCheckOk = row.NullableFlag(9),
        LastError = row.NullableString(10),
        LastErrorAt = row.NullableInstant(11),
        CreatedAt = row.Instant(12),
        UpdatedAt = row.Instant(13),
        ReconcileEveryMinutes = row.NullableInt32(14),
        ScheduledReconciliation = row.Flag(15),
        HasMembers = row.Flag(16),
    };

    /// <summary>Oldest account first: the one order of every vendor-account list, so their cursors agree.</summary>
    public static readonly Keyset<VendorAccountRow> ByCreation = new("vendor-accounts",
        SortKey.Asc<VendorAccountRow>("created_at", r => r.CreatedAt), SortKey.Asc<VendorAccountRow>("id", r => r.Id));

    public IReadOnlyDictionary<string, string> SettingsMap() =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(Settings) ?? [];
}
