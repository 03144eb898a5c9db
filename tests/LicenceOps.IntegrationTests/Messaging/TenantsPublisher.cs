using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Tenants;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Messaging;

/// <summary>Drives the real Tenants module of host A over HTTP: each joiner makes Tenants publish PersonJoined.</summary>
internal sealed class TenantsPublisher(RunningHost host)
{
    private ModuleDatabase<TenantsModule> Database => host.Services.GetRequiredService<ModuleDatabase<TenantsModule>>();

    public async Task<IReadOnlyList<Guid>> JoinPeopleAsync(int count)
    {
        using var client = host.CreateClient();
        var token = await client.PostAsJsonAsync("/api/auth/token", new { email = LicenceOpsFactory.AdminEmail, password = LicenceOpsFactory.AdminPassword });
        token.EnsureSuccessStatusCode();
        var accessToken = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var response = await client.PostAsJsonAsync($"/api/tenants/{DemoData.AcmeTenantId}/people", new
            {
                email = $"joiner-{Guid.NewGuid():N}@{DemoData.AcmeDomain}",
                firstName = "Camille",
                lastName = $"Joiner {i}",
                departmentId = DemoData.AcmeMarketingId,
                startDate = DateOnly.FromDateTime(DateTime.UtcNow),
            });
            response.EnsureSuccessStatusCode();
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }

        return ids;
    }

    /// <summary>Every PersonJoined Tenants has written to its outbox, the demo joiners included.</summary>
    public Task<long> JoinedInOutboxAsync() =>
        Database.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE '%.PersonJoined,%'");

    public Task<long> UndispatchedAsync() =>
        Database.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM outbox_messages WHERE dispatched_at IS NULL");
}
