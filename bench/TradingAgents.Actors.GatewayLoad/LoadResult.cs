namespace TradingAgents.Actors.GatewayLoad;

/// <summary>One measured run against one target.</summary>
internal sealed record LoadResult(string Target, int Requests, int Failures, TimeSpan Elapsed, double P50Ms, double P90Ms, double P99Ms)
{
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
}
