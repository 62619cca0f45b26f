using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Once the gateway has drained and its routers have stopped, the silo leaves the cluster. While it does, Orleans
/// tries to place grain calls and migrate activations onto a cluster it is leaving (with one silo, onto nothing)
/// and logs each failed attempt as an error with a stack trace, through its placement retries (category
/// <c>Polly</c>) as well; the service grains' last refresh fails the same way. Those lines say nothing an
/// operator can act on, so from that point these categories log only <see cref="LogLevel.Critical"/>. Membership
/// (whether the silo left cleanly) and everything else keep their levels.
/// </summary>
internal sealed class ShutdownLogQuieting : IOptionsChangeTokenSource<LoggerFilterOptions>, IPostConfigureOptions<LoggerFilterOptions>
{
    /// <summary>Categories quieted while the silo leaves (prefixes, as logging filter rules match them).</summary>
    internal static readonly string[] Categories =
    [
        "Orleans.Grain",
        "Orleans.Messaging",
        "Orleans.Runtime.Placement",
        "Polly",
        "TradingAgents.Actors.Grains.ServiceGrain",
    ];

    private CancellationTokenSource _changed = new();
    private volatile bool _quiet;

    public string? Name => Options.DefaultName;

    /// <summary>True once <see cref="Quiet"/> was called.</summary>
    public bool IsQuiet => _quiet;

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    public void PostConfigure(string? name, LoggerFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_quiet)
        {
            foreach (var category in Categories)
            {
                options.Rules.Add(new LoggerFilterRule(providerName: null, category, LogLevel.Critical, filter: null));
            }
        }
    }

    /// <summary>Quiets <see cref="Categories"/> from now on (the loggers pick the new rules up at once).</summary>
    public void Quiet()
    {
        if (_quiet)
        {
            return;
        }

        _quiet = true;
        var changed = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        changed.Cancel();
        changed.Dispose();
    }
}
