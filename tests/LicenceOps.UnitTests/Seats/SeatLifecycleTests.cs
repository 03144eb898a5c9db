using NUnit.Framework;
using LicenceOps.Seats.Domain;

namespace LicenceOps.UnitTests.Seats;

public class SeatLifecycleTests
{
    [TestCase(SeatStatus.Requested, SeatStatus.Invited)]
    [TestCase(SeatStatus.Requested, SeatStatus.Released)]
    [TestCase(SeatStatus.Invited, SeatStatus.Active)]
    [TestCase(SeatStatus.Invited, SeatStatus.Released)]
    [TestCase(SeatStatus.Active, SeatStatus.Suspended)]
    [TestCase(SeatStatus.Active, SeatStatus.Released)]
    [TestCase(SeatStatus.Suspended, SeatStatus.Active)]
    [TestCase(SeatStatus.Suspended, SeatStatus.Released)]
    public void Allowed_transitions(SeatStatus from, SeatStatus to) =>
        Assert.That(SeatLifecycle.CanMove(from, to), Is.True);

    [TestCase(SeatStatus.Requested, SeatStatus.Active)]
    [TestCase(SeatStatus.Requested, SeatStatus.Suspended)]
    [TestCase(SeatStatus.Invited, SeatStatus.Suspended)]
    [TestCase(SeatStatus.Invited, SeatStatus.Requested)]
    [TestCase(SeatStatus.Active, SeatStatus.Invited)]
    [TestCase(SeatStatus.Active, SeatStatus.Requested)]
    [TestCase(SeatStatus.Suspended, SeatStatus.Invited)]
    [TestCase(SeatStatus.Released, SeatStatus.Active)]
    [TestCase(SeatStatus.Released, SeatStatus.Requested)]
    [TestCase(SeatStatus.Released, SeatStatus.Released)]
    [TestCase(SeatStatus.Active, SeatStatus.Active)]
    public void Illegal_transitions(SeatStatus from, SeatStatus to) =>
        Assert.That(SeatLifecycle.CanMove(from, to), Is.False);

    [Test]
    public void Released_is_terminal() =>
        Assert.That(SeatLifecycle.NextStatuses(SeatStatus.Released), Is.Empty);

    [Test]
    public void Only_released_seats_free_a_unit_of_quantity()
    {
        Assert.That(SeatLifecycle.OccupiesQuantity(SeatStatus.Released), Is.False);
        Assert.That(Enum.GetValues<SeatStatus>().Where(SeatLifecycle.OccupiesQuantity),
            Is.EquivalentTo(new[] { SeatStatus.Requested, SeatStatus.Invited, SeatStatus.Active, SeatStatus.Suspended }));
    }

    [Test]
    public void Codes_round_trip_and_unknown_codes_are_rejected()
    {
        foreach (var status in Enum.GetValues<SeatStatus>())
        {
            Assert.That(SeatLifecycle.Parse(SeatLifecycle.ToCode(status)), Is.EqualTo(status));
        }
        Assert.That(SeatLifecycle.TryParse("Active", out _), Is.False);
        Assert.That(SeatLifecycle.TryParse("deleted", out _), Is.False);
        Assert.That(SeatLifecycle.TryParse(null, out _), Is.False);
    }
}
