using System.Net;
using System.Net.Http.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Seats;

public sealed class SeatTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync(Roles.StaffAgent);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    [Test]
    public async Task A_seat_goes_through_its_lifecycle_with_a_timestamped_history()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 3);
        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId);

        var seat = await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), person);
        Assert.That(seat.Str("status"), Is.EqualTo("requested"));
        Assert.That(seat.Str("personEmail"), Is.EqualTo($"p{person:N}@example.test"));
        foreach (var status in new[] { "invited", "active", "suspended", "active" })
        {
            factory.Clock.Advance(TimeSpan.FromHours(1));
            var moved = await SeatsKit.TransitionAsync(staff, tenantId, seat.Id(), status);
            Assert.That(moved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await moved.Content.ReadAsStringAsync());
        }

        var history = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/seats/{seat.Id()}/history")).EnumerateArray().ToList();
        Assert.That(history.Select(h => h.Str("toStatus")), Is.EqualTo(new[] { "requested", "invited", "active", "suspended", "active" }));
        Assert.That(history.Select(h => h.GetProperty("occurredAt").GetDateTimeOffset()), Is.Ordered.Ascending);
        Assert.That(history.Select(h => h.Str("actorId")), Has.All.StartWith("user:"));
        Assert.That(await SeatsKit.OutboxCountAsync(factory, "SeatAssigned"), Is.GreaterThanOrEqualTo(1));
        var activated = await SeatsKit.OutboxBodiesAsync(factory, "SeatActivated");
        Assert.That(activated.Count(b => b.Contains(seat.Id().ToString(), StringComparison.OrdinalIgnoreCase)), Is.EqualTo(1),
            "activation is announced once, not on resuming a suspended seat");
    }

    [TestCase("active")]
    [TestCase("suspended")]
    [TestCase("requested")]
    public async Task Illegal_transitions_are_409_and_change_nothing(string target)
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId);
        var seat = await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), await SeatsKit.PersonJoinsAsync(factory, tenantId));

        await SeatsKit.AssertProblemAsync(await SeatsKit.TransitionAsync(staff, tenantId, seat.Id(), target), HttpStatusCode.Conflict);
        var after = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/seats/{seat.Id()}");
        Assert.That(after.Str("status"), Is.EqualTo("requested"));
        Assert.That((await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/seats/{seat.Id()}/history")).GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_released_seat_cannot_move_again()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId);
        var seat = await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), await SeatsKit.PersonJoinsAsync(factory, tenantId));
        Assert.That((await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats/{seat.Id()}/unassign", new { reason = "not needed" })).StatusCode,
            Is.EqualTo(HttpStatusCode.OK));

        await SeatsKit.AssertProblemAsync(await SeatsKit.TransitionAsync(staff, tenantId, seat.Id(), "active"), HttpStatusCode.Conflict);
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats/{seat.Id()}/unassign", new { }), HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Unknown_status_is_400()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId);
        var seat = await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), await SeatsKit.PersonJoinsAsync(factory, tenantId));
        await SeatsKit.AssertProblemAsync(await SeatsKit.TransitionAsync(staff, tenantId, seat.Id(), "deleted"), HttpStatusCode.BadRequest);
        await SeatsKit.AssertProblemAsync(await staff.GetAsync($"/api/tenants/{tenantId}/seats?status=deleted"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Unassigning_keeps_the_committed_seat_free_and_announces_the_release()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-monthly", quantity: 2);
        var seat = await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), await SeatsKit.PersonJoinsAsync(factory, tenantId));

        var released = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats/{seat.Id()}/unassign", new { reason = "left the project" });
        Assert.That(released.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await SeatsKit.BodyAsync(released);
        Assert.That(body.Str("status"), Is.EqualTo("released"));
        Assert.That(body.Str("releasedOn"), Is.EqualTo("2026-11-23"));
        var after = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}");
        Assert.That(after.GetProperty("committedQuantity").GetInt32(), Is.EqualTo(2));
        Assert.That(after.GetProperty("freeSeats").GetInt32(), Is.EqualTo(2));
        var releases = await SeatsKit.OutboxBodiesAsync(factory, "SeatReleased");
        Assert.That(releases.Count(b => b.Contains(seat.Id().ToString(), StringComparison.OrdinalIgnoreCase)), Is.EqualTo(1));
    }

    [Test]
    public async Task Reassigning_releases_the_old_assignment_and_starts_a_new_one_on_the_same_quantity()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 1);
        var first = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        var second = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        var seat = await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), first);

        var response = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats/{seat.Id()}/reassign", new { personId = second });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var newSeat = await SeatsKit.BodyAsync(response);
        Assert.That(newSeat.GetProperty("personId").GetGuid(), Is.EqualTo(second));
        Assert.That((await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/seats/{seat.Id()}")).Str("status"), Is.EqualTo("released"));
        var after = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}");
        Assert.That(after.GetProperty("committedQuantity").GetInt32(), Is.EqualTo(1));
        Assert.That(after.GetProperty("occupiedSeats").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task Assigning_beyond_the_committed_quantity_is_409_when_staff_must_approve()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 1, policy: "require_staff_approval");
        await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), await SeatsKit.PersonJoinsAsync(factory, tenantId));
        var extra = await SeatsKit.PersonJoinsAsync(factory, tenantId);

        var response = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats", new { subscriptionId = sub.Id(), personId = extra });
        await SeatsKit.AssertProblemAsync(response, HttpStatusCode.Conflict);
        var after = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}");
        Assert.That(after.GetProperty("committedQuantity").GetInt32(), Is.EqualTo(1));
        Assert.That((await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/seats?personId={extra}")).GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Assigning_beyond_the_committed_quantity_adds_a_seat_when_the_policy_allows()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "claude-team-premium", quantity: 1, policy: "allow");
        await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), await SeatsKit.PersonJoinsAsync(factory, tenantId));

        await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), await SeatsKit.PersonJoinsAsync(factory, tenantId));

        var after = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}");
        Assert.That(after.GetProperty("committedQuantity").GetInt32(), Is.EqualTo(2));
        var history = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}/history")).EnumerateArray().ToList();
        Assert.That(history.Last().GetProperty("previousQuantity").GetInt32(), Is.EqualTo(1));
        Assert.That(history.Last().GetProperty("newQuantity").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_person_holds_one_seat_per_subscription_and_must_belong_to_the_tenant()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId);
        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        var outsider = await SeatsKit.PersonJoinsAsync(factory, Guid.NewGuid());
        await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), person);

        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats", new { subscriptionId = sub.Id(), personId = person }),
            HttpStatusCode.Conflict);
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats", new { subscriptionId = sub.Id(), personId = outsider }),
            HttpStatusCode.BadRequest);
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats", new { subscriptionId = (Guid?)null, personId = person }),
            HttpStatusCode.BadRequest);
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats", new { subscriptionId = Guid.NewGuid(), personId = person }),
            HttpStatusCode.NotFound);
        Assert.That((await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}")).GetProperty("occupiedSeats").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task Clients_see_their_seats_only_and_cannot_assign()
    {
        var tenantA = Guid.NewGuid();
        var tenantB = Guid.NewGuid();
        var subA = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantA);
        var subB = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantB);
        var personA = await SeatsKit.PersonJoinsAsync(factory, tenantA);
        var seatA = await SeatsKit.AssignAsync(staff, tenantA, subA.Id(), personA);
        var seatB = await SeatsKit.AssignAsync(staff, tenantB, subB.Id(), await SeatsKit.PersonJoinsAsync(factory, tenantB));
        using var clientA = await factory.ClientUserAsync(tenantA);

        Assert.That((await SeatsKit.GetItemsAsync(clientA, $"/api/tenants/{tenantA}/seats")).GetArrayLength(), Is.EqualTo(1));
        await SeatsKit.GetAsync(clientA, $"/api/tenants/{tenantA}/seats/{seatA.Id()}/history");
        await SeatsKit.AssertProblemAsync(await clientA.GetAsync($"/api/tenants/{tenantB}/seats"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await clientA.GetAsync($"/api/tenants/{tenantB}/seats/{seatB.Id()}"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await clientA.GetAsync($"/api/tenants/{tenantA}/seats/{seatB.Id()}"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await clientA.GetAsync($"/api/tenants/{tenantB}/seats/{seatB.Id()}/history"), HttpStatusCode.NotFound);

        var second = await SeatsKit.PersonJoinsAsync(factory, tenantA);
        Assert.That((await clientA.PostAsJsonAsync($"/api/tenants/{tenantA}/seats", new { subscriptionId = subA.Id(), personId = second })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await SeatsKit.TransitionAsync(clientA, tenantA, seatA.Id(), "invited")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await clientA.PostAsJsonAsync($"/api/tenants/{tenantA}/seats/{seatA.Id()}/unassign", new { })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await clientA.PostAsJsonAsync($"/api/tenants/{tenantA}/seats/{seatA.Id()}/reassign", new { personId = second })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantA}/seats/{seatA.Id()}")).Str("status"), Is.EqualTo("requested"));
    }

    [Test]
    public async Task Staff_acting_on_another_tenants_seat_get_404()
    {
        var tenantA = Guid.NewGuid();
        var tenantB = Guid.NewGuid();
        var subB = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantB);
        var seatB = await SeatsKit.AssignAsync(staff, tenantB, subB.Id(), await SeatsKit.PersonJoinsAsync(factory, tenantB));
        await SeatsKit.AssertProblemAsync(await SeatsKit.TransitionAsync(staff, tenantA, seatB.Id(), "invited"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantA}/seats/{seatB.Id()}/unassign", new { }), HttpStatusCode.NotFound);
    }
}
