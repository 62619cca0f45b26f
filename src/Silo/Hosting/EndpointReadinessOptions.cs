namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>The <c>Readiness</c> section: what <c>/ready</c> requires beyond an active silo.</summary>
public sealed class EndpointReadinessOptions
{
    /// <summary>The configuration section that holds these options.</summary>
    public const string SectionName = "Readiness";

    /// <summary>
    /// <c>Readiness:RequireEndpoints</c>: a starting gateway is not ready until every configured service
    /// has at least one endpoint from some source. Default true. Turn it off only to let gateways start
    /// while a backend is knowingly scaled to zero.
    /// </summary>
    public bool RequireEndpoints { get; set; } = true;
}
