namespace LicenceOps.Platform.Data;

/// <summary>Who or what caused a change: "user:&lt;id&gt;" with the e-mail, or "system:&lt;job or consumer&gt;".</summary>
public sealed record Actor(string Id, string Display)
{
    public static Actor System(string what) => new($"system:{what}", what);

    public static Actor Anonymous { get; } = new("anonymous", "anonymous");
}

/// <summary>
/// The actor for work that has no HTTP user (consumers, jobs). Flows with the async call chain.
/// </summary>
public static class ActorScope
{
    private static readonly AsyncLocal<Actor?> CurrentActor = new();

    public static Actor? Current => CurrentActor.Value;

    public static IDisposable Begin(Actor actor)
    {
        var previous = CurrentActor.Value;
        CurrentActor.Value = actor;
        return new Restore(previous);
    }

    private sealed class Restore(Actor? previous) : IDisposable
    {
        public void Dispose() => CurrentActor.Value = previous;
    }
}
