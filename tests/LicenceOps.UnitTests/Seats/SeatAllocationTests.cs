using NUnit.Framework;
using LicenceOps.Seats.Domain;

namespace LicenceOps.UnitTests.Seats;

public class SeatAllocationTests
{
    [TestCase(AutoIncreasePolicy.Allow)]
    [TestCase(AutoIncreasePolicy.RequireStaffApproval)]
    public void A_free_committed_seat_is_used_whatever_the_policy(AutoIncreasePolicy policy) =>
        Assert.That(SeatAllocation.Decide(committedQuantity: 5, occupiedSeats: 4, policy), Is.EqualTo(AllocationOutcome.UseFreeSeat));

    [Test]
    public void Full_subscription_that_allows_increase_adds_a_seat() =>
        Assert.That(SeatAllocation.Decide(5, 5, AutoIncreasePolicy.Allow), Is.EqualTo(AllocationOutcome.IncreaseQuantity));

    [Test]
    public void Full_subscription_that_requires_staff_waits() =>
        Assert.That(SeatAllocation.Decide(5, 5, AutoIncreasePolicy.RequireStaffApproval), Is.EqualTo(AllocationOutcome.WaitForStaff));

    [Test]
    public void Subscription_with_zero_seats_is_full() =>
        Assert.That(SeatAllocation.Decide(0, 0, AutoIncreasePolicy.RequireStaffApproval), Is.EqualTo(AllocationOutcome.WaitForStaff));

    [Test]
    public void Release_reduces_quantity_only_when_the_commitment_allows_it()
    {
        Assert.That(ReleaseDecision.Decide(seatsReducibleBeforeRenewal: true, committedQuantity: 3), Is.EqualTo(ReleaseOutcome.ReduceQuantity));
        Assert.That(ReleaseDecision.Decide(seatsReducibleBeforeRenewal: false, committedQuantity: 3), Is.EqualTo(ReleaseOutcome.KeepFreeUntilRenewal));
        Assert.That(ReleaseDecision.Decide(seatsReducibleBeforeRenewal: true, committedQuantity: 0), Is.EqualTo(ReleaseOutcome.KeepFreeUntilRenewal));
    }

    [Test]
    public void Policy_codes_round_trip()
    {
        foreach (var policy in Enum.GetValues<AutoIncreasePolicy>())
        {
            Assert.That(SeatAllocation.TryParsePolicy(SeatAllocation.ToCode(policy), out var parsed), Is.True);
            Assert.That(parsed, Is.EqualTo(policy));
        }
        Assert.That(SeatAllocation.TryParsePolicy("sometimes", out _), Is.False);
    }
}
