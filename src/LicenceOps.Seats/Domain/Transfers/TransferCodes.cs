namespace LicenceOps.Seats.Domain.Transfers;

public static class TransferKinds
{
    public const string Onboarding = "onboarding";
    public const string Offboarding = "offboarding";
    public const string DepartmentMove = "department_move";

    /// <summary>Vendor invite for a seat staff assigned by hand (directly, by approving a request, or by reassigning).</summary>
    public const string SeatAssignment = "seat_assignment";

    /// <summary>Vendor removal for a seat staff released by hand.</summary>
    public const string SeatRelease = "seat_release";
}

public static class TransferStatuses
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string NeedsAttention = "needs_attention";

    /// <summary>Every step was cancelled: a later state of the person made the whole workflow pointless.</summary>
    public const string Cancelled = "cancelled";
}

public static class StepKinds
{
    /// <summary>Take a free seat, add one per the subscription's policy, or queue a request for staff.</summary>
    public const string AssignSeat = "assign_seat";
    public const string Invite = "invite";
    public const string AwaitActivation = "await_activation";
    public const string HandOverData = "hand_over_data";
    public const string RevokeAccess = "revoke_access";
    public const string ReleaseSeat = "release_seat";
}

public static class StepStatuses
{
    public const string Pending = "pending";

    /// <summary>Waiting on something outside the workflow (a manual task, a staff approval, an activation).</summary>
    public const string Waiting = "waiting";
    public const string Completed = "completed";
    public const string NeedsAttention = "needs_attention";

    /// <summary>Superseded (see cancel_reason); never runs again.</summary>
    public const string Cancelled = "cancelled";
}
