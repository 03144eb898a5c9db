using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;
using LicenceOps.Support.Domain;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>
/// Issue 9, finding 12: the OpenAPI document is complete enough to build a client from — every operation has a summary,
/// file uploads and the Stripe webhook say what body they take, and fields with a closed list of values list them.
/// </summary>
public sealed class OpenApiCompletenessTests
{
    private LicenceOpsFactory factory = null!;
    private JsonElement document;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        document = await factory.AnonymousClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
    }

    [OneTimeTearDown]
    public void Stop() => factory.Dispose();

    private IEnumerable<(string Path, string Method, JsonElement Operation)> Operations() =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(m => m.Name is "get" or "post" or "put" or "patch" or "delete")
            .Select(m => (path.Name, m.Name, m.Value)));

    [Test]
    public void Every_operation_has_a_summary()
    {
        var operations = Operations().ToList();
        var missing = operations
            .Where(o => !o.Operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
            .Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}")
            .ToList();

        Assert.That(operations.Count(o => o.Path.StartsWith("/api/tenants/{tenantId}/seats", StringComparison.Ordinal)), Is.GreaterThan(5), "Seats is in the document");
        Assert.That(missing, Is.Empty, $"{missing.Count} of {operations.Count} operations have no summary");
    }

    [TestCase("/api/billing/exchange-rates/history", "text/csv")]
    [TestCase("/api/billing/stripe/webhook", "application/json")]
    [TestCase("/api/tenants/{tenantId}/people/import", "text/csv")]
    [TestCase("/api/support/inbound-email", "message/rfc822")]
    public void Uploads_and_webhooks_document_their_request_body(string path, string contentType)
    {
        var operation = document.GetProperty("paths").GetProperty(path).GetProperty("post");

        Assert.That(operation.TryGetProperty("summary", out _), Is.True);
        Assert.That(operation.GetProperty("requestBody").GetProperty("content").TryGetProperty(contentType, out _), Is.True,
            operation.GetProperty("requestBody").ToString());
    }

    private static readonly object[] Closed =
    [
        new object[] { "CreateUserRequest", "role", Roles.All.ToArray() },
        new object[] { "UpdateUserRequest", "role", Roles.All.ToArray() },
        new object[] { "CreateSubscriptionRequest", "autoIncreasePolicy", new[] { "allow", "require_staff_approval" } },
        new object[] { "TransitionSeatRequest", "status", new[] { "requested", "invited", "active", "suspended", "released" } },
        new object[] { "PlanRequest", "priceUnit", new[] { "per_seat_month", "per_seat_year" } },
        new object[] { "PlanRequest", "billingFrequency", new[] { "monthly", "annual_in_advance" } },
        new object[] { "PlanRequest", "billingCycle", new[] { "monthly", "annual" } },
        new object[] { "CreateTicketRequest", "category", TicketCategories.All.ToArray() },
        new object[] { "CreateTicketRequest", "priority", TicketPriorities.All.ToArray() },
        new object[] { "UpdateTicketRequest", "status", TicketStatuses.All.ToArray() },
        new object[] { "UpdateTicketRequest", "category", TicketCategories.All.ToArray() },
        new object[] { "UpdateTicketRequest", "priority", TicketPriorities.All.ToArray() },
    ];

    [TestCaseSource(nameof(Closed))]
    public void Fields_with_a_closed_list_of_values_list_them(string schema, string field, string[] values)
    {
        var property = document.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("properties").GetProperty(field);

        Assert.That(property.TryGetProperty("enum", out var listed), Is.True, property.ToString());
        Assert.That(listed.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()), Is.EquivalentTo(values));
    }
}
