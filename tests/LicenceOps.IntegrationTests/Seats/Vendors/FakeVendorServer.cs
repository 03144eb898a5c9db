using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;

    public JsonNode Json() => JsonNode.Parse(Body)!;

    public string? QueryValue(string name) => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Query).TryGetValue(name, out var v) ? v.ToString() : null;
}

public sealed record FakeReply(int Status, string? Body = null, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static FakeReply Json(string body, int status = 200) => new(status, body);

    public static FakeReply Code(int status, string? body = null) => new(status, body);

    public static FakeReply TooManyRequests(int retryAfterSeconds) =>
        new(429, """{"error":{"message":"Rate limit reached","type":"rate_limit"}}""", Headers: new Dictionary<string, string> { ["Retry-After"] = retryAfterSeconds.ToString() });
}

/// <summary>
/// A real HTTP server on a loopback port that plays a vendor API: routes answer with documented payloads, one-shot
/// replies script failures (429, 500, malformed body) ahead of them, and every request is recorded for assertions.
/// </summary>
public sealed class FakeVendorServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, Func<RecordedRequest, FakeReply>> routes = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeReply>> once = new();

    private FakeVendorServer(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>
    /// Awaited after a request was answered in substance (the route ran: the vendor did it) and before the answer is
    /// sent, so a test can hold a caller in the middle of a call, e.g. to kill it there.
    /// </summary>
    public Func<RecordedRequest, Task>? BeforeReply { get; set; }

    /// <summary>Answers requests no exact route matched (paths with ids); null passes on to the 404.</summary>
    public Func<RecordedRequest, FakeReply?>? OnPrefix { get; set; }

    public static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Seats", "Vendors", "Fixtures", name));

    public static async Task<FakeVendorServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeVendorServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address + "/");
        return server;
    }

    /// <summary>Answers every <paramref name="method"/> request to <paramref name="path"/> (path only, no query).</summary>
    public void On(string method, string path, Func<RecordedRequest, FakeReply> reply) => routes[Key(method, path)] = reply;

    public void On(string method, string path, FakeReply reply) => On(method, path, _ => reply);

    /// <summary>Answers the next request to the route with <paramref name="reply"/>, before the route's normal answer.</summary>
    public void Once(string method, string path, FakeReply reply) => once.GetOrAdd(Key(method, path), _ => new()).Enqueue(reply);

    public IReadOnlyList<RecordedRequest> To(string method, string path) =>
        Requests.Where(r => r.Method == method && r.Path == path).ToList();

    private async Task HandleAsync(Microsoft.AspNetCore.Http.HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var path = Uri.UnescapeDataString(context.Request.Path.Value ?? "");
        var recorded = new RecordedRequest(context.Request.Method, path, context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body);
        Requests.Enqueue(recorded);
        var key = Key(recorded.Method, path);
        FakeReply reply;
        if (once.TryGetValue(key, out var queue) && queue.TryDequeue(out var scripted))
        {
            reply = scripted;
        }
        else if (routes.TryGetValue(key, out var route))
        {
            reply = route(recorded);
        }
        else if (OnPrefix?.Invoke(recorded) is { } prefixed)
        {
            reply = prefixed;
        }
        else
        {
            reply = new FakeReply(404, JsonSerializer.Serialize(new { error = new { message = $"fake server has no route {recorded.Method} {path}" } }));
        }
        if (BeforeReply is { } hold)
        {
            await hold(recorded);
        }
        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }
        if (reply.Body is not null)
        {
            context.Response.ContentType = reply.ContentType;
            await context.Response.WriteAsync(reply.Body);
        }
    }

    private static string Key(string method, string path) => $"{method.ToUpperInvariant()} {path}";

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

internal static class JsonEdit
{
    /// <summary>Parses a fixture, lets the test change values, and serialises it back.</summary>
    public static string Edit(string json, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(json)!;
        edit(node);
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
