using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LicenceOps.IntegrationTests.Billing.Stripe;

/// <summary>
/// A loopback stand-in for api.stripe.com: customers and payment intents, Idempotency-Key replay as
/// Stripe documents it (same key → the first response again, no new object), and injectable faults.
/// </summary>
public sealed class FakeStripeServer : IAsyncDisposable
{
    public enum Fault { DropConnectionAfterCreate, ServerErrorAfterCreate }

    private readonly WebApplication app;
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private readonly ConcurrentDictionary<string, JsonObject> customers = new();
    private readonly ConcurrentDictionary<string, JsonObject> paymentIntents = new();
    private readonly ConcurrentDictionary<string, string> idempotentResponses = new();
    private readonly ConcurrentQueue<Fault> paymentIntentFaults = new();
    private readonly object createLock = new();
    private int sequence;

    private FakeStripeServer(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<RecordedRequest> Requests => requests.ToList();

    public IReadOnlyCollection<JsonObject> Customers => customers.Values.ToList();

    public IReadOnlyCollection<JsonObject> PaymentIntents => paymentIntents.Values.ToList();

    public void FailNextPaymentIntentCreate(Fault fault) => paymentIntentFaults.Enqueue(fault);

    public static async Task<FakeStripeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeStripeServer(app);
        app.MapPost("/v1/customers", server.CreateCustomerAsync);
        app.MapPost("/v1/payment_intents", server.CreatePaymentIntentAsync);
        app.MapGet("/v1/payment_intents/{id}", server.GetPaymentIntent);
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task CreateCustomerAsync(HttpContext http)
    {
        var form = await RecordAsync(http);
        await RespondIdempotentlyAsync(http, fault: null, () =>
        {
            var customer = new JsonObject
            {
                ["id"] = $"cus_fake{Interlocked.Increment(ref sequence)}",
                ["object"] = "customer",
                ["name"] = form.GetValueOrDefault("name"),
                ["email"] = form.GetValueOrDefault("email"),
                ["metadata"] = Metadata(form),
                ["livemode"] = false,
            };
            customers[customer["id"]!.GetValue<string>()] = customer;
            return customer;
        });
    }

    private async Task CreatePaymentIntentAsync(HttpContext http)
    {
        var form = await RecordAsync(http);
        Fault? fault = paymentIntentFaults.TryDequeue(out var next) ? next : null;
        await RespondIdempotentlyAsync(http, fault, () =>
        {
            var types = new JsonArray(form.Where(f => f.Key.StartsWith("allowed_payment_method_types[", StringComparison.Ordinal))
                .Select(f => (JsonNode?)JsonValue.Create(f.Value)).ToArray());
            var intent = new JsonObject
            {
                ["id"] = $"pi_fake{Interlocked.Increment(ref sequence)}",
                ["object"] = "payment_intent",
                ["amount"] = long.Parse(form["amount"], System.Globalization.CultureInfo.InvariantCulture),
                ["currency"] = form["currency"],
                ["customer"] = form.GetValueOrDefault("customer"),
                ["description"] = form.GetValueOrDefault("description"),
                ["status"] = "requires_payment_method",
                ["payment_method_types"] = types,
                ["metadata"] = Metadata(form),
                ["livemode"] = false,
            };
            paymentIntents[intent["id"]!.GetValue<string>()] = intent;
            return intent;
        });
    }

    private IResult GetPaymentIntent(HttpContext http, string id)
    {
        requests.Enqueue(new RecordedRequest("GET", http.Request.Path, null, new Dictionary<string, string>(), http.Request.Headers.Authorization.ToString()));
        return paymentIntents.TryGetValue(id, out var intent)
            ? Results.Text(intent.ToJsonString(), "application/json")
            : Results.Json(new { error = new { type = "invalid_request_error", message = $"No such payment_intent: '{id}'" } }, statusCode: 404);
    }

    private async Task<Dictionary<string, string>> RecordAsync(HttpContext http)
    {
        var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        requests.Enqueue(new RecordedRequest(
            "POST", http.Request.Path, http.Request.Headers["Idempotency-Key"].FirstOrDefault(), form,
            http.Request.Headers.Authorization.ToString()));
        return form;
    }

    private async Task RespondIdempotentlyAsync(HttpContext http, Fault? fault, Func<JsonObject> create)
    {
        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        string body;
        var replayed = false;
        lock (createLock)
        {
            if (key is not null && idempotentResponses.TryGetValue(http.Request.Path + "|" + key, out var saved))
            {
                body = saved;
                replayed = true;
            }
            else
            {
                body = create().ToJsonString();
                if (key is not null)
                {
                    idempotentResponses[http.Request.Path + "|" + key] = body;
                }
            }
        }

        switch (fault)
        {
            case Fault.DropConnectionAfterCreate:
                http.Abort();
                return;
            case Fault.ServerErrorAfterCreate:
                http.Response.StatusCode = 500;
                await http.Response.WriteAsJsonAsync(new { error = new { type = "api_error", message = "Simulated failure after the object was created." } });
                return;
        }
        if (replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body);
    }

    private static JsonObject Metadata(Dictionary<string, string> form)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)))
        {
            metadata[key["metadata[".Length..^1]] = value;
        }
        return metadata;
    }
}

public sealed record RecordedRequest(
    string Method, string Path, string? IdempotencyKey, IReadOnlyDictionary<string, string> Form, string Authorization);
