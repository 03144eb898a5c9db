using System.Net;
using System.Net.Http.Json;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Seats;

/// <summary>Joiner, mover and leaver workflows driven by the Tenants events (published on the bus as Tenants would).</summary>
public sealed class WorkflowTests
{
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

    [Test]
    public async Task A_joiner_gets_an_invited_seat_of_their_department_template_and_as_a_leaver_the_committed_seat_is_kept_free()
    {
        var tenantId = Guid.NewGuid();
        var marketing = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-annual", quantity: 2);
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, marketing, sub.Id());

        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId, marketing);
        await SeatsKit.SweepAsync(factory);

        var seat = await WorkflowKit.SeatOfAsync(staff, tenantId, person, sub.Id());
        Assert.That(seat.Str("status"), Is.EqualTo("requested"));
        var invite = await WorkflowKit.OpenTaskAsync(staff, tenantId, "invite");
        Assert.That(invite.Str("instructions"), Does.Contain($"p{person:N}@example.test"));

        var confirmed = await WorkflowKit.ConfirmAsync(staff, tenantId, "invite");
        Assert.That(confirmed.Str("confirmedBy"), Is.EqualTo(LicenceOpsFactory.AdminEmail));
        Assert.That(confirmed.GetProperty("confirmedAt").GetDateTimeOffset(), Is.EqualTo(factory.Clock.GetUtcNow()));
        Assert.That((await WorkflowKit.SeatOfAsync(staff, tenantId, person, sub.Id())).Str("status"), Is.EqualTo("invited"));
        var onboarding = await WorkflowKit.TransferAsync(staff, tenantId, person, "onboarding");
        Assert.That(onboarding.Str("status"), Is.EqualTo("running"));
        Assert.That(onboarding.Step("invite").Str("status"), Is.EqualTo("completed"));
        Assert.That(onboarding.Step("await_activation").Str("status"), Is.EqualTo("waiting"));

        factory.Clock.Advance(TimeSpan.FromDays(3));
        await SeatsKit.SweepAsync(factory);
        Assert.That((await WorkflowKit.OpenTasksAsync(staff, tenantId)).Select(t => t.Str("action")), Does.Contain("remind_activation"));

        (await SeatsKit.TransitionAsync(staff, tenantId, seat.Id(), "active")).EnsureSuccessStatusCode();
        await SeatsKit.SweepAsync(factory);
        Assert.That((await WorkflowKit.TransferAsync(staff, tenantId, person, "onboarding")).Str("status"), Is.EqualTo("completed"));

        var endDate = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(7);
        await SeatsKit.PublishAsync(factory, new PersonLeaving(person, tenantId, $"p{person:N}@example.test", endDate, factory.Clock.GetUtcNow()));
        await Eventually.UntilAsync(async () => (await WorkflowKit.TransfersAsync(staff, tenantId, person)).Any(t => t.Str("kind") == "offboarding"));
        await SeatsKit.SweepAsync(factory);
        Assert.That((await WorkflowKit.OpenTasksAsync(staff, tenantId)).Select(t => t.Str("action")), Has.None.EqualTo("transfer_data"),
            "the leaver keeps access until the end date");

        factory.Clock.Advance(TimeSpan.FromDays(8));
        await SeatsKit.SweepAsync(factory);
        var handOver = await WorkflowKit.OpenTaskAsync(staff, tenantId, "transfer_data");
        Assert.That(handOver.Str("instructions"), Does.Contain("workspace owner"));
        Assert.That((await WorkflowKit.OpenTasksAsync(staff, tenantId)).Select(t => t.Str("action")), Has.None.EqualTo("revoke"),
            "data is handed over before access is revoked");
        await WorkflowKit.ConfirmAsync(staff, tenantId, "transfer_data");
        await WorkflowKit.ConfirmAsync(staff, tenantId, "revoke");

        var released = await WorkflowKit.SeatOfAsync(staff, tenantId, person, sub.Id());
        Assert.That(released.Str("status"), Is.EqualTo("released"));
        Assert.That(released.Str("releasedOn"), Is.EqualTo(endDate.ToString("yyyy-MM-dd")));
        var offboarding = await WorkflowKit.TransferAsync(staff, tenantId, person, "offboarding");
        Assert.That(offboarding.Str("status"), Is.EqualTo("completed"));
        Assert.That(offboarding.Step("release_seat").Str("completedBy"), Does.Contain("kept free"));
        var after = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}");
        Assert.That(after.GetProperty("committedQuantity").GetInt32(), Is.EqualTo(2), "the annual commitment forbids a reduction");
        Assert.That(after.GetProperty("freeSeats").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_leaver_on_a_monthly_plan_gives_the_seat_back_after_the_data_export()
    {
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "claude-team-standard-monthly", quantity: 3);
        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), person);

        await SeatsKit.PublishAsync(factory, new PersonLeft(person, tenantId, $"p{person:N}@example.test", new DateOnly(2026, 11, 22), factory.Clock.GetUtcNow()));
        await Eventually.UntilAsync(async () => (await WorkflowKit.TransfersAsync(staff, tenantId, person)).Any(t => t.Str("kind") == "offboarding"));
        await SeatsKit.SweepAsync(factory);

        var export = await WorkflowKit.OpenTaskAsync(staff, tenantId, "export_data");
        Assert.That(export.Str("instructions"), Does.Contain("Export"));
        await WorkflowKit.ConfirmAsync(staff, tenantId, "export_data");
        await WorkflowKit.ConfirmAsync(staff, tenantId, "revoke");

        var after = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}");
        Assert.That(after.GetProperty("committedQuantity").GetInt32(), Is.EqualTo(2));
        var history = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}/history")).EnumerateArray().Last();
        Assert.That(history.Str("effectiveDate"), Is.EqualTo("2026-11-22"));
        Assert.That((await WorkflowKit.TransferAsync(staff, tenantId, person, "offboarding")).Str("status"), Is.EqualTo("completed"));
    }

    [Test]
    public async Task The_same_event_delivered_twice_changes_nothing_more()
    {
        var tenantId = Guid.NewGuid();
        var department = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 5);
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, department, sub.Id());
        var personId = Guid.NewGuid();
        var joined = new PersonJoined(personId, tenantId, "twice@example.test", "Twice", department, new DateOnly(2026, 11, 23), factory.Clock.GetUtcNow());
        var messageId = Guid.NewGuid();

        await SeatsKit.PublishAsync(factory, joined, messageId);
        await SeatsKit.PublishAsync(factory, joined, messageId);
        await SeatsKit.PublishAsync(factory, joined with { }, Guid.NewGuid());
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'PersonJoinedConsumer'") >= 2);
        await Task.Delay(300);
        await SeatsKit.SweepAsync(factory);

        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM inbox_messages WHERE message_id = @messageId", new { messageId }), Is.EqualTo(1));
        Assert.That(await WorkflowKit.TransfersAsync(staff, tenantId, personId), Has.Count.EqualTo(1));
        Assert.That((await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/seats?personId={personId}")).GetArrayLength(), Is.EqualTo(1));
        Assert.That((await WorkflowKit.OpenTasksAsync(staff, tenantId)).Count(t => t.Str("action") == "invite"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_full_subscription_that_waits_for_staff_queues_a_request_and_continues_once_approved()
    {
        var tenantId = Guid.NewGuid();
        var department = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 0, policy: "require_staff_approval");
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, department, sub.Id());

        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId, department);
        await SeatsKit.SweepAsync(factory);
        var onboarding = await WorkflowKit.TransferAsync(staff, tenantId, person, "onboarding");
        Assert.That(onboarding.Step("assign_seat").Str("status"), Is.EqualTo("waiting"));
        var request = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/seat-requests?status=pending")).EnumerateArray().Single();
        Assert.That(request.GetProperty("personId").GetGuid(), Is.EqualTo(person));

        (await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seat-requests/{request.Id()}/approve", new { })).EnsureSuccessStatusCode();
        await SeatsKit.SweepAsync(factory);

        onboarding = await WorkflowKit.TransferAsync(staff, tenantId, person, "onboarding");
        Assert.That(onboarding.Step("assign_seat").Str("status"), Is.EqualTo("completed"));
        Assert.That(onboarding.Step("invite").Str("status"), Is.EqualTo("waiting"));
        Assert.That((await WorkflowKit.OpenTasksAsync(staff, tenantId)).Select(t => t.Str("action")), Does.Contain("invite"));
    }

    [Test]
    public async Task A_rejected_request_puts_the_onboarding_in_needs_attention_with_the_reason()
    {
        var tenantId = Guid.NewGuid();
        var department = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 0, policy: "require_staff_approval");
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, department, sub.Id());
        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId, department);
        await SeatsKit.SweepAsync(factory);
        var request = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/seat-requests?status=pending")).EnumerateArray().Single();

        (await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seat-requests/{request.Id()}/reject", new { reason = "no budget" })).EnsureSuccessStatusCode();
        await SeatsKit.SweepAsync(factory);

        var onboarding = await WorkflowKit.TransferAsync(staff, tenantId, person, "onboarding");
        Assert.That(onboarding.Str("status"), Is.EqualTo("needs_attention"));
        Assert.That(onboarding.Str("attentionReason"), Does.Contain("no budget"));
    }

    [Test]
    public async Task A_department_move_swaps_the_template_seats()
    {
        var tenantId = Guid.NewGuid();
        var marketing = Guid.NewGuid();
        var engineering = Guid.NewGuid();
        var chatGpt = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-monthly", quantity: 2);
        var claude = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "claude-team-premium", quantity: 2);
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, marketing, chatGpt.Id());
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, engineering, claude.Id());
        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId, marketing);
        await SeatsKit.SweepAsync(factory);

        await SeatsKit.PublishAsync(factory, new PersonMovedDepartment(person, tenantId, $"p{person:N}@example.test", marketing, engineering,
            new DateOnly(2026, 11, 23), factory.Clock.GetUtcNow()));
        await Eventually.UntilAsync(async () => (await WorkflowKit.TransfersAsync(staff, tenantId, person)).Any(t => t.Str("kind") == "department_move"));
        await SeatsKit.SweepAsync(factory);

        var move = await WorkflowKit.TransferAsync(staff, tenantId, person, "department_move");
        Assert.That(move.Step("hand_over_data", chatGpt.Id()).Str("status"), Is.EqualTo("waiting"));
        Assert.That(move.Step("assign_seat", claude.Id()).Str("status"), Is.EqualTo("completed"));
        Assert.That((await WorkflowKit.SeatOfAsync(staff, tenantId, person, claude.Id())).Str("status"), Is.EqualTo("requested"));
    }

    [Test]
    public async Task Transfers_and_manual_tasks_are_isolated_per_tenant_and_only_staff_confirm()
    {
        var tenantId = Guid.NewGuid();
        var department = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId);
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, department, sub.Id());
        var person = await SeatsKit.PersonJoinsAsync(factory, tenantId, department);
        await SeatsKit.SweepAsync(factory);
        var transfer = await WorkflowKit.TransferAsync(staff, tenantId, person, "onboarding");
        var task = await WorkflowKit.OpenTaskAsync(staff, tenantId, "invite");

        using var own = await factory.ClientUserAsync(tenantId, Roles.ClientViewer);
        using var other = await factory.ClientUserAsync(Guid.NewGuid());
        await SeatsKit.GetAsync(own, $"/api/tenants/{tenantId}/transfers/{transfer.Id()}");
        await SeatsKit.AssertProblemAsync(await other.GetAsync($"/api/tenants/{tenantId}/transfers"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await other.GetAsync($"/api/tenants/{tenantId}/transfers/{transfer.Id()}"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await other.GetAsync($"/api/tenants/{tenantId}/manual-tasks"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await staff.PostAsync($"/api/tenants/{Guid.NewGuid()}/manual-tasks/{task.Id()}/confirm", null), HttpStatusCode.NotFound);
        Assert.That((await own.PostAsync($"/api/tenants/{tenantId}/manual-tasks/{task.Id()}/confirm", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await own.PostAsync($"/api/tenants/{tenantId}/transfers/{transfer.Id()}/retry", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        await SeatsKit.AssertProblemAsync(await staff.PostAsync($"/api/tenants/{tenantId}/transfers/{transfer.Id()}/retry", null), HttpStatusCode.Conflict);
        Assert.That((await WorkflowKit.OpenTaskAsync(staff, tenantId, "invite")).Str("status"), Is.EqualTo("open"));

        (await staff.PostAsync($"/api/tenants/{tenantId}/manual-tasks/{task.Id()}/confirm", null)).EnsureSuccessStatusCode();
        await SeatsKit.AssertProblemAsync(await staff.PostAsync($"/api/tenants/{tenantId}/manual-tasks/{task.Id()}/confirm", null), HttpStatusCode.Conflict);
    }
}
