using LicenceOps.Seats.Features.SeatImport;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Seats;

public class SeatImportPlannerTests
{
    private static readonly Guid Anna = Guid.NewGuid();
    private static readonly Guid Ben = Guid.NewGuid();
    private static readonly Guid Gone = Guid.NewGuid();
    private static readonly Guid ChatGpt = Guid.NewGuid();
    private static readonly Guid Copilot = Guid.NewGuid();

    private static SeatImportContext Context(bool allowIncrease = false) => new(
        [new ImportPerson(Anna, "anna@client.fr", "active"), new ImportPerson(Ben, "ben@client.fr", "active"), new ImportPerson(Gone, "gone@client.fr", "left")],
        [
            new ImportSubscription(ChatGpt, "chatgpt-business-annual", new DateOnly(2026, 1, 1), 2, 0, allowIncrease),
            new ImportSubscription(Copilot, "m365-copilot-annual", new DateOnly(2026, 3, 1), 1, 1, allowIncrease),
        ],
        new HashSet<(Guid, Guid)> { (Copilot, Ben) },
        new DateOnly(2026, 11, 23));

    [Test]
    public void Reads_the_file_and_plans_dated_seats()
    {
        var file = SeatCsvReader.Read("email;plan;start_date;vendor_member_id\r\nanna@client.fr;chatgpt-business-annual;2026-03-01;user-abc\r\nBEN@client.fr;chatgpt-business-annual;2026-01-01;\r\n");

        var plan = SeatImportPlanner.Plan(file.Rows, Context());

        Assert.That(file.Errors, Is.Empty);
        Assert.That(plan.Errors, Is.Empty);
        Assert.That(plan.Seats.Select(s => (s.Data.Row, s.PersonId, s.SubscriptionId, s.AssignedOn, s.VendorMemberId)), Is.EqualTo(new[]
        {
            (2, Anna, ChatGpt, new DateOnly(2026, 3, 1), (string?)"user-abc"),
            (3, Ben, ChatGpt, new DateOnly(2026, 1, 1), (string?)null),
        }));
    }

    [Test]
    public void Every_broken_row_is_reported_with_its_field()
    {
        var file = SeatCsvReader.Read(string.Join('\n',
            "email,plan,start_date",
            "nobody@client.fr,chatgpt-business-annual,2026-02-01",
            "gone@client.fr,chatgpt-business-annual,2026-02-01",
            "anna@client.fr,claude-team-premium,2026-02-01",
            "anna@client.fr,chatgpt-business-annual,01/02/2026",
            "anna@client.fr,m365-copilot-annual,2026-02-28",
            "ben@client.fr,m365-copilot-annual,2026-04-01",
            "anna@client.fr,chatgpt-business-annual,2026-12-01"));

        var plan = SeatImportPlanner.Plan(file.Rows, Context());

        Assert.That(plan.Seats, Is.Empty);
        Assert.That(plan.Errors.Select(e => (e.Row, e.Field)), Is.EqualTo(new[]
        {
            (2, "email"), (3, "email"), (4, "plan"), (5, "start_date"), (6, "start_date"), (7, "email"), (8, "start_date"),
        }));
    }

    [Test]
    public void Seats_beyond_the_commitment_need_a_subscription_that_may_grow()
    {
        var rows = SeatCsvReader.Read("email,plan,start_date\nanna@client.fr,m365-copilot-annual,2026-04-01\n").Rows;

        Assert.That(SeatImportPlanner.Plan(rows, Context()).Errors.Single().Message, Does.Contain("raise the quantity first"));
        Assert.That(SeatImportPlanner.Plan(rows, Context(allowIncrease: true)).Seats, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_file_without_the_required_columns_is_refused_as_a_whole() =>
        Assert.That(SeatCsvReader.Read("mail,plan\nanna@client.fr,x\n").Errors.Single().Message, Does.Contain("start_date"));
}
