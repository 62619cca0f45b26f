namespace TradingAgents.Actors.Grains;

/// <summary>
/// How a health probe's result gets back into its instance grain: the probe's HTTP request runs
/// outside the grain's turns, and its result arrives as a message of its own, so no turn ever waits
/// on the endpoint.
/// </summary>
[Alias("ta.IInstanceProbeSink")]
internal interface IInstanceProbeSink : IGrainWithStringKey
{
    /// <summary>The probe numbered <paramref name="probeId"/> finished.</summary>
    /// <param name="probeId">Which probe of this activation; a result for another one is ignored.</param>
    /// <param name="success">True for a 2xx answer within the timeout.</param>
    /// <param name="latency">Time until the answer or the failure.</param>
    /// <param name="detail">What was seen (<c>HTTP 200</c>, <c>timeout after 5 s</c>, ...).</param>
    [Alias("OnProbeCompleted")]
    ValueTask OnProbeCompletedAsync(long probeId, bool success, TimeSpan latency, string detail);
}
