using LicenceOps.Seats.Domain.Catalogue;

namespace LicenceOps.Seats.Domain.Transfers;

/// <summary>A subscription a department template gives to its members.</summary>
public sealed record TemplateEntry(Guid SubscriptionId, string PlanCode);

/// <summary>A seat the person holds now (not released), with the vendor's offboarding rule for its plan.</summary>
public sealed record HeldSeat(Guid SeatId, Guid SubscriptionId, string PlanCode, string OffboardingDataRule);

/// <summary>
/// One step of a workflow. Steps of the same lane run in order; lanes run independently, so one vendor
/// waiting for an activation does not hold up another vendor's seat.
/// </summary>
public sealed record PlannedStep(int Lane, int Order, string Kind, Guid SubscriptionId, Guid? SeatId, string? DataRule);

public static class TransferPlanner
{
    public static IReadOnlyList<PlannedStep> Onboarding(IEnumerable<TemplateEntry> template, IEnumerable<HeldSeat> alreadyHeld)
    {
        var held = alreadyHeld.Select(s => s.SubscriptionId).ToHashSet();
        var steps = new List<PlannedStep>();
        var lane = 0;
        foreach (var entry in template.DistinctBy(e => e.SubscriptionId).Where(e => !held.Contains(e.SubscriptionId)))
        {
            steps.AddRange(OnboardingLane(lane++, entry.SubscriptionId));
        }
        return steps;
    }

    public static IReadOnlyList<PlannedStep> Offboarding(IEnumerable<HeldSeat> seats)
    {
        var steps = new List<PlannedStep>();
        var lane = 0;
        foreach (var seat in seats)
        {
            steps.AddRange(OffboardingLane(lane++, seat));
        }
        return steps;
    }

    /// <summary>
    /// Releases the seats the old template gave that the new one does not, and onboards the new template's
    /// subscriptions the person does not hold yet. Seats assigned by hand (outside the old template) stay.
    /// </summary>
    public static IReadOnlyList<PlannedStep> DepartmentMove(
        IEnumerable<HeldSeat> held, IEnumerable<TemplateEntry> oldTemplate, IEnumerable<TemplateEntry> newTemplate)
    {
        var heldList = held.ToList();
        var oldSubs = oldTemplate.Select(e => e.SubscriptionId).ToHashSet();
        var newSubs = newTemplate.Select(e => e.SubscriptionId).ToHashSet();
        var heldSubs = heldList.Select(s => s.SubscriptionId).ToHashSet();

        var steps = new List<PlannedStep>();
        var lane = 0;
        foreach (var seat in heldList.Where(s => oldSubs.Contains(s.SubscriptionId) && !newSubs.Contains(s.SubscriptionId)))
        {
            steps.AddRange(OffboardingLane(lane++, seat));
        }
        foreach (var subscriptionId in newSubs.Where(s => !heldSubs.Contains(s)))
        {
            steps.AddRange(OnboardingLane(lane++, subscriptionId));
        }
        return steps;
    }

    /// <summary>One onboarding lane per subscription, then one offboarding lane per seat.</summary>
    public static IReadOnlyList<PlannedStep> Lanes(IEnumerable<Guid> onboard, IEnumerable<HeldSeat> offboard)
    {
        var steps = new List<PlannedStep>();
        var lane = 0;
        foreach (var subscriptionId in onboard)
        {
            steps.AddRange(OnboardingLane(lane++, subscriptionId));
        }
        foreach (var seat in offboard)
        {
            steps.AddRange(OffboardingLane(lane++, seat));
        }
        return steps;
    }

    /// <summary>A seat staff gave by hand: the vendor invite and the wait for activation.</summary>
    public static IReadOnlyList<PlannedStep> InviteSeat(Guid subscriptionId, Guid seatId) =>
    [
        new PlannedStep(0, 0, StepKinds.Invite, subscriptionId, seatId, null),
        new PlannedStep(0, 1, StepKinds.AwaitActivation, subscriptionId, seatId, null),
    ];

    /// <summary>A seat staff took back by hand (already released in the ledger): the vendor still has to let the member go.</summary>
    public static IReadOnlyList<PlannedStep> RevokeSeat(HeldSeat seat) =>
        OffboardingLane(0, seat).Where(s => s.Kind != StepKinds.ReleaseSeat).ToList();

    public static bool IsOnboardingKind(string kind) => kind is StepKinds.AssignSeat or StepKinds.Invite or StepKinds.AwaitActivation;

    private static IEnumerable<PlannedStep> OnboardingLane(int lane, Guid subscriptionId)
    {
        yield return new PlannedStep(lane, 0, StepKinds.AssignSeat, subscriptionId, null, null);
        yield return new PlannedStep(lane, 1, StepKinds.Invite, subscriptionId, null, null);
        yield return new PlannedStep(lane, 2, StepKinds.AwaitActivation, subscriptionId, null, null);
    }

    private static IEnumerable<PlannedStep> OffboardingLane(int lane, HeldSeat seat)
    {
        var order = 0;
        if (seat.OffboardingDataRule != OffboardingDataRules.None)
        {
            // Data first: once access is revoked the vendor may make it unreachable.
            yield return new PlannedStep(lane, order++, StepKinds.HandOverData, seat.SubscriptionId, seat.SeatId, seat.OffboardingDataRule);
        }
        yield return new PlannedStep(lane, order++, StepKinds.RevokeAccess, seat.SubscriptionId, seat.SeatId, null);
        yield return new PlannedStep(lane, order, StepKinds.ReleaseSeat, seat.SubscriptionId, seat.SeatId, null);
    }
}
