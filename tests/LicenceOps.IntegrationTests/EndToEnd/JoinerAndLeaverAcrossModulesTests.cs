using System.Net;
using System.Net.Http.Json;
using LicenceOps.Billing;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Seats;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;

namespace LicenceOps.IntegrationTests.EndToEnd;

/// <summary>
/// The whole product in one host, driven only through its public API: HR records a joiner in Tenants, Seats
/// onboards them from their department's template, Billing starts counting the seat; the leaver's seat is
/// handed over, revoked and released (kept free under an annual commitment).
/// </summary>
public sealed class JoinerAndLeaverAcrossModulesTests
{
    [Test]
    public async Task A_person_joining_through_the_tenants_api_gets_a_seat_that_is_billed_then_released_when_they_leave()
    {
        using var factory = new LicenceOpsFactory();
        using var staff = await factory.StaffClientAsync();
        var tenantId = DemoData.AcmeTenantId;

        var department = await SeatsKit.BodyAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/departments", new { name = "Growth" }));
        var subscription = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-annual", quantity: 2);
        await WorkflowKit.TemplateAsync(factory, staff, tenantId, department.Id(), subscription.Id());

        var joined = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/people", new
        {
            email = $"lea.moreau@{DemoData.AcmeDomain}",
            firstName = "Léa",
            lastName = "Moreau",
            departmentId = department.Id(),
            startDate = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime),
        });
        Assert.That(joined.StatusCode, Is.EqualTo(HttpStatusCode.Created), await joined.Content.ReadAsStringAsync());
        var personId = (await SeatsKit.BodyAsync(joined)).Id();

        await Eventually.UntilAsync(async () => (await WorkflowKit.TransfersAsync(staff, tenantId, personId)).Any(t => t.Str("kind") == "onboarding"),
            because: "Seats starts onboarding from the PersonJoined that Tenants published");
        await SeatsKit.SweepAsync(factory);
        var invite = await OpenTaskOfAsync(staff, tenantId, personId, "invite");
        Assert.That(invite.Str("instructions"), Does.Contain($"lea.moreau@{DemoData.AcmeDomain}"));
        await ConfirmAsync(staff, tenantId, invite);
        var seat = await WorkflowKit.SeatOfAsync(staff, tenantId, personId, subscription.Id());
        Assert.That(seat.Str("status"), Is.EqualTo("invited"));

        var billing = factory.Service<ModuleDatabase<BillingModule>>();
        await Eventually.UntilAsync(
            async () => await billing.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM seat_changes WHERE seat_id = @seatId AND assigned = 1", new { seatId = seat.Id() }) == 1,
            because: "Billing records the assigned seat from SeatAssigned");

        var endDate = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(5);
        var left = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/people/{personId}/leave", new { endDate });
        Assert.That(left.IsSuccessStatusCode, Is.True, await left.Content.ReadAsStringAsync());
        await Eventually.UntilAsync(async () => (await WorkflowKit.TransfersAsync(staff, tenantId, personId)).Any(t => t.Str("kind") == "offboarding"),
            because: "Seats plans offboarding from the PersonLeaving that Tenants published");

        factory.Clock.Advance(TimeSpan.FromDays(6));
        await SeatsKit.SweepAsync(factory);
        await ConfirmAsync(staff, tenantId, await OpenTaskOfAsync(staff, tenantId, personId, "transfer_data"));
        await ConfirmAsync(staff, tenantId, await OpenTaskOfAsync(staff, tenantId, personId, "revoke"));

        var released = await WorkflowKit.SeatOfAsync(staff, tenantId, personId, subscription.Id());
        Assert.That(released.Str("status"), Is.EqualTo("released"));
        Assert.That(released.Str("releasedOn"), Is.EqualTo(endDate.ToString("yyyy-MM-dd")));
        var after = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{subscription.Id()}");
        Assert.That(after.GetProperty("committedQuantity").GetInt32(), Is.EqualTo(2), "the annual commitment keeps the seat for the next joiner");
        await Eventually.UntilAsync(
            async () => await billing.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM seat_changes WHERE seat_id = @seatId AND assigned = 0", new { seatId = seat.Id() }) == 1,
            because: "Billing stops counting the seat from SeatReleased");
    }

    // The demo people of the same tenant have open tasks of their own: pick this person's.
    private static async Task<System.Text.Json.JsonElement> OpenTaskOfAsync(HttpClient staff, Guid tenantId, Guid personId, string action) =>
        (await WorkflowKit.OpenTasksAsync(staff, tenantId)).Single(t => t.Str("action") == action && t.Id("personId") == personId);

    private static async Task ConfirmAsync(HttpClient staff, Guid tenantId, System.Text.Json.JsonElement task)
    {
        var response = await staff.PostAsync($"/api/tenants/{tenantId}/manual-tasks/{task.Id()}/confirm", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }
}
