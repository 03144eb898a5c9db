using LicenceOps.Platform.Data;

namespace LicenceOps.Seats.Vendors;

/// <summary>The vendor workspace of one subscription.</summary>
public sealed record VendorAccount(Guid TenantId, Guid SubscriptionId, string VendorCode, string VendorName, string PlanName, string VendorAccountId);

/// <summary>The person a workflow step acts on, in a given vendor workspace.</summary>
public sealed record VendorMemberContext(VendorAccount Account, Guid PersonId, string Email, string DisplayName, Guid? TransferStepId);

public sealed record VendorMember(string Email, string? Role, string Status, DateOnly? LastActiveOn);

public sealed record VendorQuantity(int Purchased, int Consumed);

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

public sealed class VendorConnectorException(string message) : Exception(message);

/// <summary>
/// Port to a vendor's administration. Actions receive the workflow's unit of work so a connector can keep durable
/// state (the manual connector's tasks) in the same transaction as the step it serves.
/// </summary>
public interface IVendorConnector
{
    /// <summary>Name shown on steps and tasks, e.g. "manual".</summary>
    string Name { get; }

    bool Handles(string vendorCode);

    Task<VendorReading<IReadOnlyList<VendorMember>>> ListMembersAsync(VendorAccount account, CancellationToken ct);

    Task<VendorReading<VendorQuantity>> ReadPurchasedQuantityAsync(VendorAccount account, CancellationToken ct);

    Task<VendorReading<IReadOnlyList<VendorUsage>>> ReadUsageAsync(VendorAccount account, DateOnly from, DateOnly to, CancellationToken ct);

    Task<ConnectorResult> InviteAsync(VendorMemberContext member, UnitOfWork uow, CancellationToken ct);

    Task<ConnectorResult> RevokeAsync(VendorMemberContext member, UnitOfWork uow, CancellationToken ct);

    /// <summary>Hands the member's workspace data over per the plan's offboarding rule.</summary>
    Task<ConnectorResult> TransferDataAsync(VendorMemberContext member, string offboardingDataRule, UnitOfWork uow, CancellationToken ct);
}
