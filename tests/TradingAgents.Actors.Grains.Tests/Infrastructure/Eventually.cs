namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// Waits for a condition that another component makes true asynchronously (a grain timer callback
/// finishing after the fake clock fired it). Bounded; fails with the last observed value.
/// </summary>
public static class Eventually
{
    public static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        T last;
        while (true)
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last value: {last}");
            }

            // Yield to the silo's scheduler between observations; this is not a timed expectation.
            await Task.Delay(10);
        }
    }
}
