namespace TradingAgents.Actors.LoadBalancing;

/// <summary>What a load-balancing policy may look at for one selectable instance.</summary>
/// <param name="InFlight">Calls selected and not yet reported back.</param>
/// <param name="LatencySeconds">EWMA call latency in seconds (the seed's <c>response_time</c>).</param>
/// <param name="ConsecutiveFailures">Failures since the last success (the seed's <c>failure_count</c>).</param>
/// <param name="Weight">Relative weight, at least 1.</param>
public readonly record struct PolicyCandidate(int InFlight, double LatencySeconds, int ConsecutiveFailures, int Weight);
