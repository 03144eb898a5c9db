namespace LicenceOps.IntegrationTests.Infrastructure;

/// <summary>Waits for an effect that crosses the bus (outbox → broker → consumer), which is asynchronous by design.</summary>
public static class Eventually
{
    /// <summary>
    /// Generous on purpose: a condition met returns at once, so the bound only decides how long a lost effect takes to be
    /// reported, while a 2-core CI machine saturated by the suite's hosts and brokers can stretch a chain that takes well
    /// under a second into many.
    /// </summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(45);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Condition not met within {timeout ?? DefaultTimeout}{(because is null ? "." : ": " + because)}");
            }

            await Task.Delay(50);
        }
    }
}
