using LicenceOps.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Support.Features.Inbound;

/// <summary>
/// POST /api/support/inbound-email: the raw RFC 5322 message as a mail provider's inbound route delivers it
/// (any content type; message/rfc822 preferred). Authenticated by the X-LicenceOps-Inbound-Secret header instead
/// of a user token. Oversized (413) or malformed (400/422) messages are refused before anything is written.
/// </summary>
internal static class InboundEmailEndpoint
{
    public const string Route = "/api/support/inbound-email";
    public const string SecretHeader = "X-LicenceOps-Inbound-Secret";

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, HandleAsync)
            .AllowAnonymous()
            .WithTags("Support")
            .Accepts<string>("message/rfc822")
            .WithSummary("Receive one raw e-mail for the hotline (mail provider inbound route; secret header instead of a token).");

    private static async Task<Results<Accepted<InboundReceipt>, ProblemHttpResult>> HandleAsync(
        HttpRequest request, InboundSecret secret, SupportOptions options, InboundMailProcessor processor, CancellationToken ct)
    {
        if (!secret.Matches(request.Headers[SecretHeader].ToString()))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: $"The {SecretHeader} header is missing or wrong.");
        }

        if (request.ContentLength > options.MaxInboundBytes)
        {
            return TooLarge(options);
        }

        // Read at most one byte more than allowed: enough to know it is too large without buffering a huge body.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > options.MaxInboundBytes)
            {
                return TooLarge(options);
            }
        }

        if (buffer.Length == 0)
        {
            return Problems.BadRequest("The request body is empty; send the raw message.");
        }

        var (mail, problem) = InboundMailParser.Parse(buffer.ToArray());
        if (mail is null)
        {
            return Problems.Unprocessable($"{problem} Nothing was stored.");
        }

        var receipt = await processor.ProcessAsync(mail, ct);
        return TypedResults.Accepted($"/api/tickets/{receipt.TicketId}", receipt);
    }

    private static ProblemHttpResult TooLarge(SupportOptions options) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Message too large",
            detail: $"The message is larger than {options.MaxInboundBytes} bytes (Support:MaxInboundBytes); nothing was stored.");
}
