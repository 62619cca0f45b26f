using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// Turns every log off once <see cref="Silence"/> is called: after a failed start the silo's
/// non-graceful shutdown logs warnings and stack traces that only bury the one message that matters.
/// It changes the logger filter options, so loggers already handed out go quiet too.
/// </summary>
internal sealed class LogSilencer : IOptionsChangeTokenSource<LoggerFilterOptions>, IPostConfigureOptions<LoggerFilterOptions>
{
    private CancellationTokenSource _changed = new();
    private volatile bool _silenced;

    public string? Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    public void PostConfigure(string? name, LoggerFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_silenced)
        {
            options.Rules.Clear();
            options.MinLevel = LogLevel.None;
        }
    }

    public void Silence()
    {
        _silenced = true;
        var changed = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        changed.Cancel();
        changed.Dispose();
    }
}
