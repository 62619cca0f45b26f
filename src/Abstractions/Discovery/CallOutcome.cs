namespace TradingAgents.Actors.Discovery;

/// <summary>What happened to one call made to a selected endpoint, as its caller saw it.</summary>
/// <param name="Success">False for connect failures, timeouts and server errors (status 5xx).</param>
/// <param name="Latency">Time from sending to the end of the response (or to the failure).</param>
/// <param name="IsTrial">Copied from <see cref="SelectedEndpoint.IsTrial"/>, so the trial lease is released.</param>
/// <param name="Error">Short description of a failure, for the instance's history; null on success.</param>
[GenerateSerializer, Immutable, Alias("ta.CallOutcome")]
public sealed record CallOutcome(
    [property: Id(0)] bool Success,
    [property: Id(1)] TimeSpan Latency,
    [property: Id(2)] bool IsTrial = false,
    [property: Id(3)] string? Error = null)
{
    /// <summary>A successful call.</summary>
    public static CallOutcome Succeeded(TimeSpan latency, bool isTrial = false) => new(true, latency, isTrial);

    /// <summary>A failed call.</summary>
    public static CallOutcome Failed(TimeSpan latency, string error, bool isTrial = false) => new(false, latency, isTrial, error);
}
