using LicenceOps.Platform.Data;

namespace LicenceOps.Seats.Vendors;

/// <summary>
/// The vendor workspace of one subscription. <paramref name="Connection"/> is the vendor account (API credentials and
/// settings) the subscription is connected to, or null when staff administer the workspace by hand.
/// </summary>
public sealed record VendorAccount(
    Guid TenantId, Guid SubscriptionId, string VendorCode, string VendorName, string PlanName, string VendorAccountId,
    VendorConnection? Connection = null);

/// <summary>A stored vendor account as a connector needs it: which connector, where, with what settings and secret.</summary>
public sealed record VendorConnection(
    Guid Id, string Connector, string DisplayName, Uri? BaseAddress, IReadOnlyDictionary<string, string> Settings, VendorSecret Secret)
{
    public string Setting(string key) =>
        Settings.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new VendorConnectorException($"The vendor account '{DisplayName}' has no '{key}' setting.");

    public string? OptionalSetting(string key) => Settings.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}

/// <summary>
/// A decrypted credential. Wrapped so that neither a record's generated ToString nor a structured log of the
/// connection can print it: only a connector building a request reads <see cref="Reveal"/>.
/// </summary>
public sealed class VendorSecret(string? value)
{
    public static readonly VendorSecret None = new(null);

    public bool IsPresent => !string.IsNullOrEmpty(value);

    public string Reveal() => IsPresent ? value! : throw new VendorConnectorException("The vendor account has no stored credential.");

    public override string ToString() => IsPresent ? "***" : "(none)";
}

/// <summary>The person a workflow step acts on, in a given vendor workspace.</summary>
public sealed record VendorMemberContext(VendorAccount Account, Guid PersonId, string Email, string DisplayName, Guid? TransferStepId);

/// <summary>Normalised member statuses, whatever the vendor calls them.</summary>
public static class VendorMemberStatuses
{
    /// <summary>Holds the seat in the company workspace.</summary>
    public const string Active = "active";

    /// <summary>Invited, not yet joined (on seat-pool plans an invite already consumes a seat).</summary>
    public const string Invited = "invited";

    /// <summary>Known to the vendor but deactivated or suspended: no access, may still be billed.</summary>
    public const string Inactive = "inactive";

    public static readonly string[] All = [Active, Invited, Inactive];
}

/// <summary>
/// One member as the vendor reports it. <see cref="ExternalId"/> is the vendor's own id (user or invite id);
/// <see cref="JoinedOn"/> is when the vendor says the member was added (a seat's start date when taking over an estate);
/// <see cref="LastActiveOn"/> is null both when the vendor reports "never" and when it does not report activity at all:
/// <see cref="VendorMemberList.ReportsActivity"/> says which.
/// </summary>
public sealed record VendorMember(
    string Email, string? Role, string Status, DateOnly? LastActiveOn, string? ExternalId = null, string? DisplayName = null, DateOnly? JoinedOn = null);

/// <summary>
/// The whole member list of a workspace (every page read). Reconciliation relies on completeness: a member absent from
/// the list is a recorded seat missing at the vendor. <see cref="Notes"/> carries what the reading could not establish
/// (e.g. the activity report hides names, so activity could not be matched).
/// </summary>
public sealed record VendorMemberList(IReadOnlyList<VendorMember> Members, bool ReportsActivity, IReadOnlyList<string> Notes);

/// <summary>Seats bought at the vendor (<see cref="Purchased"/>) and seats in use there (<see cref="Consumed"/>).</summary>
public sealed record VendorQuantity(int Purchased, int Consumed);

/// <summary>Last activity of one member; null means the vendor reports the member as never active.</summary>
public sealed record VendorUsage(string Email, DateOnly? LastActiveOn);

/// <summary>A reading from the vendor, or why none can be had through this connector.</summary>
public abstract record VendorReading<T>
{
    public sealed record Read(T Value) : VendorReading<T>;

    public sealed record Unavailable(string Reason) : VendorReading<T>;
}

/// <summary>Outcome of an action on a vendor workspace. A failure is thrown (<see cref="VendorConnectorException"/>) and retried.</summary>
public abstract record ConnectorResult
{
    public sealed record Done(string DoneBy, DateTimeOffset At) : ConnectorResult;

    public sealed record Pending(string WaitingFor) : ConnectorResult;
}

/// <summary>A vendor call that failed; the message names the vendor call and why, never a credential.</summary>
public sealed class VendorConnectorException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Port to a vendor's administration. Actions receive the workflow's unit of work so a connector can keep durable
/// state (the manual connector's tasks) in the same transaction as the step it serves.
/// Readings are complete (every page) or throw: the reconciliation builds on them and must never mistake a partial
/// list for the truth.
/// </summary>
public interface IVendorConnector
{
    /// <summary>Name shown on steps and tasks and stored on vendor accounts, e.g. "manual", "graph".</summary>
    string Name { get; }

    /// <summary>True when actions go through the vendor's API (so a manual task is only a fallback).</summary>
    bool IsApi { get; }

    bool Handles(string vendorCode);

    /// <summary>Every member of the workspace with status and, where the vendor reports it, last activity and start date.</summary>
    Task<VendorReading<VendorMemberList>> ListMembersAsync(VendorAccount account, CancellationToken ct);

    /// <summary>One member by e-mail, or a Read(null) when the vendor does not know them.</summary>
    Task<VendorReading<VendorMember?>> FindMemberAsync(VendorAccount account, string email, CancellationToken ct);

    Task<VendorReading<VendorQuantity>> ReadPurchasedQuantityAsync(VendorAccount account, CancellationToken ct);

    Task<VendorReading<IReadOnlyList<VendorUsage>>> ReadUsageAsync(VendorAccount account, DateOnly from, DateOnly to, CancellationToken ct);

    /// <summary>A cheap authenticated call proving the credentials and settings work.</summary>
    Task<VendorReading<string>> TestAsync(VendorAccount account, CancellationToken ct);

    /// <summary>Gives the member access: an invite, a licence assignment or a provisioned account, per vendor.</summary>
    Task<ConnectorResult> InviteAsync(VendorMemberContext member, UnitOfWork uow, CancellationToken ct);

    /// <summary>Takes access away; a member the vendor no longer knows counts as done.</summary>
    Task<ConnectorResult> RevokeAsync(VendorMemberContext member, UnitOfWork uow, CancellationToken ct);

    /// <summary>Hands the member's workspace data over per the plan's offboarding rule.</summary>
    Task<ConnectorResult> TransferDataAsync(VendorMemberContext member, string offboardingDataRule, UnitOfWork uow, CancellationToken ct);
}
