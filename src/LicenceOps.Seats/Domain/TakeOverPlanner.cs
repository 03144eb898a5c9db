using LicenceOps.Seats.Vendors;

namespace LicenceOps.Seats.Domain;

/// <summary>What taking over one vendor member does.</summary>
public static class TakeOverOutcomes
{
    /// <summary>A seat is created for the matched person.</summary>
    public const string CreateSeat = "create_seat";

    /// <summary>The person already holds a seat of this subscription.</summary>
    public const string AlreadySeated = "already_seated";

    /// <summary>No person of the tenant has this e-mail: a shadow user or a personal account to clear up.</summary>
    public const string Unmatched = "unmatched";

    /// <summary>The vendor shows the member deactivated: no seat is recorded.</summary>
    public const string InactiveAtVendor = "inactive_at_vendor";

    /// <summary>The person has left the company: their vendor access is a zombie licence to remove.</summary>
    public const string PersonLeft = "person_left";
}

public sealed record TakeOverPerson(Guid PersonId, string Email, string Status);

public sealed record TakeOverLine(string Email, string VendorStatus, Guid? PersonId, string Outcome, string? SeatStatus, DateOnly? StartDate, DateOnly? LastActiveOn);

public sealed record TakeOverPlan(IReadOnlyList<TakeOverLine> Lines, int SeatsToCreate, int FreeSeats)
{
    /// <summary>Seats that would have to be added to the committed quantity first.</summary>
    public int ShortBy => Math.Max(0, SeatsToCreate - FreeSeats);
}

/// <summary>
/// Pure: matches a vendor's member list to the tenant's people by e-mail (case-insensitive) and decides each member's
/// outcome. A seat starts on the vendor's start date, but never before the subscription's term (the reseller bills from
/// there), and on <paramref name="today"/> when the vendor gives none.
/// </summary>
public static class TakeOverPlanner
{
    public static TakeOverPlan Plan(
        IEnumerable<VendorMember> members, IReadOnlyCollection<TakeOverPerson> people, IReadOnlySet<Guid> seatedPeople,
        int freeSeats, DateOnly termStart, DateOnly today)
    {
        var byEmail = ByEmail(people);
        var lines = members.OrderBy(m => m.Email, StringComparer.OrdinalIgnoreCase)
            .Select(member => Decide(member, byEmail.GetValueOrDefault(member.Email), seatedPeople, termStart, today))
            .ToList();
        return new TakeOverPlan(lines, lines.Count(l => l.Outcome == TakeOverOutcomes.CreateSeat), freeSeats);
    }

    /// <summary>The tenant's people by e-mail, case-insensitive (the first one where two share an address).</summary>
    public static IReadOnlyDictionary<string, TakeOverPerson> ByEmail(IEnumerable<TakeOverPerson> people) =>
        people.GroupBy(p => p.Email, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

    /// <summary>One member's outcome, given the person with its e-mail (null: none) and who already holds a seat.</summary>
    public static TakeOverLine Decide(VendorMember member, TakeOverPerson? person, IReadOnlySet<Guid> seatedPeople, DateOnly termStart, DateOnly today)
    {
        var start = member.JoinedOn is { } joined ? (joined < termStart ? termStart : joined > today ? today : joined) : today;
        var (outcome, seatStatus) = (person, member.Status) switch
        {
            (null, _) => (TakeOverOutcomes.Unmatched, (string?)null),
            (_, VendorMemberStatuses.Inactive) => (TakeOverOutcomes.InactiveAtVendor, null),
            ({ Status: "left" }, _) => (TakeOverOutcomes.PersonLeft, null),
            _ when seatedPeople.Contains(person.PersonId) => (TakeOverOutcomes.AlreadySeated, null),
            (_, VendorMemberStatuses.Invited) => (TakeOverOutcomes.CreateSeat, "invited"),
            _ => (TakeOverOutcomes.CreateSeat, "active"),
        };
        return new TakeOverLine(member.Email, member.Status, person?.PersonId, outcome, seatStatus,
            outcome == TakeOverOutcomes.CreateSeat ? start : null, member.LastActiveOn);
    }
}
