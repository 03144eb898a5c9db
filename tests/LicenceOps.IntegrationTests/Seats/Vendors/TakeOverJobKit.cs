using System.Net;
using System.Text.Json;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>Applies an estate take-over (202 with the job's location) and follows the job to its end.</summary>
internal static class TakeOverJobKit
{
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
