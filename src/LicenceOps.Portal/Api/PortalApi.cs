using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using LicenceOps.Portal.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace LicenceOps.Portal.Api;

/// <summary>
/// The portal's only way to module behaviour: the public HTTP API, called with the signed-in user's own bearer
/// token. Every rule (tenant isolation, roles, validation) is therefore the API's, applied once, for the portal
/// exactly as for any other client.
/// </summary>
public sealed class PortalApi(HttpClient http, ApiAddresses addresses, IHttpContextAccessor accessor, IOptions<PortalOptions> settings)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task<T> GetAsync<T>(ApiModule module, string path, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, module, path, null, ct);
        await ThrowUnlessSuccessAsync(response, path, ct);
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    /// <summary>
    /// A whole list. The list APIs answer keyset pages (<c>{ "items": [...], "nextCursor": ... }</c>); the pages that
    /// search, join or count over a whole list follow the cursors with the largest page the APIs allow. A bare JSON
    /// array (an endpoint that is not paged) is read as is. A list longer than <see cref="PortalOptions.MaxListPages"/>
    /// pages stops with an error rather than reading without end.
    /// </summary>
    public async Task<IReadOnlyList<T>> ListAsync<T>(ApiModule module, string path, CancellationToken ct)
    {
        var all = new List<T>();
        string? cursor = null;
        for (var page = 0; page < settings.Value.MaxListPages; page++)
        {
            var query = new Dictionary<string, string?> { ["limit"] = settings.Value.ApiPageLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (cursor is not null)
            {
                query["cursor"] = cursor;
            }

            var pagePath = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(path, query);
            using var response = await SendAsync(HttpMethod.Get, module, pagePath, null, ct);
            await ThrowUnlessSuccessAsync(response, path, ct);
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                return root.Deserialize<List<T>>(Json) ?? [];
            }

            all.AddRange(root.GetProperty("items").Deserialize<List<T>>(Json) ?? []);
            cursor = root.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            if (cursor is null)
            {
                return all;
            }
        }

        throw new InvalidOperationException($"{path} has more than {settings.Value.MaxListPages} pages of {settings.Value.ApiPageLimit}: too long to show whole.");
    }

    public async Task<ApiFile> GetFileAsync(ApiModule module, string path, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, module, path, null, ct);
        await ThrowUnlessSuccessAsync(response, path, ct);
        var content = await response.Content.ReadAsByteArrayAsync(ct);
        var type = response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream";
        var name = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName ?? "document";
        return new ApiFile(content, type, name.Trim('"'));
    }

    /// <summary>
    /// A command. Refusals the user can act on (400, 409, 422) come back as a problem to show beside the form;
    /// 401, 403, 404 and server errors throw like reads do.
    /// </summary>
    public Task<ApiResult<T>> PostAsync<T>(ApiModule module, string path, object? body, CancellationToken ct) =>
        CommandAsync<T>(HttpMethod.Post, module, path, body, ct);

    /// <summary>A replacement (PUT), answered like <see cref="PostAsync{T}"/>.</summary>
    public Task<ApiResult<T>> PutAsync<T>(ApiModule module, string path, object body, CancellationToken ct) =>
        CommandAsync<T>(HttpMethod.Put, module, path, body, ct);

    /// <summary>A partial change (PATCH), answered like <see cref="PostAsync{T}"/>.</summary>
    public Task<ApiResult<T>> PatchAsync<T>(ApiModule module, string path, object body, CancellationToken ct) =>
        CommandAsync<T>(HttpMethod.Patch, module, path, body, ct);

    private async Task<ApiResult<T>> CommandAsync<T>(HttpMethod method, ApiModule module, string path, object? body, CancellationToken ct)
    {
        using var response = await SendAsync(method, module, path, JsonContent.Create(body ?? new { }, options: Json), ct);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity)
        {
            return new ApiResult<T>(default, await ReadProblemAsync(response, ct));
        }

        await ThrowUnlessSuccessAsync(response, path, ct);
        return new ApiResult<T>((await response.Content.ReadFromJsonAsync<T>(Json, ct))!, null);
    }

    /// <summary>
    /// POST /api/auth/dashboard-session with the user's token: the API decides (staff admins only) and answers the
    /// jobs-dashboard cookie, whose Set-Cookie values are returned for the portal to hand to the browser.
    /// </summary>
    public async Task<IReadOnlyList<string>> OpenDashboardSessionAsync(CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, ApiModule.Identity, "/api/auth/dashboard-session", null, ct);
        await ThrowUnlessSuccessAsync(response, "/api/auth/dashboard-session", ct);
        return response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.ToList() : [];
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, ApiModule module, string path, HttpContent? content, CancellationToken ct)
    {
        var context = accessor.HttpContext ?? throw new InvalidOperationException("The portal API client runs inside a request.");
        var token = await context.GetTokenAsync(PortalAuth.Scheme, PortalAuth.AccessTokenName);
        using var request = new HttpRequestMessage(method, new Uri(addresses.For(module), path.TrimStart('/'))) { Content = content };
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.AcceptLanguage.ParseAdd(System.Globalization.CultureInfo.CurrentUICulture.Name);
        return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
    }

    private static async Task ThrowUnlessSuccessAsync(HttpResponseMessage response, string path, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new PortalApiException(await ReadProblemAsync(response, ct), path);
        }
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string? title = null, detail = null;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!string.IsNullOrWhiteSpace(text))
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
                detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
                if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in e.EnumerateObject())
                    {
                        errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                            ? field.Value.EnumerateArray().Select(v => v.GetString() ?? "").ToArray()
                            : [field.Value.ToString()];
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's HTML error page, say): the status code still tells the story.
        }

        return new ApiProblem(response.StatusCode, title, detail, errors);
    }
}
