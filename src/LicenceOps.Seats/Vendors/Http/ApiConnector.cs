using LicenceOps.Platform.Data;
using LicenceOps.Seats.Vendors.Manual;

namespace LicenceOps.Seats.Vendors.Http;

/// <summary>
/// What every API connector shares: it serves only vendor accounts that name it, and hands leaver data over through a
/// manual task because no vendor API moves a member's workspace content to someone else.
/// </summary>
public abstract class ApiConnector(ManualConnector manual, TimeProvider time) : IVendorConnector
{
    public abstract string Name { get; }

    /// <summary>Vendor name used in error messages, e.g. "OpenAI".</summary>
    protected abstract string Vendor { get; }

    public bool IsApi => true;

    protected TimeProvider Time => time;

    protected DateTimeOffset Now => time.GetUtcNow();

    /// <summary>API connectors are chosen by a vendor account naming them, never by vendor code alone.</summary>
    public bool Handles(string vendorCode) => false;

    public abstract Task<VendorReading<VendorMemberList>> ListMembersAsync(VendorAccount account, CancellationToken ct);

    public virtual async Task<VendorReading<VendorMember?>> FindMemberAsync(VendorAccount account, string email, CancellationToken ct) =>
        await ListMembersAsync(account, ct) switch
        {
            VendorReading<VendorMemberList>.Read read => new VendorReading<VendorMember?>.Read(
                read.Value.Members.FirstOrDefault(m => string.Equals(m.Email, email, StringComparison.OrdinalIgnoreCase))),
            VendorReading<VendorMemberList>.Unavailable unavailable => new VendorReading<VendorMember?>.Unavailable(unavailable.Reason),
            _ => throw new InvalidOperationException("unknown reading"),
        };

    public virtual Task<VendorReading<VendorQuantity>> ReadPurchasedQuantityAsync(VendorAccount account, CancellationToken ct) =>
        Task.FromResult<VendorReading<VendorQuantity>>(new VendorReading<VendorQuantity>.Unavailable(
            $"The {Vendor} admin API does not report the purchased seat quantity: compare with the vendor invoice."));

    public virtual Task<VendorReading<IReadOnlyList<VendorUsage>>> ReadUsageAsync(VendorAccount account, DateOnly from, DateOnly to, CancellationToken ct) =>
        Task.FromResult<VendorReading<IReadOnlyList<VendorUsage>>>(new VendorReading<IReadOnlyList<VendorUsage>>.Unavailable(
            $"The {Vendor} admin API does not report per-user activity."));

    public abstract Task<VendorReading<string>> TestAsync(VendorAccount account, CancellationToken ct);

    /// <summary>
    /// Gives access through the vendor API. Must be safe to call again after a crash that lost its outcome: check the
    /// vendor's members first rather than trusting our own records. Needs no unit of work: the transfer engine calls it
    /// with no database transaction open.
    /// </summary>
    public abstract Task<ConnectorResult> InviteAsync(VendorMemberContext member, CancellationToken ct);

    /// <summary>Takes access away through the vendor API; an unknown member counts as done (safe to call again).</summary>
    public abstract Task<ConnectorResult> RevokeAsync(VendorMemberContext member, CancellationToken ct);

    // API connectors keep no state in the workflow's unit of work.
    public Task<ConnectorResult> InviteAsync(VendorMemberContext member, UnitOfWork uow, CancellationToken ct) => InviteAsync(member, ct);

    public Task<ConnectorResult> RevokeAsync(VendorMemberContext member, UnitOfWork uow, CancellationToken ct) => RevokeAsync(member, ct);

    public Task<ConnectorResult> TransferDataAsync(VendorMemberContext member, string offboardingDataRule, UnitOfWork uow, CancellationToken ct) =>
        manual.TransferDataAsync(member, offboardingDataRule, uow, ct);

    protected ConnectorResult Done(string what) => new ConnectorResult.Done($"{Name} API: {what}", Now);

    protected static VendorConnection ConnectionOf(VendorAccount account) =>
        account.Connection ?? throw new VendorConnectorException($"Subscription {account.SubscriptionId} is not connected to a vendor account.");

    protected static VendorMemberList Complete(IEnumerable<VendorMember> members, bool reportsActivity, params string[] notes) =>
        new(members.ToList(), reportsActivity, notes);
}
