using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Security;

/// <summary>
/// Issue 9: every write route of the routing table (POST, PUT, PATCH, DELETE), sent by the staff admin who may do
/// everything, with real ids of Acme in its path so the handler is reached, answers a corpus of malformed input —
/// bodies that are not JSON, of the wrong shape, with wrong types, huge, with control characters, unknown values,
/// negative numbers, bad dates, the wrong content type, ids that are not ids — with a 4xx problem+json and never a 5xx,
/// and every row of every module database (audit included) is the same afterwards. Routes come from the routing table,
/// so a new endpoint is in the corpus the day it is mapped.
/// </summary>
public sealed class MalformedInputCorpusTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;
    private RouteCatalogue catalogue = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        // A configured webhook secret, so the Stripe webhook judges the input instead of answering "not configured" (503).
        factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Billing:Stripe:WebhookSecret"] = "whsec_malformed_input_corpus" });
        staff = await factory.StaffClientAsync();
        // Let the demo's joiners reach Seats and their workflows settle, so nothing moves in the background while comparing.
        await Eventually.UntilAsync(async () =>
                (await new RouteCatalogue(factory).IdsAsync(staff, "/api/tenants/{tenantId}/transfers/{transferId}", "transferId", DemoData.AcmeTenantId)).Count > 0,
            TimeSpan.FromSeconds(30), "Acme's demo joiners are onboarded");
        await LicenceOps.IntegrationTests.Seats.SeatsKit.SweepAsync(factory);
        await WaitUntilQuietAsync();
        catalogue = new RouteCatalogue(factory);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    [Test]
    public async Task Every_write_route_answers_malformed_input_with_a_4xx_problem_and_changes_nothing()
    {
        var routes = catalogue.ApiRoutes().Where(r => r.Method is "POST" or "PUT" or "PATCH" or "DELETE").ToList();
        Assert.That(routes.Select(r => r.Pattern), Has.Some.Contains("/seats").And.Some.Contains("/people").And.Some.Contains("/invoices"));

        var before = await SnapshotAsync();
        Assert.That(before.Keys, Has.Some.Contains(".audit").And.Some.Contains("seats.seats").And.Some.Contains("billing.invoices"), "the snapshot covers the audit and the business tables");
        var failures = new List<string>();
        var sent = 0;
        var bodyRoutes = 0;
        foreach (var route in routes)
        {
            var accepts = AcceptsOf(route);
            var values = await PathValuesAsync(route);
            var cases = new List<Case>();
            cases.AddRange(PathCases(route, values));
            if (accepts is not null)
            {
                bodyRoutes++;
                cases.AddRange(BodyCases(RouteCatalogue.Expand(route.Pattern, values), accepts));
            }

            foreach (var c in cases)
            {
                sent++;
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), c.Url);
                if (c.Body is not null)
                {
                    request.Content = new ByteArrayContent(c.Body);
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
                }

                using var response = await staff.SendAsync(request);
                var status = (int)response.StatusCode;
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                if (status is < 400 or >= 500 || mediaType != "application/problem+json")
                {
                    var text = await response.Content.ReadAsStringAsync();
                    failures.Add($"{route} [{c.Label}] → {status} {mediaType}: {text[..Math.Min(200, text.Length)]}");
                }
            }
        }

        await WaitUntilQuietAsync();
        var after = await SnapshotAsync();
        var changed = before.Keys.Union(after.Keys)
            .Where(table => before.GetValueOrDefault(table) != after.GetValueOrDefault(table))
            .Select(table => $"{table}: {before.GetValueOrDefault(table)} → {after.GetValueOrDefault(table)}")
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Empty, $"{sent} requests over {routes.Count} write routes:\n" + string.Join("\n", failures));
            Assert.That(changed, Is.Empty, "tables changed by malformed input (rows, content hash):\n" + string.Join("\n", changed));
            Assert.That(bodyRoutes, Is.GreaterThan(20), "routes with a body in the corpus");
            Assert.That(sent, Is.GreaterThan(routes.Count * 10));
        });

        // Control: a valid write is seen by the same comparison, so "nothing changed" above is not vacuous.
        var valid = await staff.PostAsync($"/api/tenants/{DemoData.AcmeTenantId}/departments",
            new StringContent("{\"name\":\"Corpus control\"}", Encoding.UTF8, "application/json"));
        Assert.That(valid.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var control = await SnapshotAsync();
        Assert.That(control.Where(kv => after.GetValueOrDefault(kv.Key) != kv.Value).Select(kv => kv.Key), Does.Contain("tenants.departments").And.Contain("tenants.audit_log"));
    }

    private sealed record Case(string Label, string Url, byte[]? Body, string ContentType);

    private sealed record Accepts(Type? RequestType, string ContentType, bool Optional);

    private Accepts? AcceptsOf(RouteCatalogue.Route route)
    {
        var endpoint = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(route.Method) == true)
            .First(e => RouteCatalogue.Normalise(e.RoutePattern.RawText!) == route.Pattern);
        var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>();
        return accepts is null ? null : new Accepts(accepts.RequestType, accepts.ContentTypes.FirstOrDefault() ?? "application/json", accepts.IsOptional);
    }

    /// <summary>Real ids of Acme (listed by staff through each collection) so the handler, not the router, answers.</summary>
    private async Task<Dictionary<string, string>> PathValuesAsync(RouteCatalogue.Route route)
    {
        var values = new Dictionary<string, string>();
        foreach (var parameter in route.Parameters)
        {
            if (parameter == "tenantId")
            {
                values[parameter] = DemoData.AcmeTenantId.ToString();
            }
            else if (parameter == "code")
            {
                values[parameter] = "chatgpt-business-annual";
            }
            else
            {
                var ids = await catalogue.IdsAsync(staff, route.Pattern, parameter, DemoData.AcmeTenantId);
                values[parameter] = (ids.Count > 0 ? ids[0] : Guid.NewGuid()).ToString();
            }
        }

        return values;
    }

    /// <summary>Ids that are not ids: the route does not match, or the resource does not exist.</summary>
    private static IEnumerable<Case> PathCases(RouteCatalogue.Route route, Dictionary<string, string> values)
    {
        var body = route.ContentType == "application/json" ? Encoding.UTF8.GetBytes("{}") : [];
        foreach (var parameter in route.Parameters.Where(p => p != "code"))
        {
            foreach (var (label, bad) in new[] { ("not a guid", "not-a-guid"), ("negative number", "-1"), ("all-zero id", Guid.Empty.ToString()), ("SQL", "1%27%20OR%20%271%27=%271") })
            {
                var url = RouteCatalogue.Expand(route.Pattern, new Dictionary<string, string>(values) { [parameter] = bad });
                yield return new Case($"{{{parameter}}} {label}", url, route.Method == "DELETE" ? null : body, route.ContentType);
            }
        }
    }

    private static IEnumerable<Case> BodyCases(string url, Accepts accepts)
    {
        if (accepts.ContentType != "application/json")
        {
            // Files (CSV, ECB history, e-mail, webhook payloads): JSON instead, binary garbage, an empty file.
            yield return new Case("JSON for a file upload", url, "{\"a\":1}"u8.ToArray(), "application/json");
            yield return new Case("binary garbage", url, Garbage(4096), accepts.ContentType);
            if (!accepts.Optional)
            {
                yield return new Case("empty upload", url, [], accepts.ContentType);
            }

            yield break;
        }

        Case Json(string label, string json) => new(label, url, Encoding.UTF8.GetBytes(json), "application/json");

        yield return Json("not JSON", "this is not json");
        yield return Json("truncated JSON", "{\"a\":");
        yield return Json("array body", "[]");
        yield return Json("number body", "42");
        yield return Json("string body", "\"text\"");
        yield return Json("raw control character", "{\"a\":\"x\u0001y\"}".Replace("\"a\"", "\"\u0000\"", StringComparison.Ordinal));
        yield return Json("deeply nested", new string('[', 2000) + new string(']', 2000));
        yield return new Case("wrong content type", url, "{}"u8.ToArray(), "text/plain");
        yield return new Case("form instead of JSON", url, "a=1"u8.ToArray(), "application/x-www-form-urlencoded");
        if (!accepts.Optional)
        {
            yield return Json("empty body", "");
            yield return Json("JSON null", "null");
        }

        if (accepts.RequestType is null)
        {
            yield break;
        }

        foreach (var property in accepts.RequestType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            foreach (var (label, value) in WrongValues(property))
            {
                yield return Json($"{name}: {label}", $"{{\"{name}\":{value}}}");
            }
        }
    }

    /// <summary>Values that are wrong for a property of <paramref name="property"/>'s type, whatever else the body holds.</summary>
    private static IEnumerable<(string Label, string Json)> WrongValues(PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        yield return ("object", "{\"x\":1}");
        if (type == typeof(string))
        {
            yield return ("number", "12");
            yield return ("array", "[\"a\"]");
            yield return ("huge string", JsonSerializer.Serialize(new string('x', 100_001)));
            yield return ("NUL character", "\"a\\u0000b\"");
            yield return ("right-to-left override", "\"a\\u202Eb\"");
            yield return ("escape sequence", "\"\\u001b[31mred\"");
            if (EnumValued.Contains(property.Name))
            {
                yield return ("unknown value", "\"no-such-value\"");
            }
        }
        else if (type == typeof(Guid))
        {
            yield return ("not a guid", "\"not-a-guid\"");
            yield return ("number", "12");
            yield return ("empty string", "\"\"");
        }
        else if (type == typeof(int) || type == typeof(long) || type == typeof(decimal))
        {
            yield return ("text", "\"twelve\"");
            yield return ("negative", "-1");
            yield return ("overflow", "1e400");
            yield return ("beyond 64 bits", "123456789012345678901234567890");
            yield return ("boolean", "true");
        }
        else if (type == typeof(DateOnly) || type == typeof(DateTimeOffset))
        {
            yield return ("impossible date", "\"2026-13-45\"");
            yield return ("year 1", "\"0001-01-01\"");
            yield return ("year 9999", "\"9999-12-31\"");
            yield return ("French order", "\"28/11/2026\"");
            yield return ("number", "20261128");
        }
        else if (type == typeof(bool))
        {
            yield return ("text", "\"yes\"");
            yield return ("number", "2");
        }
        else if (type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            yield return ("string for a list", "\"x\"");
            yield return ("null element", "[null]");
            yield return ("wrong elements", "[1,true,\"x\"]");
        }
    }

    /// <summary>Text fields whose allowed values are a closed list (roles, statuses, policies, units).</summary>
    private static readonly HashSet<string> EnumValued =
    [
        "Role", "Status", "AutoIncreasePolicy", "PriceUnit", "BillingFrequency", "Priority", "Category", "Channel", "Vendor",
        "ConnectorKind", "Kind", "Method", "Currency", "Period", "Mode", "CountryCode",
    ];

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(9).NextBytes(bytes);
        bytes[0] = 0;
        return bytes;
    }

    private Task<Dictionary<string, string>> SnapshotAsync() => DatabaseSnapshot.TakeAsync(factory.DataDirectory);

    private Task WaitUntilQuietAsync() => DatabaseSnapshot.WaitUntilQuietAsync(factory.DataDirectory);
}
