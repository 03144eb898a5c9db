namespace LicenceOps.Seats.Domain.Transfers;

/// <summary>
/// Where a person's seats must end up, from Seats' copy of their latest state: a leaver holds nothing (from
/// <see cref="OffboardFrom"/>), anyone else holds exactly their department template's subscriptions (plus seats staff
/// gave by hand, which no template took and none releases).
/// </summary>
public sealed record PersonGoal(bool Leaver, DateTimeOffset OffboardFrom, IReadOnlySet<Guid> DesiredSubscriptions)
{
    public static PersonGoal For(string status, DateOnly? endDate, IEnumerable<TemplateEntry> template, DateTimeOffset now)
    {
        var leaver = status is "leaving" or "left";
        var from = status == "left" || endDate is null ? now : TransferTiming.OffboardingStartsAt(endDate.Value);
        return new PersonGoal(
            leaver,
            from < now ? now : from,
            leaver ? new HashSet<Guid>() : template.Select(e => e.SubscriptionId).ToHashSet());
    }
}

/// <summary>
/// A lane of a running workflow with work left. Onboarding lanes (assign, invite, await activation) give access to
/// <see cref="SubscriptionId"/>; offboarding lanes (hand over, revoke, release) take <see cref="SeatId"/> away.
/// </summary>
public sealed record OpenLane(
    Guid TransferId, int Lane, bool Onboarding, Guid SubscriptionId, Guid? SeatId, bool Started, DateTimeOffset NextAttemptAt);

public sealed record LaneCancellation(OpenLane Lane, string Reason);

/// <summary>What to change so the person's workflows lead to the goal, whatever happened before.</summary>
public sealed record ConvergencePlan(
    IReadOnlyList<LaneCancellation> Cancel,
    IReadOnlyList<Guid> Onboard,
    IReadOnlyList<HeldSeat> Offboard,
    IReadOnlyList<OpenLane> BringForward)
{
    public bool IsEmpty => Cancel.Count == 0 && Onboard.Count == 0 && Offboard.Count == 0 && BringForward.Count == 0;
}

public static class Convergence
{
    /// <param name="held">seats the person holds now (not released)</param>
    /// <param name="workflowSeats">seats a workflow assigned from a template: only these follow template changes</param>
    /// <param name="open">lanes of the person's workflows that still have work</param>
    public static ConvergencePlan Plan(PersonGoal goal, IEnumerable<HeldSeat> held, IReadOnlySet<Guid> workflowSeats, IEnumerable<OpenLane> open)
    {
        var heldList = held.ToList();
        var cancel = new List<LaneCancellation>();
        var keep = new List<OpenLane>();
        foreach (var lane in open)
        {
            var reason = lane.Onboarding switch
            {
                true when goal.Leaver => "superseded: the person is leaving, so no new access is given",
                true when !goal.DesiredSubscriptions.Contains(lane.SubscriptionId) =>
                    "superseded: the person's department template no longer includes this subscription",
                false when !goal.Leaver && !lane.Started && goal.DesiredSubscriptions.Contains(lane.SubscriptionId) =>
                    "superseded: the person's department template needs this seat again",
                _ => null,
            };
            if (reason is null)
            {
                keep.Add(lane);
            }
            else
            {
                cancel.Add(new LaneCancellation(lane, reason));
            }
        }

        var bringForward = goal.Leaver
            ? keep.Where(l => !l.Onboarding && l.NextAttemptAt > goal.OffboardFrom).ToList()
            : [];

        var onboard = goal.Leaver
            ? []
            : goal.DesiredSubscriptions
                .Where(sub => heldList.All(s => s.SubscriptionId != sub) && !keep.Any(l => l.Onboarding && l.SubscriptionId == sub))
                .Order()
                .ToList();

        var offboard = heldList
            .Where(seat => !keep.Any(l => !l.Onboarding && l.SeatId == seat.SeatId))
            .Where(seat => goal.Leaver || (workflowSeats.Contains(seat.SeatId) && !goal.DesiredSubscriptions.Contains(seat.SubscriptionId)))
            .ToList();

        return new ConvergencePlan(cancel, onboard, offboard, bringForward);
    }

    /// <summary>The steps of the new lanes, numbered after each other: onboarding lanes first, then offboarding ones.</summary>
    public static IReadOnlyList<PlannedStep> Steps(ConvergencePlan plan) =>
        TransferPlanner.Lanes(plan.Onboard, plan.Offboard);
}
