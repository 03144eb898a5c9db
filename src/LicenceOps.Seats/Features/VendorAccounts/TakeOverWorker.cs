using LicenceOps.Platform.Data;
using LicenceOps.Platform.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Seats.Features.VendorAccounts;

/// <summary>
/// Works queued estate take-overs in the background, one at a time (each one is a long run of seat writes; in parallel
/// they would only queue on the database's writer lock). A job whose executor died is resumed once its lease lapses,
/// by this host after a restart or by another one (<see cref="LeasedJobWorker"/>).
/// </summary>
internal sealed partial class TakeOverWorker(TakeOverJobs jobs, IHostApplicationLifetime lifetime, ILogger<TakeOverWorker> logger)
    : LeasedJobWorker(lifetime, logger)
{
    protected override TimeSpan PollInterval => jobs.Lease / 3;

    protected override Task<IReadOnlyList<Guid>> ClaimableAsync(CancellationToken ct) => jobs.ClaimableAsync(ct);

    protected override Task<bool> ClaimAsync(Guid jobId, Guid owner, CancellationToken ct) => jobs.ClaimAsync(jobId, owner, ct);

    protected override async Task WorkAsync(Guid jobId, Guid owner, CancellationToken ct)
    {
        var job = (await jobs.RowAsync(jobId, ct))!;
        // The seats are attributed to whoever applied the take-over, as if the request had made them.
        using var actor = ActorScope.Begin(new Actor(job.RequestedBy, job.RequestedByName));
        LogWorking(Logger, jobId, job.RowsDone, job.RowsTotal, job.Attempts);
        await jobs.ExecuteAsync(jobId, owner, ct);
    }

    protected override async Task FailAsync(Guid jobId, Guid owner, Exception exception)
    {
        var job = (await jobs.RowAsync(jobId, CancellationToken.None))!;
        using var actor = ActorScope.Begin(new Actor(job.RequestedBy, job.RequestedByName));
        await jobs.FinishAsync(job, owner, exception.Message, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Take-over {JobId}: working from row {Done} of {Total} (attempt {Attempt})")]
    private static partial void LogWorking(ILogger logger, Guid jobId, int done, int total, int attempt);
}
