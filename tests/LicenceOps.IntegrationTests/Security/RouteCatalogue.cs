using System.Text.Json;
using System.Text.RegularExpressions;
using LicenceOps.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Security;

/// <summary>Every API route the host maps, read from its routing table, and real resource ids to put in them.</summary>
internal sealed partial class RouteCatalogue(LicenceOpsFactory factory)
{
    private readonly Dictionary<(Guid Tenant, string Collection), IReadOnlyList<Guid>> idCache = [];

    public sealed record Route(string Method, string Pattern, IReadOnlyList<string> Parameters, string ContentType)
    {
        public override string ToString() => $"{Method} {Pattern}";
    }

    public IReadOnlyList<Route> ApiRoutes() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => new Route(
                m, Normalise(e.RoutePattern.RawText!), e.RoutePattern.Parameters.Select(p => p.Name).ToList(),
                e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes.FirstOrDefault() ?? "application/json")))
            .Where(r => r.Method is "GET" or "POST" or "PUT" or "DELETE" or "PATCH")
            .DistinctBy(r => r.ToString())
            .OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)
            .ToList();

    /// <summary>"/api/tenants/{tenantId:guid}/" → "/api/tenants/{tenantId}".</summary>
    public static string Normalise(string pattern) => Constraint().Replace(pattern, "{$1}").TrimEnd('/');

    /// <summary>
    /// Ids of <paramref name="tenant"/>'s resources for the id parameter that follows <paramref name="parameter"/>'s
    /// collection in <paramref name="pattern"/>, listed by staff through the collection route ("…/seats" for {seatId}).
    /// </summary>
    public async Task<IReadOnlyList<Guid>> IdsAsync(HttpClient staff, string pattern, string parameter, Guid tenant)
    {
        var marker = "/{" + parameter + "}";
        var collection = pattern[..pattern.IndexOf(marker, StringComparison.Ordinal)].Replace("{tenantId}", tenant.ToString());
        if (collection.Contains('{', StringComparison.Ordinal))
        {
            return [];
        }

        if (idCache.TryGetValue((tenant, collection), out var cached))
        {
            return cached;
        }

        var response = await staff.GetAsync(collection);
        var ids = new List<Guid>();
        if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var items = body.ValueKind == JsonValueKind.Array ? body
                : body.ValueKind == JsonValueKind.Object && body.TryGetProperty("items", out var list) ? list : default;
            if (items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    var belongs = !item.TryGetProperty("tenantId", out var owner) || owner.ValueKind != JsonValueKind.String || owner.GetGuid() == tenant;
                    // A released seat (the demo has one since its backdated history) refuses every change with a 409 of its own:
                    // the sweeps need live resources, where only the foreign id can be the reason for a refusal.
                    var released = item.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.GetString() == "released";
                    if (belongs && !released && item.TryGetProperty("id", out var id) && id.TryGetGuid(out var guid))
                    {
                        ids.Add(guid);
                    }
                }
            }
        }

        idCache[(tenant, collection)] = ids;
        return ids;
    }

    public static string Expand(string pattern, IReadOnlyDictionary<string, string> values) =>
        Parameter().Replace(pattern, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : Guid.NewGuid().ToString());

    [GeneratedRegex(@"\{([A-Za-z]+)(?::[^}]*)?\}")]
    private static partial Regex Constraint();

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex Parameter();
}
