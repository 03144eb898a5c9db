using System.Globalization;
using LicenceOps.Platform;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Billing.Features.ExchangeRates;

/// <summary>
/// Says once at start how old the newest usable ECB rate is. An install without internet converts USD list prices at
/// the shipped history for good, and the daily job only speaks on weekday afternoons: the operator should learn the
/// rates' age from the first start's log, not from a client questioning an invoice.
/// </summary>
internal sealed partial class RateAgeReport(
    ExchangeRateStore store, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<RateAgeReport> logger) : BackgroundService
{
    /// <summary>Rates older than this are worth a warning: the ECB publishes every TARGET business day.</summary>
    internal const int StaleAfterDays = 7;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Migrations run before the application counts as started; the stored rates are readable from then on.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        DateOnly? latest;
        try
        {
            latest = await store.LatestKnownDateAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The stored rates could not be read: the shipped ones are what a run could use at least.
            latest = ShippedExchangeRates.LatestDate;
        }

        var today = ParisCalendar.DateOf(time.GetUtcNow());
        if (latest is not { } day)
        {
            LogNone();
            return;
        }

        var age = today.DayNumber - day.DayNumber;
        var text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (age > StaleAfterDays)
        {
            LogStale(text, age);
        }
        else
        {
            LogFresh(text, age);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ECB reference rates: newest usable rate {LatestRateDate} ({AgeDays} days old)")]
    private partial void LogFresh(string latestRateDate, int ageDays);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ECB reference rates: newest usable rate {LatestRateDate} is {AgeDays} days old; " +
        "foreign list prices convert at it until the daily job reaches the ECB or staff upload the history (docs/operations.md, \"Exchange rates on a machine without internet\")")]
    private partial void LogStale(string latestRateDate, int ageDays);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ECB reference rates: none stored or shipped; foreign list prices cannot be invoiced until rates are loaded (docs/operations.md)")]
    private partial void LogNone();
}
