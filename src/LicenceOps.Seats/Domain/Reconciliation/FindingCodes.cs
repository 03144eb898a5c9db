namespace LicenceOps.Seats.Domain.Reconciliation;

/// <summary>What a finding is about; stored in findings.kind (docs/reconciliation.md lists each with its subject key).</summary>
public static class FindingKinds
{
    public const string QuantityMismatch = "quantity_mismatch";

    /// <summary>The purchased quantity staff record (the API does not report it) was never recorded or is too old.</summary>
    public const string QuantityUnverified = "quantity_unverified";
    public const string MemberCountMismatch = "member_count_mismatch";
    public const string ShadowUser = "shadow_user";
    public const string MissingAtVendor = "missing_at_vendor";
    public const string WrongAccount = "wrong_account";
    public const string InactiveSeat = "inactive_seat";
    public const string StaleInvite = "stale_invite";
    public const string OverlappingTools = "overlapping_tools";
    public const string SettingDrift = "setting_drift";
    public const string SettingUnverified = "setting_unverified";

    /// <summary>Renewal planning's findings (Domain/Reports/RenewalFindings.cs), kept in the same table.</summary>
    public const string RenewalDue = "renewal_due";

    public const string RenewalWithoutDecision = "renewal_without_decision";

    public static readonly string[] All =
    [
        QuantityMismatch, MemberCountMismatch, ShadowUser, MissingAtVendor, WrongAccount, InactiveSeat, StaleInvite, OverlappingTools,
        SettingDrift, SettingUnverified, RenewalDue, RenewalWithoutDecision, QuantityUnverified,
    ];

    /// <summary>Kinds worked out from the member list: evaluated whenever the list was read.</summary>
    public static readonly string[] FromMembers = [MemberCountMismatch, ShadowUser, MissingAtVendor, WrongAccount, StaleInvite];

    /// <summary>Kinds that need the vendor to report activity; never evaluated (so never closed) without it.</summary>
    public static readonly string[] FromActivity = [InactiveSeat, OverlappingTools];

    public static readonly string[] FromSettings = [SettingDrift, SettingUnverified];
}

public static class FindingStatuses
{
    public const string Open = "open";

    /// <summary>Someone agreed with the finding; the action is pending. Stays accepted while the cause lasts.</summary>
    public const string Accepted = "accepted";

    /// <summary>Someone decided not to act, with a reason. Stays dismissed while the cause lasts.</summary>
    public const string Dismissed = "dismissed";

    /// <summary>Acted on through LicenceOps (e.g. the seat was reclaimed).</summary>
    public const string Resolved = "resolved";

    /// <summary>A later run no longer saw the cause.</summary>
    public const string AutoClosed = "auto_closed";

    public static readonly string[] All = [Open, Accepted, Dismissed, Resolved, AutoClosed];

    /// <summary>Statuses in which the cause is still considered present.</summary>
    public static bool IsLive(string status) => status is Open or Accepted or Dismissed;
}

public static class RunStates
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

public static class RunTriggers
{
    public const string Schedule = "schedule";
    public const string Manual = "manual";
}
