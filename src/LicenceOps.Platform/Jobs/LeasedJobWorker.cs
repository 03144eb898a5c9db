using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Platform.Jobs;

/// <summary>
/// A hosted service that works durable jobs kept in a module database under a <see cref="JobLease"/> (invoice runs,
/// estate take-overs). A request only queues its job and calls <see cref="Notify"/>; the worker looks at once, and
/// otherwise every <see cref="PollInterval"/> for jobs whose executor died (lease lapsed), which is also how a job
/// interrupted by a crash is resumed after the restart. Hangfire is not used for this: its embedded storage is in
/// memory, and a job must survive the process (ADR 0021).
/// </summary>
public abstract partial class LeasedJobWorker(IHostApplicationLifetime lifetime, ILogger logger) : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0);

    /// <summary>The worker's logger, for its own messages.</summary>
    protected ILogger Logger { get; } = logger;

    /// <summary>How long to sleep when nothing is claimable; a third of the lease, so a dead executor's job waits little.</summary>
    protected abstract TimeSpan PollInterval { get; }

    /// <summary>Jobs waiting for an executor, oldest first (<see cref="JobLease.ClaimableAsync"/>).</summary>
    protected abstract Task<IReadOnlyList<Guid>> ClaimableAsync(CancellationToken ct);

    /// <summary>Takes the job for <paramref name="owner"/>; false when another executor was faster.</summary>
    protected abstract Task<bool> ClaimAsync(Guid jobId, Guid owner, CancellationToken ct);

    /// <summary>Works a claimed job to its end, or until its lease is lost.</summary>
    protected abstract Task WorkAsync(Guid jobId, Guid owner, CancellationToken ct);

    /// <summary>Ends a claimed job as failed after <paramref name="exception"/> escaped <see cref="WorkAsync"/>.</summary>
    protected abstract Task FailAsync(Guid jobId, Guid owner, Exception exception);

    /// <summary>A job was queued: look now rather than at the next poll. Never blocks.</summary>
    public void Notify()
    {
        if (wake.CurrentCount == 0)
        {
            wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await lifetime.WaitForStartAsync(stoppingToken))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await WorkNextAsync(stoppingToken))
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
                // The job stays queued or its lease lapses: the next pass retries it.
                LogPassFailed(Logger, e, GetType().Name);
            }

            try
            {
                await wake.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims and works one job; false when none was waiting.</summary>
    private async Task<bool> WorkNextAsync(CancellationToken ct)
    {
        foreach (var jobId in await ClaimableAsync(ct))
        {
            var owner = Guid.NewGuid();
            if (!await ClaimAsync(jobId, owner, ct))
            {
                continue;
            }
            try
            {
                await WorkAsync(jobId, owner, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogJobFailed(Logger, e, GetType().Name, jobId);
                await FailAsync(jobId, owner, e);
            }
            return true;
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Worker}: job {JobId} failed")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string worker, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Worker}: looking for jobs to work failed; retrying at the next pass")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string worker);

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }
}

public static class HostLifetimeExtensions
{
    /// <summary>
    /// Waits until the host has started (module databases are migrated by then); false when it stops first. Background
    /// services that read a module database start with this.
    /// </summary>
    public static async Task<bool> WaitForStartAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
