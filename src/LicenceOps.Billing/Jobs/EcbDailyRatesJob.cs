using LicenceOps.Billing.Features.ExchangeRates;
using LicenceOps.Platform.Jobs;

namespace LicenceOps.Billing.Jobs;

/// <summary>Daily after the ECB's ~16:00 CET publication; a failure is retried by Hangfire, a missing day is covered by look-back.</summary>
public sealed class EcbDailyRatesJob(EcbDailyRatesFetcher fetcher)
{
    public const string Id = "billing:ecb-daily-rates";

    public async Task<RateLoadResult> RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Id);
        return await fetcher.FetchAsync(ct);
    }
}
