using LicenceOps.Platform.Data;
using LicenceOps.Seats.Vendors.Manual;

namespace LicenceOps.Seats.Vendors.Csv;

/// <summary>
/// Vendors without a usable admin API: readings come from the last imported member export (stored in vendor_members),
/// actions are manual tasks. Dates in the export are what the vendor showed when staff downloaded it.
/// </summary>
public sealed class CsvConnector(ModuleDatabase<SeatsModule> db, ManualConnector manual) : IVendorConnector
{
    public string Name => ConnectorKinds.Csv;

    public bool IsApi => false;

    public bool Handles(string vendorCode) => false;

    public async Task<VendorReading<VendorMemberList>> ListMembersAsync(VendorAccount account, CancellationToken ct)
    {
        var connection = account.Connection ?? throw new VendorConnectorException("A CSV reading needs a vendor account.");
        var read = await db.QuerySingleOrDefaultAsync<DateTimeOffset?>(
            """
            SELECT members_read_at FROM vendor_accounts
            WHERE id = @id AND EXISTS (SELECT 1 FROM vendor_members m WHERE m.vendor_account_id = @id)
            """, new { id = connection.Id }, ct);
        if (read is null)
        {
            return new VendorReading<VendorMemberList>.Unavailable($"No member export of '{connection.DisplayName}' has been imported yet.");
        }
        var rows = await db.QueryAsync<VendorMemberRow>(VendorMemberRow.SelectSql + " WHERE vendor_account_id = @id ORDER BY email", new { id = connection.Id }, ct);
        return new VendorReading<VendorMemberList>.Read(new VendorMemberList(rows.Select(r => r.ToMember()).ToList(), true,
            [$"Member export imported at {read:u}."]));
    }

    public async Task<VendorReading<VendorMember?>> FindMemberAsync(VendorAccount account, string email, CancellationToken ct) =>
        await ListMembersAsync(account, ct) switch
        {
            VendorReading<VendorMemberList>.Read read => new VendorReading<VendorMember?>.Read(
                read.Value.Members.FirstOrDefault(m => string.Equals(m.Email, email, StringComparison.OrdinalIgnoreCase))),
            VendorReading<VendorMemberList>.Unavailable unavailable => new VendorReading<VendorMember?>.Unavailable(unavailable.Reason),
            _ => throw new InvalidOperationException("unknown reading"),
        };

    public Task<VendorReading<VendorQuantity>> ReadPurchasedQuantityAsync(VendorAccount account, CancellationToken ct) =>
        Task.FromResult<VendorReading<VendorQuantity>>(new VendorReading<VendorQuantity>.Unavailable(
            "A member export does not state the purchased quantity: compare with the vendor invoice."));

    public async Task<VendorReading<IReadOnlyList<VendorUsage>>> ReadUsageAsync(VendorAccount account, DateOnly from, DateOnly to, CancellationToken ct) =>
        await ListMembersAsync(account, ct) switch
        {
            VendorReading<VendorMemberList>.Read read => new VendorReading<IReadOnlyList<VendorUsage>>.Read(
                read.Value.Members.Select(m => new VendorUsage(m.Email, m.LastActiveOn)).ToList()),
            VendorReading<VendorMemberList>.Unavailable unavailable => new VendorReading<IReadOnlyList<VendorUsage>>.Unavailable(unavailable.Reason),
            _ => throw new InvalidOperationException("unknown reading"),
        };

    public Task<VendorReading<string>> TestAsync(VendorAccount account, CancellationToken ct) =>
        Task.FromResult<VendorReading<string>>(new VendorReading<string>.Unavailable(
            "A CSV vendor account has no API to test: import the vendor's member export instead."));

    public Task<ConnectorResult> InviteAsync(VendorMemberContext member, UnitOfWork uow, CancellationToken ct) => manual.InviteAsync(member, uow, ct);

    public Task<ConnectorResult> RevokeAsync(VendorMemberContext member, UnitOfWork uow, CancellationToken ct) => manual.RevokeAsync(member, uow, ct);

    public Task<ConnectorResult> TransferDataAsync(VendorMemberContext member, string offboardingDataRule, UnitOfWork uow, CancellationToken ct) =>
        manual.TransferDataAsync(member, offboardingDataRule, uow, ct);
}

public sealed class VendorMemberRow
{
    public Guid VendorAccountId { get; set; }
    public string Email { get; set; } = "";
    public string? ExternalId { get; set; }
    public string? DisplayName { get; set; }
    public string? Role { get; set; }
    public string Status { get; set; } = "";
    public DateOnly? JoinedOn { get; set; }
    public DateOnly? LastActiveOn { get; set; }
    public string Source { get; set; } = "";
    public DateTimeOffset ReadAt { get; set; }

    public const string SelectSql = """
        SELECT vendor_account_id AS VendorAccountId, email AS Email, external_id AS ExternalId, display_name AS DisplayName, role AS Role,
               status AS Status, joined_on AS JoinedOn, last_active_on AS LastActiveOn, source AS Source, read_at AS ReadAt
        FROM vendor_members
        """;

    public VendorMember ToMember() => new(Email, Role, Status, LastActiveOn, ExternalId, DisplayName, JoinedOn);
}
