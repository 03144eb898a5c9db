namespace LicenceOps.Seats.Domain.Transfers;

public abstract record RetryDecision
{
    public sealed record RetryAt(DateTimeOffset When) : RetryDecision;

    public sealed record GiveUp : RetryDecision;
}

/// <summary>Exponential backoff for failing workflow steps: base, 2×base, 4×base... then a person looks at it.</summary>
public sealed record StepRetryPolicy(TimeSpan BaseDelay, int MaxAttempts)
{
    public static StepRetryPolicy Default { get; } = new(TimeSpan.FromMinutes(1), 5);

    /// <param name="failedAttempts">attempts made so far, including the one that just failed</param>
    public RetryDecision AfterFailure(int failedAttempts, DateTimeOffset now)
    {
        if (failedAttempts >= MaxAttempts)
        {
            return new RetryDecision.GiveUp();
        }
        var delay = BaseDelay * Math.Pow(2, failedAttempts - 1);
        return new RetryDecision.RetryAt(now + delay);
    }
}
