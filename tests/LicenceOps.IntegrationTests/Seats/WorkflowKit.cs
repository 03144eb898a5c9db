using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Seats;

internal static class WorkflowKit
{
    public static async Task<JsonElement> TemplateAsync(LicenceOpsFactory factory, HttpClient staff, Guid tenantId, Guid departmentId, Guid subscriptionId)
    {
        await factory.EnsureSeatsKnowsDepartmentAsync(tenantId, departmentId);
        var response = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seat-templates", new { departmentId, subscriptionId });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await SeatsKit.BodyAsync(response);
    }

    public static async Task<List<JsonElement>> TransfersAsync(HttpClient client, Guid tenantId, Guid personId) =>
        (await SeatsKit.GetItemsAsync(client, $"/api/tenants/{tenantId}/transfers?personId={personId}")).EnumerateArray().ToList();

    public static async Task<JsonElement> TransferAsync(HttpClient client, Guid tenantId, Guid personId, string kind) =>
        (await TransfersAsync(client, tenantId, personId)).Single(t => t.Str("kind") == kind);

    public static JsonElement Step(this JsonElement transfer, string kind, Guid? subscriptionId = null) =>
        transfer.GetProperty("steps").EnumerateArray()
            .Single(s => s.Str("kind") == kind && (subscriptionId is null || s.GetProperty("subscriptionId").GetGuid() == subscriptionId));

    public static async Task<List<JsonElement>> OpenTasksAsync(HttpClient staff, Guid tenantId) =>
        (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/manual-tasks?status=open")).EnumerateArray().ToList();

    public static async Task<JsonElement> OpenTaskAsync(HttpClient staff, Guid tenantId, string action) =>
        (await OpenTasksAsync(staff, tenantId)).Single(t => t.Str("action") == action);

    public static async Task<JsonElement> ConfirmAsync(HttpClient staff, Guid tenantId, string action)
    {
        var task = await OpenTaskAsync(staff, tenantId, action);
        var response = await staff.PostAsync($"/api/tenants/{tenantId}/manual-tasks/{task.Id()}/confirm", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await SeatsKit.BodyAsync(response);
    }

    public static async Task<JsonElement> SeatOfAsync(HttpClient client, Guid tenantId, Guid personId, Guid subscriptionId) =>
        (await SeatsKit.GetItemsAsync(client, $"/api/tenants/{tenantId}/seats?personId={personId}&subscriptionId={subscriptionId}"))
            .EnumerateArray().OrderBy(s => s.Str("status") == "released").First();
}
