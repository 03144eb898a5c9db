using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Identity;
using LicenceOps.Tenants;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Security;

/// <summary>Finding 7 of issue 9: free text is bounded and clean, dates are business dates, and the document says so.</summary>
public sealed class FieldRulesTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        admin = await factory.StaffClientAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        admin.Dispose();
        factory.Dispose();
    }

    [Test]
    public async Task A_ten_megabyte_display_name_is_refused_and_no_user_is_stored()
    {
        var email = $"huge-{Guid.NewGuid():N}@example.test";
        var response = await admin.PostAsJsonAsync("/api/users", new
        {
            email, displayName = new string('x', 10 * 1024 * 1024), role = "staff-agent", password = "tangerine orbit velvet canyon",
        });

        await AccountSecurityTests.AssertFieldProblemAsync(response, "displayName");
        Assert.That(await factory.Service<ModuleDatabase<IdentityModule>>().QuerySingleOrDefaultAsync<long>(
            "SELECT COUNT(*) FROM users WHERE email = @email", new { email }), Is.Zero);
    }

    [TestCase("Hélène\0Lefèvre")]
    [TestCase("evil\u202Etxt.exe")]
    [TestCase("two\nlines")]
    public async Task Control_and_bidi_override_characters_are_refused_in_names(string name)
    {
        var before = await DepartmentCountAsync();

        var department = await admin.PostAsJsonAsync($"/api/tenants/{DemoData.AcmeTenantId}/departments", new { name });
        var person = await admin.PostAsJsonAsync($"/api/tenants/{DemoData.AcmeTenantId}/people", new
        {
            email = $"p-{Guid.NewGuid():N}@acme-conseil.fr", firstName = name, lastName = "Test", startDate = "2026-11-23",
        });

        await AccountSecurityTests.AssertFieldProblemAsync(department, "name");
        await AccountSecurityTests.AssertFieldProblemAsync(person, "firstName");
        Assert.That(await DepartmentCountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_one_megabyte_reason_or_a_nul_in_it_is_refused()
    {
        var subscription = $"/api/tenants/{DemoData.AcmeTenantId}/subscriptions";
        var subscriptions = await admin.GetFromJsonAsync<JsonElement>(subscription);
        var items = subscriptions.ValueKind == JsonValueKind.Array ? subscriptions : subscriptions.GetProperty("items");
        var id = items[0].GetProperty("id").GetGuid();

        var huge = await admin.PostAsJsonAsync($"{subscription}/{id}/quantity", new { quantity = 30, effectiveDate = "2026-11-23", reason = new string('r', 1024 * 1024) });
        await AccountSecurityTests.AssertFieldProblemAsync(huge, "reason");

        var nul = await admin.PostAsJsonAsync($"{subscription}/{id}/quantity", new { quantity = 30, effectiveDate = "2026-11-23", reason = "more\0seats" });
        await AccountSecurityTests.AssertFieldProblemAsync(nul, "reason");
    }

    [TestCase("0001-01-01")]
    [TestCase("9999-12-31")]
    public async Task Dates_outside_business_range_are_refused(string date)
    {
        var person = await admin.PostAsJsonAsync($"/api/tenants/{DemoData.AcmeTenantId}/people", new
        {
            email = $"p-{Guid.NewGuid():N}@acme-conseil.fr", firstName = "Date", lastName = "Test", startDate = date,
        });
        var subscription = await admin.PostAsJsonAsync($"/api/tenants/{DemoData.AcmeTenantId}/subscriptions", new
        {
            planCode = "chatgpt-business-annual", vendorAccountId = "ws-dates", committedQuantity = 1, termStart = date,
            renewalDate = "2027-01-01", autoIncreasePolicy = "allow",
        });

        await AccountSecurityTests.AssertFieldProblemAsync(person, "startDate");
        await AccountSecurityTests.AssertFieldProblemAsync(subscription, "termStart");
    }

    [Test]
    public async Task The_openapi_document_shows_the_limits()
    {
        var document = await factory.AnonymousClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var displayName = schemas.GetProperty("CreateUserRequest").GetProperty("properties").GetProperty("displayName");
        Assert.That(displayName.GetProperty("maxLength").GetInt32(), Is.EqualTo(200));
        Assert.That(displayName.GetProperty("description").GetString(), Does.Contain("no control characters"));
        var startDate = schemas.GetProperty("JoinPersonRequest").GetProperty("properties").GetProperty("startDate");
        Assert.That(startDate.GetProperty("description").GetString(), Does.Contain("2000-01-01"));
    }

    /// <summary>Declared once per field: every text and date field of every request body carries its rule.</summary>
    [Test]
    public void Every_text_and_date_field_of_every_request_body_declares_its_rule()
    {
        var bodies = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<MethodInfo>())
            .Where(m => m is not null)
            .SelectMany(m => m!.GetParameters())
            .Select(p => p.ParameterType)
            .Where(t => t.Namespace?.StartsWith("LicenceOps", StringComparison.Ordinal) == true && t.GetMethod("<Clone>$") is not null)
            .Distinct()
            .ToList();
        Assert.That(bodies, Has.Count.GreaterThan(15));

        var undeclared = new List<string>();
        void Inspect(Type type)
        {
            foreach (var property in type.GetProperties())
            {
                var kind = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (kind == typeof(string) && property.GetCustomAttribute<TextAttribute>() is null
                    || kind == typeof(DateOnly) && property.GetCustomAttribute<BusinessDateAttribute>() is null)
                {
                    undeclared.Add($"{type.Name}.{property.Name}");
                }
                else if (kind.Namespace?.StartsWith("LicenceOps", StringComparison.Ordinal) == true && kind.IsClass)
                {
                    Inspect(kind);
                }
            }
        }

        bodies.ForEach(Inspect);
        Assert.That(undeclared, Is.Empty);
    }

    private Task<long> DepartmentCountAsync() =>
        factory.Service<ModuleDatabase<TenantsModule>>().QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM departments");
}
