namespace LicenceOps.Seats.Domain.Transfers;

public static class TransferKinds
{
    public const string Onboarding = "onboarding";
    public const string Offboarding = "offboarding";
    public const string DepartmentMove = "department_move";
}

public static class TransferStatuses
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string NeedsAttention = "needs_attention";
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
}
