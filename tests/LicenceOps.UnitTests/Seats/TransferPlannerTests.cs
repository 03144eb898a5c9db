using NUnit.Framework;
using LicenceOps.Seats.Domain.Catalogue;
using LicenceOps.Seats.Domain.Transfers;

namespace LicenceOps.UnitTests.Seats;

public class TransferPlannerTests
{
    private static readonly Guid ChatGpt = Guid.NewGuid();
    private static readonly Guid Claude = Guid.NewGuid();
    private static readonly Guid Copilot = Guid.NewGuid();

    [Test]
    public void Onboarding_assigns_invites_then_awaits_activation_per_template_subscription()
    {
        var steps = TransferPlanner.Onboarding(
            [new TemplateEntry(ChatGpt, "chatgpt-business-annual"), new TemplateEntry(Claude, "claude-team-premium")], []);

        Assert.That(steps.Where(s => s.SubscriptionId == ChatGpt).OrderBy(s => s.Order).Select(s => s.Kind),
            Is.EqualTo(new[] { StepKinds.AssignSeat, StepKinds.Invite, StepKinds.AwaitActivation }));
        Assert.That(steps.Where(s => s.SubscriptionId == Claude).Select(s => s.Lane).Distinct().Single(),
            Is.Not.EqualTo(steps.First(s => s.SubscriptionId == ChatGpt).Lane));
    }

    [Test]
    public void Onboarding_skips_subscriptions_the_person_already_holds()
    {
        var steps = TransferPlanner.Onboarding(
            [new TemplateEntry(ChatGpt, "chatgpt-business-annual"), new TemplateEntry(Claude, "claude-team-premium")],
            [new HeldSeat(Guid.NewGuid(), ChatGpt, "chatgpt-business-annual", OffboardingDataRules.TransferToWorkspaceOwner)]);

        Assert.That(steps.Select(s => s.SubscriptionId).Distinct(), Is.EqualTo(new[] { Claude }));
    }

    [Test]
    public void Offboarding_hands_over_data_before_revoking_when_the_vendor_needs_it()
    {
        var chatSeat = Guid.NewGuid();
        var claudeSeat = Guid.NewGuid();
        var copilotSeat = Guid.NewGuid();
        var steps = TransferPlanner.Offboarding(
        [
            new HeldSeat(chatSeat, ChatGpt, "chatgpt-business-annual", OffboardingDataRules.TransferToWorkspaceOwner),
            new HeldSeat(claudeSeat, Claude, "claude-team-premium", OffboardingDataRules.ExportBeforeRemoval),
            new HeldSeat(copilotSeat, Copilot, "m365-copilot-annual", OffboardingDataRules.None),
        ]);

        string[] Lane(Guid seat) => steps.Where(s => s.SeatId == seat).OrderBy(s => s.Order).Select(s => s.Kind).ToArray();
        Assert.That(Lane(chatSeat), Is.EqualTo(new[] { StepKinds.HandOverData, StepKinds.RevokeAccess, StepKinds.ReleaseSeat }));
        Assert.That(Lane(claudeSeat), Is.EqualTo(new[] { StepKinds.HandOverData, StepKinds.RevokeAccess, StepKinds.ReleaseSeat }));
        Assert.That(Lane(copilotSeat), Is.EqualTo(new[] { StepKinds.RevokeAccess, StepKinds.ReleaseSeat }));
        Assert.That(steps.Single(s => s.SeatId == claudeSeat && s.Kind == StepKinds.HandOverData).DataRule,
            Is.EqualTo(OffboardingDataRules.ExportBeforeRemoval));
    }

    [Test]
    public void Offboarding_a_person_without_seats_plans_nothing() =>
        Assert.That(TransferPlanner.Offboarding([]), Is.Empty);

    [Test]
    public void Department_move_swaps_template_seats_and_keeps_others()
    {
        var chatSeat = Guid.NewGuid();
        var copilotSeat = Guid.NewGuid();
        var steps = TransferPlanner.DepartmentMove(
            held:
            [
                new HeldSeat(chatSeat, ChatGpt, "chatgpt-business-annual", OffboardingDataRules.TransferToWorkspaceOwner),
                new HeldSeat(copilotSeat, Copilot, "m365-copilot-annual", OffboardingDataRules.None),
            ],
            oldTemplate: [new TemplateEntry(ChatGpt, "chatgpt-business-annual")],
            newTemplate: [new TemplateEntry(Claude, "claude-team-premium")]);

        Assert.That(steps.Where(s => s.SeatId == chatSeat).Select(s => s.Kind), Does.Contain(StepKinds.ReleaseSeat));
        Assert.That(steps.Any(s => s.SeatId == copilotSeat), Is.False, "a seat assigned by hand is not part of the swap");
        Assert.That(steps.Where(s => s.SubscriptionId == Claude).Select(s => s.Kind), Does.Contain(StepKinds.AssignSeat));
    }

    [Test]
    public void Department_move_between_templates_sharing_a_subscription_keeps_that_seat()
    {
        var chatSeat = Guid.NewGuid();
        var steps = TransferPlanner.DepartmentMove(
            [new HeldSeat(chatSeat, ChatGpt, "chatgpt-business-annual", OffboardingDataRules.TransferToWorkspaceOwner)],
            [new TemplateEntry(ChatGpt, "chatgpt-business-annual")],
            [new TemplateEntry(ChatGpt, "chatgpt-business-annual"), new TemplateEntry(Claude, "claude-team-premium")]);

        Assert.That(steps.Any(s => s.SubscriptionId == ChatGpt), Is.False);
        Assert.That(steps.Select(s => s.SubscriptionId).Distinct(), Is.EqualTo(new[] { Claude }));
    }
}
