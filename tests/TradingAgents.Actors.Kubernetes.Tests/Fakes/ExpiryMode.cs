namespace TradingAgents.Actors.Tests.Fakes;

/// <summary>How the fake API server answers a watch from a compacted resourceVersion.</summary>
public enum ExpiryMode
{
    /// <summary>HTTP 200, then an ERROR event carrying a 410 Expired status, then the end of the stream (what a real API server does).</summary>
    ErrorEvent = 0,

    /// <summary>HTTP 410 with a Status body.</summary>
    HttpStatus = 1,
}
