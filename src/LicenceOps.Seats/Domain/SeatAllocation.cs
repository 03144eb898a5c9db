namespace LicenceOps.Seats.Domain;

/// <summary>What a subscription allows when a seat is assigned and no committed seat is free.</summary>
public enum AutoIncreasePolicy
{
    /// <summary>The assignment may add a seat to the committed quantity.</summary>
    Allow,

    /// <summary>The assignment must wait for a staff decision.</summary>
    RequireStaffApproval,
}

public enum AllocationOutcome
{
    UseFreeSeat,
    IncreaseQuantity,
    WaitForStaff,
}

public static class SeatAllocation
{
    public static AllocationOutcome Decide(int committedQuantity, int occupiedSeats, AutoIncreasePolicy policy)
    {
        if (occupiedSeats < committedQuantity)
        {
            return AllocationOutcome.UseFreeSeat;
        }
        return policy == AutoIncreasePolicy.Allow ? AllocationOutcome.IncreaseQuantity : AllocationOutcome.WaitForStaff;
    }

    public static string ToCode(AutoIncreasePolicy policy) => policy switch
    {
        AutoIncreasePolicy.Allow => "allow",
        AutoIncreasePolicy.RequireStaffApproval => "require_staff_approval",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    /// <summary>
    /// Whether an assignment may add a seat to the commitment. Fails closed: a code this version does not know
    /// (a newer release's, or a corrupted row) waits for staff rather than buying seats.
    /// </summary>
    public static bool AllowsIncrease(string? code) => TryParsePolicy(code, out var policy) && policy == AutoIncreasePolicy.Allow;

    public static bool TryParsePolicy(string? code, out AutoIncreasePolicy policy)
    {
        foreach (var candidate in Enum.GetValues<AutoIncreasePolicy>())
        {
            if (string.Equals(ToCode(candidate), code, StringComparison.Ordinal))
            {
                policy = candidate;
                return true;
            }
        }
        policy = default;
        return false;
    }
}
