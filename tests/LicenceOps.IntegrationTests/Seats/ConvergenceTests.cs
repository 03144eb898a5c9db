using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Tenants.Jobs;
using MassTransit;

namespace LicenceOps.IntegrationTests.Seats;

/// <summary>
/// People → seats converge to the person's latest state whatever order, timing or duplication the person events
/// arrive in: a leaver holds nothing, a mover holds exactly the final department's template seats, and the
/// superseded steps and tasks are cancelled with a reason.
/// </summary>
public sealed class ConvergenceTests
{
    private static readonly Guid TenantId = DemoData.AcmeTenantId;
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;

    [SetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync();
    }

    [TearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    private DateOnly Today => DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);

    [TestCase(0, TestName = "Join then leave today at once: the leaver ends with no seat")]
    [TestCase(3, TestName = "Join then leave in 3 days at once: the leaver ends with no seat after the end date")]
    public async Task Join_then_leave_at_once(int leaveInDays)
    {
        var (department, subscription) = await DepartmentWithTemplateAsync("chatgpt-business-monthly");
        var person = await JoinAsync(department);
        var left = await staff.PostAsJsonAsync($"/api/tenants/{TenantId}/people/{person}/leave", new { endDate = Today.AddDays(leaveInDays) });
        Assert.That(left.IsSuccessStatusCode, Is.True, await left.Content.ReadAsStringAsync());
        await SeatsCopyReachesAsync(person, leaveInDays == 0 ? "left" : "leaving");

        if (leaveInDays > 0)
        {
            factory.Clock.Advance(TimeSpan.FromDays(leaveInDays + 1));
            await factory.Service<PeopleStatusSweep>().RunAsync(CancellationToken.None);
            await SeatsCopyReachesAsync(person, "left");
        }
        await SettleAsync(person);

        Assert.That(await OpenSeatSubscriptionsAsync(person), Is.Empty, "a leaver holds nothing");
        await AssertNothingLeftToDoAsync(person);
        Assert.That((await WorkflowKit.TransfersAsync(staff, TenantId, person)).Count(t => t.Str("kind") == "onboarding"), Is.LessThanOrEqualTo(1));
        _ = subscription;
    }

    [Test]
    public async Task Join_then_two_moves_at_once_ends_with_exactly_the_last_departments_template()
    {
        var (a, subA) = await DepartmentWithTemplateAsync("chatgpt-business-monthly");
        var (b, subB) = await DepartmentWithTemplateAsync("claude-team-standard-monthly");
        var (c, subC) = await DepartmentWithTemplateAsync("claude-team-premium");
        var person = await JoinAsync(a);
        (await staff.PostAsJsonAsync($"/api/tenants/{TenantId}/people/{person}/move", new { departmentId = b })).EnsureSuccessStatusCode();
        (await staff.PostAsJsonAsync($"/api/tenants/{TenantId}/people/{person}/move", new { departmentId = c })).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM people WHERE person_id = @person AND department_id = @c AND version = 3", new { person, c }) == 1,
            because: "Seats' copy ends on the last department, at the last version");

        await SettleAsync(person);

        Assert.That(await OpenSeatSubscriptionsAsync(person), Is.EqualTo(new[] { subC }), "only the last department's template seat is held");
        var open = await WorkflowKit.OpenTasksAsync(staff, TenantId);
        Assert.That(open.Where(t => t.GetProperty("personId").GetGuid() == person).Select(t => (t.Str("action"), t.GetProperty("subscriptionId").GetGuid())),
            Is.EqualTo(new[] { ("invite", subC) }), "the only vendor work left is inviting to the last department's subscription");
        Assert.That(await CancelledWithReasonAsync(person), Is.True, "superseded steps say why they were cancelled");
        _ = (subA, subB);
    }

    [Test]
    public async Task Duplicated_and_reordered_versioned_events_end_in_the_latest_state()
    {
        var (a, _) = await DepartmentWithTemplateAsync("chatgpt-business-monthly");
        var (b, _) = await DepartmentWithTemplateAsync("claude-team-standard-monthly");
        var (c, subC) = await DepartmentWithTemplateAsync("claude-team-premium");
        var mover = Guid.NewGuid();
        var email = $"mover{mover:N}@{DemoData.AcmeDomain}";
        var now = factory.Clock.GetUtcNow();
        var joined = new PersonJoined(mover, TenantId, email, "Mover", a, Today, now, 1, "active");
        var toB = new PersonMovedDepartment(mover, TenantId, email, a, b, Today, now, 2, "active", "Mover");
        var toC = new PersonMovedDepartment(mover, TenantId, email, b, c, Today, now, 3, "active", "Mover");
        // Newest first, then the older ones, each twice under fresh message ids (as a republishing outbox would).
        foreach (var message in new object[] { toC, toB, joined, toC, joined, toB })
        {
            await PublishAsync(message);
        }

        var leaver = Guid.NewGuid();
        var leaverEmail = $"leaver{leaver:N}@{DemoData.AcmeDomain}";
        var leaverJoined = new PersonJoined(leaver, TenantId, leaverEmail, "Leaver", a, Today, now, 1, "active");
        var leaving = new PersonLeaving(leaver, TenantId, leaverEmail, Today, now, 2, "left", a, "Leaver");
        var gone = new PersonLeft(leaver, TenantId, leaverEmail, Today, now, 2, a, "Leaver");
        foreach (var message in new object[] { gone, leaving, leaverJoined, leaverJoined, gone })
        {
            await PublishAsync(message);
        }

        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM inbox_messages WHERE message_id IN @published", new { published }) == 11,
            because: "Seats consumed all eleven deliveries");
        await SettleAsync(mover);
        await SettleAsync(leaver);

        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM people WHERE person_id = @mover AND department_id = @c AND version = 3", new { mover, c }),
            Is.EqualTo(1));
        Assert.That(await OpenSeatSubscriptionsAsync(mover), Is.EqualTo(new[] { subC }));
        var moverTransfers = await WorkflowKit.TransfersAsync(staff, TenantId, mover);
        // Consumers run concurrently, so which version Seats saw first varies; the end state does not.
        Assert.That(moverTransfers.Count(t => t.Str("kind") == "onboarding"), Is.EqualTo(1), "one onboarding, however often Joined arrived");
        Assert.That(moverTransfers.Select(t => t.Str("kind")), Is.All.AnyOf("onboarding", "department_move"));
        var moverTasks = (await WorkflowKit.OpenTasksAsync(staff, TenantId)).Where(t => t.GetProperty("personId").GetGuid() == mover);
        Assert.That(moverTasks.Select(t => (t.Str("action"), t.GetProperty("subscriptionId").GetGuid())), Is.EqualTo(new[] { ("invite", subC) }));

        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM people WHERE person_id = @leaver AND status = 'left' AND version = 2", new { leaver }),
            Is.EqualTo(1));
        Assert.That(await OpenSeatSubscriptionsAsync(leaver), Is.Empty);
        // Whether Seats saw the join before the leave varies (concurrent consumers); either way nothing is left to do.
        await AssertNothingLeftToDoAsync(leaver);
    }

    private readonly List<Guid> published = [];

    private Task PublishAsync(object message)
    {
        var id = Guid.NewGuid();
        published.Add(id);
        return factory.Service<IBus>().Publish(message, message.GetType(), context => context.MessageId = id);
    }

    private async Task<(Guid Department, Guid Subscription)> DepartmentWithTemplateAsync(string planCode)
    {
        var department = await SeatsKit.BodyAsync(await staff.PostAsJsonAsync($"/api/tenants/{TenantId}/departments", new { name = "Dept " + Guid.NewGuid().ToString("N")[..8] }));
        var subscription = await SeatsKit.CreateSubscriptionAsync(factory, staff, TenantId, planCode, quantity: 0, policy: "allow");
        await WorkflowKit.TemplateAsync(factory, staff, TenantId, department.Id(), subscription.Id());
        return (department.Id(), subscription.Id());
    }

    private async Task<Guid> JoinAsync(Guid department)
    {
        var response = await staff.PostAsJsonAsync($"/api/tenants/{TenantId}/people", new
        {
            email = $"p{Guid.NewGuid():N}@{DemoData.AcmeDomain}",
            firstName = "Order",
            lastName = "Test",
            departmentId = department,
            startDate = Today,
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await SeatsKit.BodyAsync(response)).Id();
    }

    private Task SeatsCopyReachesAsync(Guid person, string status) =>
        Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM people WHERE person_id = @person AND status = @status", new { person, status }) == 1,
            because: $"Seats' copy of the person becomes {status}");

    /// <summary>Runs the workflows to rest, doing (confirming) every vendor removal they ask staff for.</summary>
    private async Task SettleAsync(Guid person)
    {
        for (var round = 0; round < 10; round++)
        {
            await SeatsKit.SweepAsync(factory);
            var removals = (await WorkflowKit.OpenTasksAsync(staff, TenantId))
                .Where(t => t.GetProperty("personId").GetGuid() == person && t.Str("action") is "transfer_data" or "export_data" or "revoke")
                .ToList();
            if (removals.Count == 0)
            {
                return;
            }
            foreach (var task in removals)
            {
                (await staff.PostAsync($"/api/tenants/{TenantId}/manual-tasks/{task.Id()}/confirm", null)).EnsureSuccessStatusCode();
            }
        }
        Assert.Fail("The workflows did not come to rest within 10 rounds.");
    }

    private async Task<IReadOnlyList<Guid>> OpenSeatSubscriptionsAsync(Guid person) =>
        (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{TenantId}/seats?personId={person}")).EnumerateArray()
            .Where(s => s.Str("status") != "released")
            .Select(s => s.GetProperty("subscriptionId").GetGuid())
            .Order()
            .ToList();

    private async Task AssertNothingLeftToDoAsync(Guid person)
    {
        var transfers = await WorkflowKit.TransfersAsync(staff, TenantId, person);
        Assert.That(transfers.Select(t => t.Str("status")), Is.All.AnyOf("completed", "cancelled"), Describe(transfers));
        var tasks = (await WorkflowKit.OpenTasksAsync(staff, TenantId)).Where(t => t.GetProperty("personId").GetGuid() == person);
        Assert.That(tasks, Is.Empty, "no manual task is left open for a leaver");
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM seat_requests WHERE person_id = @person AND status = 'pending'", new { person }),
            Is.Zero);
    }

    private async Task<bool> CancelledWithReasonAsync(Guid person) =>
        (await WorkflowKit.TransfersAsync(staff, TenantId, person))
            .SelectMany(t => t.GetProperty("steps").EnumerateArray())
            .Where(s => s.Str("status") == "cancelled")
            .All(s => s.GetProperty("cancelReason").GetString() is { Length: > 0 });

    private static string Describe(IEnumerable<JsonElement> transfers) => string.Join("\n", transfers.Select(t => t.ToString()));
}
