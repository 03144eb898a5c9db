using LicenceOps.Platform;
using System.Globalization;
using System.Text;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Billing.Features.ExchangeRates;

public sealed record ExchangeRateView(string Currency, DateOnly RequestedDate, DateOnly RateDate, decimal UnitsPerEuro, bool IsFallback);

internal static class ExchangeRateEndpoints
{
    /// <summary>Upload cap: the full ECB history CSV is about 1.5 MB.</summary>
    public const int MaxUploadBytes = 8 * 1024 * 1024;

    public static void MapExchangeRateEndpoints(this IEndpointRouteBuilder api)
    {
        var rates = api.MapGroup("/billing/exchange-rates");
        rates.MapGet("/", GetAsync).WithSummary("The ECB rate used for a date: that day's, or the previous business day's (its date is returned).");
        rates.MapPost("/history", UploadHistoryAsync).RequireAuthorization(Policies.Billing)
            .Accepts<string>("text/csv", "application/xml", "text/xml")
            .WithSummary("Loads an ECB history file (eurofxref-hist.csv, eurofxref.csv or the hist XML) as the request body.");
        rates.MapPost("/fetch", FetchAsync).RequireAuthorization(Policies.Billing)
            .WithSummary("Downloads today's ECB daily rates now (the daily job does the same).");
    }

    private static async Task<Results<Ok<ExchangeRateView>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string? currency, string? date, ExchangeRateStore store, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var code = currency?.Trim().ToUpperInvariant();
        if (code is null || code.Length != 3 || !code.All(char.IsAsciiLetterUpper))
        {
            errors.Add("currency", "currency must be an ISO 4217 code such as USD.");
        }

        var day = ParisCalendar.Today(time);
        if (date is not null && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            errors.Add("date", "date must be yyyy-MM-dd.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var quote = await store.FindAsync(code!, day, ct);
        return quote is null
            ? Problems.NotFound($"No ECB {code} rate is known on {day:yyyy-MM-dd} or the business days before it.")
            : TypedResults.Ok(new ExchangeRateView(quote.Currency, day, quote.RateDate, quote.UnitsPerEuro, quote.RateDate != day));
    }

    private static async Task<Results<Ok<RateLoadResult>, ProblemHttpResult>> UploadHistoryAsync(
        HttpRequest request, ExchangeRateStore store, CancellationToken ct)
    {
        if (request.ContentLength is > MaxUploadBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: $"The file must be under {MaxUploadBytes} bytes.");
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[MaxUploadBytes + 1];
        var length = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        if (length > MaxUploadBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large", detail: $"The file must be under {MaxUploadBytes} bytes.");
        }

        IReadOnlyList<EcbRate> parsed;
        try
        {
            parsed = EcbRateParser.Parse(new string(buffer, 0, length));
        }
        catch (EcbFormatException ex)
        {
            return Problems.BadRequest($"Not an ECB rates file: {ex.Message} Nothing was loaded.");
        }

        return TypedResults.Ok(await store.SaveAsync(parsed, "ecb-history-upload", ct));
    }

    private static async Task<Results<Ok<RateLoadResult>, ProblemHttpResult>> FetchAsync(EcbDailyRatesFetcher fetcher, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await fetcher.FetchAsync(ct));
        }
        catch (Exception ex) when (ex is HttpRequestException or EcbFormatException or TaskCanceledException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "ECB unavailable", detail: ex.Message);
        }
    }
}
