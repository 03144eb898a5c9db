using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace LicenceOps.Seats.Vendors.Http;

/// <summary>HTTP plumbing shared by the API connectors: resilience, error messages that name the call, JSON reading.</summary>
public static class VendorHttp
{
    /// <summary>
    /// Registers a connector as a typed HttpClient behind one resilience pipeline: total timeout, bounded retries of
    /// transient answers (429, 408, 5xx) honouring Retry-After up to a cap, and a timeout per attempt.
    /// </summary>
    public static IHttpClientBuilder AddVendorHttpClient<TConnector>(this IServiceCollection services) where TConnector : class
    {
        var builder = services.AddHttpClient<TConnector>(client => client.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler("vendor", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<SeatsOptions>>().Value.Vendors;
            // Waits between HTTP attempts are wall-clock time on the wire, not business time: a clock moved by tests
            // (or a future business-time provider) must not stretch or freeze them.
            pipeline.TimeProvider = TimeProvider.System;
            pipeline.AddTimeout(TimeSpan.FromSeconds(options.TotalTimeoutSeconds));
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(options.RetryBaseDelaySeconds),
                MaxDelay = TimeSpan.FromSeconds(options.MaxRetryDelaySeconds),
                ShouldRetryAfterHeader = true,
            });
            pipeline.AddTimeout(TimeSpan.FromSeconds(options.AttemptTimeoutSeconds));
        });
        return builder;
    }

    /// <summary>Base address of an account, else the configured default; always ends with '/' so relative paths append.</summary>
    public static Uri BaseOf(VendorAccount account, Uri fallback)
    {
        var uri = account.Connection?.BaseAddress ?? fallback;
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    /// <summary>
    /// Sends a request built fresh for each authentication attempt, and turns every failure into a
    /// <see cref="VendorConnectorException"/> naming the vendor call. Answers listed in <paramref name="accepted"/> are
    /// returned to the caller (e.g. 404 on removal means already gone).
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, string call, Func<HttpRequestMessage> build, CancellationToken ct, params HttpStatusCode[] accepted)
    {
        HttpResponseMessage response;
        try
        {
            using var request = build();
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                                       or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new VendorConnectorException($"{call} failed: no answer ({ex.GetType().Name}: {ex.Message}).", ex);
        }
        if (response.IsSuccessStatusCode || accepted.Contains(response.StatusCode))
        {
            return response;
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            var retryNote = (int)response.StatusCode is 429 or >= 500 ? " after retries" : "";
            throw new VendorConnectorException(
                $"{call} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{retryNote}{Explain(body)}.");
        }
    }

    /// <summary>Reads a JSON answer; a body that is not the documented shape fails naming the call.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string call, Func<JsonElement, T> read, CancellationToken ct)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            return ParseJson(body, call, read);
        }
    }

    public static T ParseJson<T>(string body, string call, Func<JsonElement, T> read)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new VendorConnectorException($"{call} returned a body that is not the documented JSON ({ex.GetType().Name}: {First(ex.Message, 200)}).", ex);
        }
    }

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    public static string? Str(this JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static string Required(this JsonElement element, string property) =>
        element.Str(property) ?? throw new FormatException($"'{property}' is missing or not a string");

    public static bool Bool(this JsonElement element, string property, bool fallback = false) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : fallback;

    public static JsonElement.ArrayEnumerator Array(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : throw new FormatException($"'{property}' is missing or not an array");

    /// <summary>A date the vendor gives as "yyyy-MM-dd" or an ISO timestamp; empty, null and placeholders mean none.</summary>
    public static DateOnly? Date(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
        {
            return date;
        }
        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? DateOnly.FromDateTime(at.UtcDateTime)
            : throw new FormatException($"'{First(text, 40)}' is not a date");
    }

    public static DateOnly? UnixDate(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number
            ? DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(value.GetInt64()).UtcDateTime)
            : null;

    private static string Explain(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "";
        }
        // Vendors put the reason in different places; show theirs, briefly, so staff see why without opening logs.
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var message = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error)
                ? error.ValueKind == JsonValueKind.Object ? error.Str("message") ?? error.Str("code") : error.GetString()
                : root.Str("detail") ?? root.Str("message");
            return message is null ? $": {First(body, 200)}" : $": {First(message, 300)}";
        }
        catch (JsonException)
        {
            return $": {First(body, 200)}";
        }
    }

    private static string First(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
