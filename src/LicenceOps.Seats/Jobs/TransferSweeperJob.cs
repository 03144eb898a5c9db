using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Jobs;

/// <summary>Hangfire recurring job: advances every running workflow from the state stored in the Seats database.</summary>
internal sealed class TransferSweeperJob(TransferEngine engine)
{
    public Task RunAsync(CancellationToken ct) => engine.AdvanceAllAsync(ct);
}
