using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>Arranges a subscription fed by a member export, applies an estate take-over (202 with the job's location) and follows the job.</summary>
internal static class TakeOverJobKit
{
    public static async Task<Guid> CsvAccountAsync(HttpClient staff, Guid tenantId)
    {
        var created = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts",
            new { vendorCode = "perplexity", connector = "csv", displayName = "Perplexity export" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (await SeatsKit.BodyAsync(created)).Id();
    }

    /// <summary>A Perplexity subscription of <paramref name="quantity"/> seats connected to a CSV (member export) vendor account.</summary>
    public static async Task<(Guid Subscription, Guid Account)> ConnectedPerplexityAsync(LicenceOpsFactory factory, HttpClient staff, Guid tenantId, int quantity)
    {
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "perplexity-enterprise-pro", quantity);
        var account = await CsvAccountAsync(staff, tenantId);
        var linked = await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{sub.Id()}/vendor-account", new { vendorAccountId = account });
        Assert.That(linked.StatusCode, Is.EqualTo(HttpStatusCode.OK), await linked.Content.ReadAsStringAsync());
        return (sub.Id(), account);
    }

    public static async Task<JsonElement> AppliedAsync(HttpClient staff, string url, HttpContent? body, TimeSpan? within = null)
    {
        var response = await staff.PostAsync(url, body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.Location, Is.Not.Null, "202 names the job's location");
        return await FinishedAsync(staff, response.Headers.Location!, within ?? TimeSpan.FromMinutes(2));
    }

    /// <summary>Polls the job until it succeeded or failed; the rows done never go backwards meanwhile.</summary>
    public static async Task<JsonElement> FinishedAsync(HttpClient staff, Uri location, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var lastDone = 0;
        while (true)
        {
            var job = await SeatsKit.BodyAsync(await staff.GetAsync(location));
            var done = job.GetProperty("rowsDone").GetInt32();
            Assert.That(done, Is.GreaterThanOrEqualTo(lastDone), "progress never goes backwards");
            lastDone = done;
            if (job.GetProperty("state").GetString() is "succeeded" or "failed")
            {
                return job;
            }
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"the take-over did not finish in time: {job}");
            await Task.Delay(100);
        }
    }
}
