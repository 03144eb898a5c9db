using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;

namespace LicenceOps.Billing.Payments;

/// <summary>
/// POST /api/billing/stripe/webhook: Stripe reports payment outcomes here. Anonymous, because Stripe
/// proves itself with the Stripe-Signature header (HMAC of the raw body) instead of a token.
/// </summary>
public static class StripeWebhook
{
    public const string Route = "/api/billing/stripe/webhook";

    /// <summary>Maps the webhook at its absolute route; call it on the application's root endpoints.</summary>
    public static IEndpointRouteBuilder MapStripeWebhook(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Route, HandleAsync)
            .AllowAnonymous()
            .WithName("StripeWebhook")
            .WithTags("Billing")
            .Accepts<string>("application/json")
            .WithSummary("Stripe event webhook (payment_intent.succeeded / payment_failed); signed with the Stripe-Signature header instead of a token.")
            .WithDescription("The raw Stripe event JSON. A payment whose amount or currency differs from the invoice is recorded for staff review, never as paid. 503 while Stripe:WebhookSecret is not configured.");
        return endpoints;
    }

    public sealed record WebhookReceipt(string EventId, string Type, string Outcome);

    internal static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> HandleAsync(
        HttpRequest request,
        IOptions<StripeOptions> options,
        TimeProvider time,
        IStripeRecords records,
        IInvoicePaymentLedger ledger,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        var log = loggers.CreateLogger(typeof(StripeWebhook));
        var secret = options.Value.WebhookSecret;
        if (string.IsNullOrWhiteSpace(secret))
        {
            return TypedResults.Problem(
                $"Stripe webhooks are not configured: set {StripeOptions.Section}:WebhookSecret.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Stripe webhook not configured");
        }
        var signature = request.Headers["Stripe-Signature"].ToString();
        if (string.IsNullOrWhiteSpace(signature))
        {
            return BadRequest("The Stripe-Signature header is missing.");
        }

        // The signature covers the exact bytes Stripe sent, so read the body raw, never through a model binder.
        string json;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            json = await reader.ReadToEndAsync(ct);
        }

        Event stripeEvent;
        try
        {
            // utcNow comes from TimeProvider so the 300 s tolerance is checked against the application clock.
            stripeEvent = EventUtility.ConstructEvent(
                json,
                signature,
                secret,
                tolerance: options.Value.WebhookToleranceSeconds,
                utcNow: time.GetUtcNow().ToUnixTimeSeconds(),
                // Endpoints are pinned to an API version in the Stripe dashboard; the fields read here are stable across versions.
                throwOnApiVersionMismatch: false);
        }
        catch (StripeException e)
        {
            log.LogWarning("Rejected Stripe webhook: {Reason}", e.Message);
            return BadRequest($"Invalid Stripe signature: {e.Message}");
        }
        catch (JsonException e)
        {
            return BadRequest($"The webhook body is not a Stripe event: {e.Message}");
        }

        if (await records.IsEventRecordedAsync(stripeEvent.Id, ct))
        {
            return TypedResults.Ok(new WebhookReceipt(stripeEvent.Id, stripeEvent.Type, "duplicate-ignored"));
        }

        var outcome = await ApplyAsync(stripeEvent, ledger, ct);
        if (outcome.StartsWith("ignored", StringComparison.Ordinal))
        {
            log.LogInformation("Stripe event {EventId} ({Type}) {Outcome}", stripeEvent.Id, stripeEvent.Type, outcome);
        }
        // Recorded only after the ledger succeeded: if it throws, Stripe's redelivery gets a second chance.
        var first = await records.RecordEventAsync(stripeEvent.Id, stripeEvent.Type, outcome, ct);
        return TypedResults.Ok(new WebhookReceipt(stripeEvent.Id, stripeEvent.Type, first ? outcome : "duplicate-ignored"));
    }

    private static async Task<string> ApplyAsync(Event stripeEvent, IInvoicePaymentLedger ledger, CancellationToken ct)
    {
        if (stripeEvent.Type is not (EventTypes.PaymentIntentSucceeded or EventTypes.PaymentIntentPaymentFailed))
        {
            return "ignored: event type not handled";
        }
        if (stripeEvent.Data.Object is not PaymentIntent intent)
        {
            return "ignored: event carries no payment intent";
        }
        if (intent.Metadata is null
            || !intent.Metadata.TryGetValue("invoice_id", out var raw)
            || !Guid.TryParse(raw, out var invoiceId))
        {
            return "ignored: payment intent has no LicenceOps invoice_id";
        }

        var at = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        bool known;
        if (stripeEvent.Type == EventTypes.PaymentIntentSucceeded)
        {
            var received = intent.AmountReceived > 0 ? intent.AmountReceived : intent.Amount;
            // Stripe amounts are in the currency's minor unit; every currency we invoice in has two decimals.
            var outcome = await ledger.RecordPaymentAsync(
                invoiceId, received / 100m, intent.Currency.ToUpperInvariant(), intent.Id, at, ct);
            return outcome switch
            {
                null => "ignored: unknown invoice",
                PaymentOutcome.Paid => "invoice-paid",
                PaymentOutcome.Partial => "partial-payment-for-review",
                _ => "mismatched-payment-for-review",
            };
        }

        var reason = intent.LastPaymentError?.Message ?? intent.LastPaymentError?.Code ?? "payment failed";
        known = await ledger.MarkPaymentFailedAsync(invoiceId, reason, intent.Id, at, ct);
        return known ? "invoice-payment-failed" : "ignored: unknown invoice";
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid Stripe webhook");
}
