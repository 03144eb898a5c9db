using LicenceOps.Billing.Features.ExchangeRates;
using LicenceOps.Platform.Jobs;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Billing.Jobs;

/// <summary>
/// Daily after the ECB's ~16:00 CET publication. The ECB being unreachable (no internet, outage) is one warning, not
/// a failed job: a retry storm would change nothing, the next run's 90-day file fills the gap, and until then the
/// look-back and the shipped history cover the missing days. The warning says how old the newest usable rate is and
/// how to load current ones by hand, since an install that never reaches the ECB converts at that rate for good.
/// </summary>
public sealed partial class EcbDailyRatesJob(EcbDailyRatesFetcher fetcher, ExchangeRateStore store, TimeProvider time, ILogger<EcbDailyRatesJob> logger)
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
            var latest = await store.LatestKnownDateAsync(ct);
            var today = Platform.ParisCalendar.DateOf(time.GetUtcNow());
            LogUnreachable(ex.Message, latest?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "none",
                latest is { } day ? today.DayNumber - day.DayNumber : -1);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ECB reference rates not refreshed ({Reason}); known and shipped rates stay in use. " +
        "Newest usable rate: {LatestRateDate} ({AgeDays} days old); foreign list prices convert at it and invoices print its date. " +
        "To load current rates without internet, upload the ECB history (eurofxref-hist.csv) with POST /api/billing/exchange-rates/history (docs/operations.md).")]
    private partial void LogUnreachable(string reason, string latestRateDate, int ageDays);
}
