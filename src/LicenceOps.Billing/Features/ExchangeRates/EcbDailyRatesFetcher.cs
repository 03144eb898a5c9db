using Microsoft.Extensions.Options;

namespace LicenceOps.Billing.Features.ExchangeRates;

/// <summary>Downloads the ECB daily reference rates and stores them.</summary>
public sealed class EcbDailyRatesFetcher(IHttpClientFactory httpClients, ExchangeRateStore store, IOptions<BillingOptions> options)
{
    public const string HttpClientName = "ecb";

    public async Task<RateLoadResult> FetchAsync(CancellationToken ct)
    {
        var client = httpClients.CreateClient(HttpClientName);
        using var response = await client.GetAsync(new Uri(options.Value.EcbDailyRatesUrl), ct);
        response.EnsureSuccessStatusCode();
        var content = await response.Content.ReadAsStringAsync(ct);
        return await store.SaveAsync(EcbRateParser.Parse(content), "ecb-daily", ct);
    }
}
