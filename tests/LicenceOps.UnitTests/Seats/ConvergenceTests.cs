using LicenceOps.Seats.Domain.Transfers;

namespace LicenceOps.UnitTests.Seats;

public sealed class ConvergenceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid A = Guid.NewGuid();
    private static readonly Guid B = Guid.NewGuid();
    private static readonly Guid Transfer = Guid.NewGuid();

    private static PersonGoal Active(params Guid[] template) =>
        PersonGoal.For("active", null, template.Select(s => new TemplateEntry(s, "plan")), Now);

    [Test]
    public void A_joiner_without_seats_or_workflows_is_onboarded_to_the_template()
    {
        var plan = Convergence.Plan(Active(A, B), [], new HashSet<Guid>(), []);

        Assert.That(plan.Onboard, Is.EquivalentTo(new[] { A, B }));
        Assert.That(plan.Cancel, Is.Empty);
        Assert.That(plan.Offboard, Is.Empty);
    }

    [Test]
    public void Converging_again_with_the_lanes_planned_changes_nothing()
    {
        var open = new[] { new OpenLane(Transfer, 0, true, A, null, false, Now) };

        Assert.That(Convergence.Plan(Active(A), [], new HashSet<Guid>(), open).IsEmpty, Is.True);
    }

    [Test]
    public void A_mover_cancels_the_old_templates_onboarding_and_releases_its_workflow_seat_but_keeps_a_seat_given_by_hand()
    {
        var fromTemplate = new HeldSeat(Guid.NewGuid(), A, "plan-a", "none");
        var byHand = new HeldSeat(Guid.NewGuid(), Guid.NewGuid(), "plan-x", "none");
        var inviteLane = new OpenLane(Transfer, 0, true, A, fromTemplate.SeatId, true, Now);

        var plan = Convergence.Plan(Active(B), [fromTemplate, byHand], new HashSet<Guid> { fromTemplate.SeatId }, [inviteLane]);

        Assert.That(plan.Cancel.Select(c => c.Lane), Is.EqualTo(new[] { inviteLane }));
        Assert.That(plan.Cancel[0].Reason, Does.Contain("template no longer includes"));
        Assert.That(plan.Offboard, Is.EqualTo(new[] { fromTemplate }));
        Assert.That(plan.Onboard, Is.EqualTo(new[] { B }));
    }

    [Test]
    public void A_leaver_gets_no_new_access_and_every_seat_is_offboarded_from_the_day_after_the_end_date()
    {
        var seat = new HeldSeat(Guid.NewGuid(), A, "plan-a", "none");
        var onboarding = new OpenLane(Transfer, 1, true, B, null, false, Now);
        var goal = PersonGoal.For("leaving", new DateOnly(2026, 11, 30), [new TemplateEntry(A, "plan-a"), new TemplateEntry(B, "plan-b")], Now);

        var plan = Convergence.Plan(goal, [seat], new HashSet<Guid>(), [onboarding]);

        Assert.That(goal.OffboardFrom, Is.EqualTo(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(plan.Cancel.Single().Reason, Does.Contain("leaving"));
        Assert.That(plan.Onboard, Is.Empty);
        Assert.That(plan.Offboard, Is.EqualTo(new[] { seat }));
    }

    [Test]
    public void A_person_who_left_brings_a_planned_offboarding_forward_to_now()
    {
        var seat = new HeldSeat(Guid.NewGuid(), A, "plan-a", "none");
        var later = new OpenLane(Transfer, 0, false, A, seat.SeatId, false, Now.AddDays(7));

        var plan = Convergence.Plan(PersonGoal.For("left", new DateOnly(2026, 11, 22), [], Now), [seat], new HashSet<Guid>(), [later]);

        Assert.That(plan.BringForward, Is.EqualTo(new[] { later }));
        Assert.That(plan.Offboard, Is.Empty, "the seat already has its offboarding lane");
    }

    [Test]
    public void An_offboarding_not_started_is_cancelled_when_the_template_needs_the_seat_again()
    {
        var seat = new HeldSeat(Guid.NewGuid(), A, "plan-a", "none");
        var release = new OpenLane(Transfer, 0, false, A, seat.SeatId, false, Now);

        var plan = Convergence.Plan(Active(A), [seat], new HashSet<Guid> { seat.SeatId }, [release]);

        Assert.That(plan.Cancel.Single().Reason, Does.Contain("needs this seat again"));
        Assert.That(plan.Onboard, Is.Empty, "the seat is still held");
        Assert.That(plan.Offboard, Is.Empty);
    }
}
