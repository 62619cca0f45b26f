using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// Turns every log off once <see cref="Silence"/> is called: after a failed start the silo's
/// non-graceful shutdown logs warnings and stack traces that only bury the one message that matters.
/// Between <see cref="BeginStart"/> and <see cref="EndStart"/> it keeps the silo's own reports of a
/// failed start out (Orleans logs the exception that stops start-up, with its stack trace, once per
/// layer it passes: membership, the lifecycle stage, the lifecycle, the silo): that exception reaches
/// the caller of StartAsync, which reports it as one message. Only those categories, only below
/// Critical, and only while starting: a running gateway logs as configured.
/// It changes the logger filter options, so loggers already handed out go quiet too.
/// </summary>
internal sealed class LogSilencer : IOptionsChangeTokenSource<LoggerFilterOptions>, IPostConfigureOptions<LoggerFilterOptions>
{
    /// <summary>The categories (prefixes) that log a failed silo start; quiet between <see cref="BeginStart"/> and <see cref="EndStart"/>.</summary>
    internal static readonly string[] StartFailureCategories =
    [
        "Orleans.Runtime.MembershipService.MembershipTableManager",
        "Orleans.Runtime.SiloLifecycleSubject",
        "Orleans.Runtime.Silo",
    ];

    private CancellationTokenSource _changed = new();
    private volatile bool _silenced;
    private volatile bool _starting;

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
        else if (_starting)
        {
            foreach (var category in StartFailureCategories)
            {
                options.Rules.Add(new LoggerFilterRule(providerName: null, category, LogLevel.Critical, filter: null));
            }
        }
    }

    /// <summary>Start-up begins: the silo's reports of a failed start stay out of the log.</summary>
    public void BeginStart()
    {
        _starting = true;
        Changed();
    }

    /// <summary>Start-up succeeded: every category logs as configured again.</summary>
    public void EndStart()
    {
        _starting = false;
        Changed();
    }

    public void Silence()
    {
        _silenced = true;
        Changed();
    }

    private void Changed()
    {
        var changed = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        changed.Cancel();
        changed.Dispose();
    }
}
