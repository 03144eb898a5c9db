using System.Security.Cryptography;
using System.Text;

namespace LicenceOps.IntegrationTests.Billing.Stripe;

/// <summary>Signs payloads the way Stripe does: HMAC-SHA256 of "{t}.{body}", header "t=...,v1=...".</summary>
internal static class StripeSignatures
{
    public static string Header(string body, string secret, DateTimeOffset signedAt)
    {
        var t = signedAt.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    public static string PaymentIntentEvent(
        string eventId, string type, Guid invoiceId, long amountCents, DateTimeOffset created, string? failure = null, string currency = "eur")
    {
        var error = failure is null ? "null" : $$"""{"code":"insufficient_funds","message":"{{failure}}","type":"card_error"}""";
        var status = type.EndsWith("succeeded", StringComparison.Ordinal) ? "succeeded" : "requires_payment_method";
        var received = status == "succeeded" ? amountCents : 0;
        return $$"""
            {"id":"{{eventId}}","object":"event","api_version":"2026-10-28.endive","created":{{created.ToUnixTimeSeconds()}},
             "livemode":false,"pending_webhooks":1,"type":"{{type}}",
             "data":{"object":{"id":"pi_{{eventId}}","object":"payment_intent","amount":{{amountCents}},
               "amount_received":{{received}},"currency":"{{currency}}","status":"{{status}}","last_payment_error":{{error}},
               "metadata":{"invoice_id":"{{invoiceId}}","invoice_number":"F-2026-000042"} } } }
            """;
    }
}
