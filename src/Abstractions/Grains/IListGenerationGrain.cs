namespace TradingAgents.Actors.Grains;

/// <summary>
/// The fleet's agreement on the list generation of one watched namespace (key: the namespace). Every
/// silo's EndpointSlice watcher asks it after each successful list; see
/// <c>TradingAgents.Actors.Discovery.ListGenerationRule</c> for the rule and docs/kubernetes.md for why.
/// </summary>
[Alias("ta.IListGenerationGrain")]
public interface IListGenerationGrain : IGrainWithStringKey
{
    /// <summary>
    /// The generation a list just made belongs to. <paramref name="known"/> is the generation the caller
    /// holds; <paramref name="versionsWentBack"/> is true when the list's resourceVersion is below one the
    /// caller saw before in that generation.
    /// </summary>
    [Alias("Agree")]
    ValueTask<long> AgreeAsync(long known, bool versionsWentBack);
}
