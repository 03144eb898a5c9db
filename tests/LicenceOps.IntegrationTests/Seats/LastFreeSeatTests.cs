using System.Net;
using System.Net.Http.Json;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Seats;

public sealed class LastFreeSeatTests
{
    [Test]
    public async Task Of_many_parallel_requests_for_the_last_free_seat_exactly_one_wins()
    {
        using var factory = new LicenceOpsFactory();
        using var staff = await factory.StaffClientAsync();
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 3, policy: "require_staff_approval");
        await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), await SeatsKit.PersonJoinsAsync(factory, tenantId));
        await SeatsKit.AssignAsync(staff, tenantId, sub.Id(), await SeatsKit.PersonJoinsAsync(factory, tenantId));
        var contenders = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            contenders.Add(await SeatsKit.PersonJoinsAsync(factory, tenantId));
        }

        using var start = new SemaphoreSlim(0);
        var requests = contenders.Select(async personId =>
        {
            await start.WaitAsync();
            return await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/seats", new { subscriptionId = sub.Id(), personId });
        }).ToList();
        start.Release(contenders.Count);
        var responses = await Task.WhenAll(requests);

        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Created), Is.EqualTo(1));
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Conflict), Is.EqualTo(contenders.Count - 1));
        var after = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub.Id()}");
        Assert.That(after.GetProperty("committedQuantity").GetInt32(), Is.EqualTo(3));
        Assert.That(after.GetProperty("occupiedSeats").GetInt32(), Is.EqualTo(3));
        Assert.That((await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/seats?subscriptionId={sub.Id()}")).GetArrayLength(), Is.EqualTo(3));
    }
}
