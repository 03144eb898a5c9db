using LicenceOps.Seats.Domain.Transfers;
using LicenceOps.Seats.Transfers;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Seats;

public class ReadyStepsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private static TransferStepRow Step(int lane, int order, string status, DateTimeOffset? next = null) => new()
    {
        Id = Guid.NewGuid(), Lane = lane, StepOrder = order, Kind = $"k{lane}{order}", Status = status, NextAttemptAt = next ?? Now,
    };

    [Test]
    public void Each_lane_offers_its_first_unfinished_step()
    {
        var steps = new[]
        {
            Step(0, 0, StepStatuses.Completed), Step(0, 1, StepStatuses.Waiting), Step(0, 2, StepStatuses.Pending),
            Step(1, 0, StepStatuses.Pending), Step(1, 1, StepStatuses.Pending),
        };
        Assert.That(TransferEngine.ReadySteps(steps, Now).Select(s => s.Kind), Is.EquivalentTo(new[] { "k01", "k10" }));
    }

    [Test]
    public void A_step_waiting_for_its_retry_time_is_not_offered_yet()
    {
        var steps = new[] { Step(0, 0, StepStatuses.Pending, Now.AddMinutes(2)) };
        Assert.That(TransferEngine.ReadySteps(steps, Now), Is.Empty);
        Assert.That(TransferEngine.ReadySteps(steps, Now.AddMinutes(2)), Has.Count.EqualTo(1));
    }

    [Test]
    public void A_step_that_needs_attention_blocks_the_rest_of_its_lane_only()
    {
        var steps = new[]
        {
            Step(0, 0, StepStatuses.NeedsAttention), Step(0, 1, StepStatuses.Pending),
            Step(1, 0, StepStatuses.Pending),
        };
        Assert.That(TransferEngine.ReadySteps(steps, Now).Select(s => s.Kind), Is.EqualTo(new[] { "k10" }));
    }

    [Test]
    public void A_finished_workflow_offers_nothing() =>
        Assert.That(TransferEngine.ReadySteps([Step(0, 0, StepStatuses.Completed), Step(0, 1, StepStatuses.Completed)], Now), Is.Empty);
}
