namespace TradingAgents.Actors.Discovery;

/// <summary>What a service grain did with an <see cref="EndpointSetUpdate"/>.</summary>
public enum ApplyResult
{
    /// <summary>The set was newer and replaced the source's previous set.</summary>
    Applied = 0,

    /// <summary>Same version as the one held: only the sync time moved forward.</summary>
    AlreadyCurrent = 1,

    /// <summary>Older than the version held: ignored, so a late duplicate cannot resurrect endpoints.</summary>
    Stale = 2,
}
