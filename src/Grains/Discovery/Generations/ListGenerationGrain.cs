using Microsoft.Extensions.Logging;
using TradingAgents.Actors.Grains;

namespace TradingAgents.Actors.Discovery;

/// <summary>
/// Holds <see cref="ListGenerationRule"/> for one namespace. Its state is only memory: a new activation
/// learns the current generation from the first watcher that reports it (see the rule).
/// </summary>
internal sealed partial class ListGenerationGrain(TimeProvider timeProvider, ILogger<ListGenerationGrain> logger) : Grain, IListGenerationGrain
{
    private readonly ListGenerationRule _rule = new();

    public ValueTask<long> AgreeAsync(long known, bool versionsWentBack)
    {
        var before = _rule.Current;
        var generation = _rule.Agree(known, versionsWentBack, timeProvider.GetUtcNow());
        if (versionsWentBack && generation != before && generation != known)
        {
            LogMoved(logger, this.GetPrimaryKeyString(), before, generation);
        }

        return ValueTask.FromResult(generation);
    }

    [LoggerMessage(EventId = 1260, Level = LogLevel.Warning, Message = "EndpointSlice resourceVersions in namespace '{Namespace}' went back; list generation {Before} -> {After}: the next list of every silo replaces the endpoints the grains hold")]
    private static partial void LogMoved(ILogger logger, string @namespace, long before, long after);
}
