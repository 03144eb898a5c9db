using LicenceOps.Platform.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Billing.Features.Runs;

/// <summary>
/// Works queued invoice runs in the background, one at a time (numbering is serial anyway). A request only queues its
/// run and answers 202, so the caller leaving changes nothing. Woken at once by <see cref="Notify"/> after a run is
/// queued, and otherwise looks every third of a lease for runs whose executor died (lease lapsed), which is also how
/// a run interrupted by a crash is resumed after the restart. Hangfire is not used for this: its embedded storage is
/// in memory, and a run must survive the process.
/// </summary>
public sealed partial class InvoiceRunWorker(
    InvoiceRuns runs, InvoiceRunner runner, IHostApplicationLifetime lifetime, ILogger<InvoiceRunWorker> logger) : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0);

    /// <summary>A run was queued: look now rather than at the next poll. Never blocks.</summary>
    public void Notify()
    {
        if (wake.CurrentCount == 0)
        {
            wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The Billing database is migrated once the host has started.
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

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await NextAsync(stoppingToken))
                {
                    // Keep going while there is work.
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The run stays queued or its lease lapses: the next pass retries it.
                LogPassFailed(e);
            }

            try
            {
                await wake.WaitAsync(runs.Lease / 3, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims and works one run; false when none was waiting.</summary>
    private async Task<bool> NextAsync(CancellationToken ct)
    {
        foreach (var runId in await runs.ClaimableAsync(ct))
        {
            var owner = Guid.NewGuid();
            if (!await runs.ClaimAsync(runId, owner, ct))
            {
                continue;
            }

            var row = await runs.RowAsync(runId, ct);
            // Changes are attributed to whoever asked for the run, as if the request had done them.
            using var actor = ActorScope.Begin(new Actor(row!.RequestedBy, row.RequestedByName));
            LogWorking(runId, row.Period, row.Attempts);
            try
            {
                await runner.ExecuteAsync(runId, owner, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRunFailed(e, runId);
                await runs.FinishAsync(runId, owner, e.Message, CancellationToken.None);
            }
            return true;
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Invoice run {RunId} of {Period}: working (attempt {Attempt})")]
    private partial void LogWorking(Guid runId, string period, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invoice run {RunId} failed")]
    private partial void LogRunFailed(Exception exception, Guid runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for invoice runs to work failed; retrying at the next pass")]
    private partial void LogPassFailed(Exception exception);

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
