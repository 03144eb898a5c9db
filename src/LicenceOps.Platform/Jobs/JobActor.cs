using LicenceOps.Platform.Data;

namespace LicenceOps.Platform.Jobs;

/// <summary>Marks the changes a scheduled job makes with the job's name in the audit log.</summary>
public static class JobActor
{
    public static IDisposable Begin(string jobName) => ActorScope.Begin(Actor.System(jobName));
}
