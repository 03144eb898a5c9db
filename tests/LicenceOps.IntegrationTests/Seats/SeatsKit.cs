using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Seats;
using LicenceOps.Seats.Jobs;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats;

/// <summary>Shared steps of the Seats tests: arrange through the API and the bus, look at the Seats database to assert side effects.</summary>
internal static class SeatsKit
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ModuleDatabase<SeatsModule> Db(LicenceOpsFactory factory) => factory.Service<ModuleDatabase<SeatsModule>>();

    public static async Task<JsonElement> CreateSubscriptionAsync(
        LicenceOpsFactory factory, HttpClient staff, Guid tenantId, string planCode = "chatgpt-business-annual", int quantity = 5,
        string policy = "require_staff_approval", decimal? salePrice = 27.50m)
    {
        await factory.EnsureIdentityKnowsTenantAsync(tenantId);
        var response = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions", new
        {
            planCode,
            vendorAccountId = $"ws-{Guid.NewGuid():N}",
            committedQuantity = quantity,
            termStart = "2026-01-01",
            renewalDate = "2027-01-01",
            salePricePerSeatEur = salePrice,
            autoIncreasePolicy = policy,
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await BodyAsync(response);
    }

    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(), Json);

    public static Guid Id(this JsonElement element, string property = "id") => element.GetProperty(property).GetGuid();

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    /// <summary>Publishes PersonJoined as Tenants would, and waits until Seats' read copy has the person.</summary>
    public static async Task<Guid> PersonJoinsAsync(LicenceOpsFactory factory, Guid tenantId, Guid? departmentId = null, Guid? messageId = null)
    {
        var personId = Guid.NewGuid();
        await PublishAsync(factory, new PersonJoined(personId, tenantId, $"p{personId:N}@example.test", "Test Person", departmentId,
            new DateOnly(2026, 11, 23), factory.Clock.GetUtcNow()), messageId);
        await Eventually.UntilAsync(async () => await CountAsync(factory, "SELECT COUNT(*) FROM people WHERE person_id = @personId", new { personId }) == 1,
            because: "Seats records the joiner");
        return personId;
    }

    public static Task PublishAsync<T>(LicenceOpsFactory factory, T message, Guid? messageId = null) where T : class =>
        factory.Service<IBus>().Publish(message, context => context.MessageId = messageId ?? Guid.NewGuid());

    public static async Task<long> CountAsync(LicenceOpsFactory factory, string sql, object? param = null) =>
        await Db(factory).QuerySingleOrDefaultAsync<long>(sql, param);

    public static Task<long> OutboxCountAsync(LicenceOpsFactory factory, string messageType) =>
        CountAsync(factory, "SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE @pattern", new { pattern = $"%.{messageType},%" });

    public static async Task<IReadOnlyList<string>> OutboxBodiesAsync(LicenceOpsFactory factory, string messageType)
    {
        await using var connection = await Db(factory).OpenAsync();
        return (await connection.QueryAsync<string>("SELECT body FROM outbox_messages WHERE message_type LIKE @pattern ORDER BY created_at",
            new { pattern = $"%.{messageType},%" })).AsList();
    }

    public static Task SweepAsync(LicenceOpsFactory factory) => factory.Service<TransferSweeperJob>().RunAsync(CancellationToken.None);

    /// <summary>The host's recurring jobs as Hangfire stores them (its own storage, not the process-wide JobStorage.Current).</summary>
    public static List<Hangfire.Storage.RecurringJobDto> RecurringJobs(LicenceOpsFactory factory)
    {
        using var connection = factory.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection();
        return Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection);
    }

    /// <summary>
    /// Runs the stored recurring job <paramref name="id"/> once as Hangfire's server would (the test host runs none):
    /// the method and arguments Hangfire recorded, on an instance from a fresh scope.
    /// </summary>
    public static async Task RunRecurringJobAsync(LicenceOpsFactory factory, string id)
    {
        var job = RecurringJobs(factory).Single(j => j.Id == id).Job;
        using var scope = factory.Services.CreateScope();
        var instance = scope.ServiceProvider.GetRequiredService(job.Type);
        var args = job.Method.GetParameters().Select((p, i) => p.ParameterType == typeof(CancellationToken) ? CancellationToken.None : job.Args[i]).ToArray();
        await (Task)job.Method.Invoke(instance, args)!;
    }

    /// <summary>Runs every vendor account's reconciliation job (<c>seats:reconcile:*</c>) once, as the hour would.</summary>
    public static async Task RunReconciliationJobsAsync(LicenceOpsFactory factory)
    {
        foreach (var id in RecurringJobs(factory).Select(j => j.Id).Where(id => id.StartsWith("seats:reconcile:", StringComparison.Ordinal)).Order())
        {
            await RunRecurringJobAsync(factory, id);
        }
    }

    public static async Task<JsonElement> AssignAsync(HttpClient staff, Guid tenantId, Guid subscriptionId, Guid personId)
    {
        var response = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats", new { subscriptionId, personId });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await BodyAsync(response);
    }

    public static async Task<HttpResponseMessage> TransitionAsync(HttpClient staff, Guid tenantId, Guid seatId, string status) =>
        await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats/{seatId}/transitions", new { status, reason = "test" });

    public static async Task<JsonElement> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{url}: {await response.Content.ReadAsStringAsync()}");
        return await BodyAsync(response);
    }

    /// <summary>The items of the first page of a list endpoint (lists are paged: {items, limit, nextCursor, total}).</summary>
    public static async Task<JsonElement> GetItemsAsync(HttpClient client, string url) => (await GetAsync(client, url)).GetProperty("items");

    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
    }
}
