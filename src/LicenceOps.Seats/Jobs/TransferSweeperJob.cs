using LicenceOps.Platform.Jobs;
using LicenceOps.Seats.Transfers;

namespace LicenceOps.Seats.Jobs;

/// <summary>Hangfire recurring job: advances every running workflow from the state stored in the Seats database.</summary>
internal sealed class TransferSweeperJob(TransferEngine engine)
{
    public const string Name = "seats:transfers";

    public async Task RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Name);
        await engine.AdvanceAllAsync(ct);
    }
}
