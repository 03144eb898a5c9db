namespace LicenceOps.IntegrationTests.Infrastructure;

/// <summary>Waits for an effect that crosses the bus (outbox → broker → consumer), which is asynchronous by design.</summary>
public static class Eventually
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Condition not met within {timeout ?? TimeSpan.FromSeconds(15)}{(because is null ? "." : ": " + because)}");
            }

            await Task.Delay(50);
        }
    }
}
