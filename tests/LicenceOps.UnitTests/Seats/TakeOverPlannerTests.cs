using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Vendors;

namespace LicenceOps.UnitTests.Seats;

public class TakeOverPlannerTests
{
    private static readonly Guid Anna = Guid.NewGuid();
    private static readonly Guid Ben = Guid.NewGuid();
    private static readonly Guid Carl = Guid.NewGuid();
    private static readonly Guid Dora = Guid.NewGuid();
    private static readonly Guid Gone = Guid.NewGuid();
    private static readonly DateOnly TermStart = new(2026, 1, 1);
    private static readonly DateOnly Today = new(2026, 11, 23);

    private static readonly TakeOverPerson[] People =
    [
        new(Anna, "anna@client.fr", "active"), new(Ben, "ben@client.fr", "active"), new(Carl, "carl@client.fr", "active"),
        new(Dora, "dora@client.fr", "joining"), new(Gone, "gone@client.fr", "left"),
    ];

    private static VendorMember Member(string email, string status = VendorMemberStatuses.Active, DateOnly? joined = null) =>
        new(email, null, status, null, null, null, joined);

    [Test]
    public void Matches_people_by_email_whatever_the_case_and_decides_each_outcome()
    {
        var plan = TakeOverPlanner.Plan(
            [
                Member("ANNA@client.fr", joined: new DateOnly(2026, 4, 2)),
                Member("ben@client.fr", VendorMemberStatuses.Invited),
                Member("carl@client.fr"),
                Member("dora@client.fr", VendorMemberStatuses.Inactive),
                Member("gone@client.fr"),
                Member("shadow@gmail.com"),
            ],
            People, new HashSet<Guid> { Carl }, freeSeats: 5, TermStart, Today);

        var byEmail = plan.Lines.ToDictionary(l => l.Email.ToLowerInvariant());
        Assert.That(byEmail["anna@client.fr"], Is.EqualTo(new TakeOverLine("ANNA@client.fr", "active", Anna, TakeOverOutcomes.CreateSeat, "active", new DateOnly(2026, 4, 2), null)));
        Assert.That((byEmail["ben@client.fr"].Outcome, byEmail["ben@client.fr"].SeatStatus), Is.EqualTo((TakeOverOutcomes.CreateSeat, "invited")));
        Assert.That(byEmail["carl@client.fr"].Outcome, Is.EqualTo(TakeOverOutcomes.AlreadySeated));
        Assert.That(byEmail["dora@client.fr"].Outcome, Is.EqualTo(TakeOverOutcomes.InactiveAtVendor));
        Assert.That(byEmail["gone@client.fr"].Outcome, Is.EqualTo(TakeOverOutcomes.PersonLeft), "a leaver's access is a zombie licence, not a seat");
        Assert.That(byEmail["shadow@gmail.com"], Is.EqualTo(new TakeOverLine("shadow@gmail.com", "active", null, TakeOverOutcomes.Unmatched, null, null, null)));
        Assert.That(plan.SeatsToCreate, Is.EqualTo(2));
        Assert.That(plan.ShortBy, Is.Zero);
        Assert.That(plan.Lines.Select(l => l.Email.ToLowerInvariant()), Is.Ordered, "lines are listed by e-mail");
    }

    [Test]
    public void A_seat_starts_on_the_vendors_date_but_never_before_the_term_nor_after_today()
    {
        var plan = TakeOverPlanner.Plan(
            [Member("anna@client.fr", joined: new DateOnly(2024, 6, 1)), Member("ben@client.fr", joined: new DateOnly(2027, 1, 1)), Member("carl@client.fr")],
            People, new HashSet<Guid>(), freeSeats: 3, TermStart, Today);

        Assert.That(plan.Lines.Select(l => l.StartDate), Is.EqualTo(new DateOnly?[] { TermStart, Today, Today }));
    }

    [Test]
    public void More_members_to_seat_than_free_seats_says_by_how_many()
    {
        var plan = TakeOverPlanner.Plan([Member("anna@client.fr"), Member("ben@client.fr"), Member("carl@client.fr")],
            People, new HashSet<Guid>(), freeSeats: 1, TermStart, Today);

        Assert.That(plan.SeatsToCreate, Is.EqualTo(3));
        Assert.That(plan.ShortBy, Is.EqualTo(2));
    }

    [Test]
    public void A_person_known_twice_by_email_is_matched_once_and_an_empty_list_plans_nothing()
    {
        var twice = People.Append(new TakeOverPerson(Guid.NewGuid(), "ANNA@client.fr", "active")).ToArray();
        var plan = TakeOverPlanner.Plan([Member("anna@client.fr")], twice, new HashSet<Guid>(), 1, TermStart, Today);
        Assert.That(plan.Lines.Single().PersonId, Is.EqualTo(Anna));

        var empty = TakeOverPlanner.Plan([], People, new HashSet<Guid>(), 0, TermStart, Today);
        Assert.That((empty.Lines.Count, empty.SeatsToCreate, empty.ShortBy), Is.EqualTo((0, 0, 0)));
    }

    [Test]
    public void A_job_deciding_member_by_member_sees_the_seats_it_created_so_a_repeated_member_is_seated_once()
    {
        // The take-over job decides one row at a time with the seats of its chunk so far: a member listed twice in the
        // vendor's export (two workspaces merged) gets one seat.
        var byEmail = TakeOverPlanner.ByEmail(People);
        var seated = new HashSet<Guid>();
        var first = TakeOverPlanner.Decide(Member("anna@client.fr"), byEmail.GetValueOrDefault("anna@client.fr"), seated, TermStart, Today);
        seated.Add(first.PersonId!.Value);
        var again = TakeOverPlanner.Decide(Member("Anna@Client.fr"), byEmail.GetValueOrDefault("Anna@Client.fr"), seated, TermStart, Today);

        Assert.That((first.Outcome, again.Outcome), Is.EqualTo((TakeOverOutcomes.CreateSeat, TakeOverOutcomes.AlreadySeated)));
        Assert.That(TakeOverPlanner.Decide(Member("nobody@client.fr"), byEmail.GetValueOrDefault("nobody@client.fr"), seated, TermStart, Today).Outcome,
            Is.EqualTo(TakeOverOutcomes.Unmatched));
    }
}
