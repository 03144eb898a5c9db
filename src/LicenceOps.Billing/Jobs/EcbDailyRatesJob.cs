using LicenceOps.Billing.Features.ExchangeRates;
using LicenceOps.Platform.Jobs;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Billing.Jobs;

/// <summary>
/// Daily after the ECB's ~16:00 CET publication. The ECB being unreachable (no internet, outage) is one warning, not
/// a failed job: a retry storm would change nothing, the next run's 90-day file fills the gap, and until then the
/// look-back and the shipped history cover the missing days.
/// </summary>
public sealed partial class EcbDailyRatesJob(EcbDailyRatesFetcher fetcher, ILogger<EcbDailyRatesJob> logger)
{
    public const string Id = "billing:ecb-daily-rates";

    /// <returns>What was loaded, or null when the ECB could not be read (logged once).</returns>
    public async Task<RateLoadResult?> RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Id);
        try
        {
            return await fetcher.FetchAsync(ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or EcbFormatException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            LogUnreachable(ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ECB reference rates not refreshed ({Reason}); known and shipped rates stay in use")]
    private partial void LogUnreachable(string reason);
}
