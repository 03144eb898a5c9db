using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Auditing;
using LicenceOps.Platform.Data;
using LicenceOps.Tenants;
using LicenceOps.Tenants.Features.Departments;
using LicenceOps.Tenants.Features.People;
using LicenceOps.Tenants.Features.Tenants;

namespace LicenceOps.IntegrationTests.Tenants;

/// <summary>Requests and read-backs shared by the Tenants integration tests.</summary>
internal static class TenantsTestKit
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A valid French tenant body; every call gets its own domain (domains belong to one tenant).</summary>
    public static Dictionary<string, object?> FrenchTenant(string? domain = null, string legalName = "Exemple Conseil SARL") => new()
    {
        ["legalName"] = legalName,
        ["siren"] = "732 829 320",
        ["siret"] = "73282932000017",
        ["vatNumber"] = "FR44732829320",
        ["countryCode"] = "FR",
        ["billingAddress"] = new { line1 = "3 place de la Bourse", line2 = (string?)null, postalCode = "69002", city = "Lyon" },
        ["billingEmail"] = "compta@" + (domain ?? "x.fr"),
        ["emailDomains"] = new[] { domain ?? NewDomain() },
    };

    public static string NewDomain() => $"t{Guid.NewGuid():N}"[..12] + ".fr";

    public static async Task<TenantView> CreateTenantAsync(HttpClient staff, string? domain = null)
    {
        var response = await staff.PostAsJsonAsync("/api/tenants", FrenchTenant(domain ?? NewDomain()));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TenantView>(Json))!;
    }

    public static async Task<DepartmentView> CreateDepartmentAsync(HttpClient staff, Guid tenantId, string name)
    {
        var response = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/departments", new { name });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<DepartmentView>(Json))!;
    }

    public static async Task<PersonView> JoinAsync(HttpClient client, TenantView tenant, string local, DateOnly start, Guid? departmentId = null, Guid? managerId = null)
    {
        var response = await client.PostAsJsonAsync($"/api/tenants/{tenant.Id}/people", new
        {
            email = $"{local}@{tenant.EmailDomains[0]}",
            firstName = "First " + local,
            lastName = "Last " + local,
            departmentId,
            managerId,
            startDate = start,
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PersonView>(Json))!;
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    private sealed record PageBody<T>(List<T> Items, int Limit, string? NextCursor, long? Total);

    /// <summary>The items of one page of a list endpoint.</summary>
    public static async Task<List<T>> ReadItemsAsync<T>(this HttpResponseMessage response) => (await response.ReadAsync<PageBody<T>>()).Items;

    /// <summary>Asserts an RFC 9457 problem with this status and returns its JSON.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static IReadOnlyList<string> ErrorFields(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();

    private sealed record OutboxRow(string MessageType, string Body);

    /// <summary>Messages the Tenants module published (its outbox), oldest first.</summary>
    public static async Task<IReadOnlyList<T>> PublishedAsync<T>(this LicenceOpsFactory factory) where T : class
    {
        var rows = await factory.Service<ModuleDatabase<TenantsModule>>().QueryAsync<OutboxRow>(
            "SELECT message_type AS MessageType, body AS Body FROM outbox_messages ORDER BY seq");
        return rows.Where(r => r.MessageType.StartsWith(typeof(T).FullName + ",", StringComparison.Ordinal))
            .Select(r => JsonSerializer.Deserialize<T>(r.Body, Json)!)
            .ToList();
    }

    public static async Task<long> OutboxCountAsync(this LicenceOpsFactory factory) =>
        (await factory.Service<ModuleDatabase<TenantsModule>>().QueryAsync<long>("SELECT COUNT(*) FROM outbox_messages"))[0];

    public static async Task<IReadOnlyList<AuditEntryView>> AuditAsync(HttpClient staff, Guid entityId)
    {
        var response = await staff.GetAsync($"/api/tenants/audit?entityId={entityId}");
        return await response.ReadItemsAsync<AuditEntryView>();
    }
}
