using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using LicenceOps.Portal.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace LicenceOps.Portal.Api;

/// <summary>
/// The portal's only way to module behaviour: the public HTTP API, called with the signed-in user's own bearer
/// token. Every rule (tenant isolation, roles, validation) is therefore the API's, applied once, for the portal
/// exactly as for any other client.
/// </summary>
public sealed class PortalApi(HttpClient http, ApiAddresses addresses, IHttpContextAccessor accessor)
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
    /// A list. The list APIs answer pages (<c>items</c> and <c>nextCursor</c>): this follows the cursors at the
    /// largest page size, up to <see cref="MaxPages"/> pages, so a page of the portal sees the whole list it asks for.
    /// A plain JSON array is read as one page.
    /// </summary>
    public async Task<IReadOnlyList<T>> ListAsync<T>(ApiModule module, string path, CancellationToken ct)
    {
        var all = new List<T>();
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            var url = cursor is null ? $"{path}{separator}limit={PageSize}" : $"{path}{separator}limit={PageSize}&cursor={Uri.EscapeDataString(cursor)}";
            using var response = await SendAsync(HttpMethod.Get, module, url, null, ct);
            await ThrowUnlessSuccessAsync(response, path, ct);
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("items", out var items))
            {
                all.AddRange(root.Deserialize<List<T>>(Json) ?? []);
                break;
            }

            all.AddRange(items.Deserialize<List<T>>(Json) ?? []);
            cursor = root.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            if (cursor is null)
            {
                break;
            }
        }

        return all;
    }

    /// <summary>The API's default maximum page size (Paging:MaxLimit).</summary>
    private const int PageSize = 200;

    /// <summary>Bounds what one portal page may pull: 50 pages of 200.</summary>
    private const int MaxPages = 50;

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
    public async Task<ApiResult<T>> PostAsync<T>(ApiModule module, string path, object? body, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, module, path, JsonContent.Create(body ?? new { }, options: Json), ct);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity)
        {
            return new ApiResult<T>(default, await ReadProblemAsync(response, ct));
        }

        await ThrowUnlessSuccessAsync(response, path, ct);
        return new ApiResult<T>((await response.Content.ReadFromJsonAsync<T>(Json, ct))!, null);
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
