using LicenceOps.Platform.Data;
using LicenceOps.Platform.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Billing.Features.Runs;

/// <summary>
/// Works queued invoice runs in the background, one at a time (numbering is serial anyway). A request only queues its
/// run and answers 202, so the caller leaving changes nothing; a run whose executor died is resumed once its lease lapses
/// (<see cref="LeasedJobWorker"/>).
/// </summary>
public sealed partial class InvoiceRunWorker(
    InvoiceRuns runs, InvoiceRunner runner, IHostApplicationLifetime lifetime, ILogger<InvoiceRunWorker> logger) : LeasedJobWorker(lifetime, logger)
{
    protected override TimeSpan PollInterval => runs.Lease / 3;

    protected override Task<IReadOnlyList<Guid>> ClaimableAsync(CancellationToken ct) => runs.ClaimableAsync(ct);

    protected override Task<bool> ClaimAsync(Guid jobId, Guid owner, CancellationToken ct) => runs.ClaimAsync(jobId, owner, ct);

    protected override async Task WorkAsync(Guid jobId, Guid owner, CancellationToken ct)
    {
        var row = await runs.RowAsync(jobId, ct);
        // Changes are attributed to whoever asked for the run, as if the request had done them.
        using var actor = ActorScope.Begin(new Actor(row!.RequestedBy, row.RequestedByName));
        LogWorking(Logger, jobId, row.Period, row.Attempts);
        await runner.ExecuteAsync(jobId, owner, ct);
    }

    protected override Task FailAsync(Guid jobId, Guid owner, Exception exception) =>
        runs.FinishAsync(jobId, owner, exception.Message, CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Information, Message = "Invoice run {RunId} of {Period}: working (attempt {Attempt})")]
    private static partial void LogWorking(ILogger logger, Guid runId, string period, int attempt);
}
