namespace TradingAgents.Actors.Tests.Fakes;

/// <summary>One request the fake API server received, as the tests assert on it.</summary>
/// <param name="Path">Request path.</param>
/// <param name="IsWatch">True for <c>watch=true</c>.</param>
/// <param name="ResourceVersion">The <c>resourceVersion</c> query value, or null.</param>
/// <param name="LabelSelector">The <c>labelSelector</c> query value, or null.</param>
/// <param name="Continue">The <c>continue</c> query value, or null.</param>
/// <param name="TimeoutSeconds">The <c>timeoutSeconds</c> query value, or null.</param>
/// <param name="AllowBookmarks">True when <c>allowWatchBookmarks=true</c>.</param>
public sealed record FakeRequest(
    string Path,
    bool IsWatch,
    string? ResourceVersion,
    string? LabelSelector,
    string? Continue,
    int? TimeoutSeconds,
    bool AllowBookmarks)
{
    /// <summary>True for a list (not a watch) request.</summary>
    public bool IsList => !IsWatch;
}
