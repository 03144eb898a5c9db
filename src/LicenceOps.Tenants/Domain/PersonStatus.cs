namespace LicenceOps.Tenants.Domain;

/// <summary>Employment status of a person: joining → active → leaving → left, driven by dates in Europe/Paris.</summary>
public static class PersonStatus
{
    public const string Joining = "joining";
    public const string Active = "active";
    public const string Leaving = "leaving";
    public const string Left = "left";

    public static readonly IReadOnlyList<string> All = [Joining, Active, Leaving, Left];

    /// <summary>
    /// A person whose start date is today or earlier is active at once (they need their tools today);
    /// a later start date makes them joining until the sweeper activates them on that date.
    /// </summary>
    public static string OnJoin(DateOnly startDate, DateOnly today) => startDate <= today ? Active : Joining;

    /// <summary>A leave ending today or earlier is immediate (left); a future end date means leaving until then.</summary>
    public static string OnLeave(DateOnly endDate, DateOnly today) => endDate <= today ? Left : Leaving;

    /// <summary>Null when a leave may be recorded for this person; otherwise why not.</summary>
    public static string? RefuseLeave(string status, DateOnly startDate, DateOnly endDate) => status switch
    {
        Leaving => "A leave is already recorded for this person.",
        Left => "This person has already left.",
        _ when endDate < startDate => $"The end date {endDate:yyyy-MM-dd} is before the start date {startDate:yyyy-MM-dd}.",
        _ => null,
    };

    /// <summary>Null when the person may change department; leavers keep theirs until they go.</summary>
    public static string? RefuseMove(string status) => status switch
    {
        Leaving => "This person is leaving; their department no longer changes.",
        Left => "This person has left.",
        _ => null,
    };

    /// <summary>People who count as present in the tenant (can hold seats, can be someone's manager).</summary>
    public static bool IsPresent(string status) => status is Joining or Active or Leaving;
}
