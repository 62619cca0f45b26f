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
/// From <see cref="BeginLeaving"/> (the gateway has drained and its routers have stopped; the silo leaves the
/// cluster next) it does the same for the categories in which Orleans logs every call or activation it can no
/// longer place on the cluster it is leaving (with one silo, onto nothing), each as an error with a stack trace,
/// through its placement retries (<c>Polly</c>) too, and for the service grains' failed last refresh: lines an
/// operator cannot act on. Membership (whether the silo left cleanly) keeps its level.
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

    /// <summary>The categories (prefixes) quieted below Critical from <see cref="BeginLeaving"/> on.</summary>
    internal static readonly string[] LeavingCategories =
    [
        "Orleans.Grain",
        "Orleans.Messaging",
        "Orleans.Runtime.Placement",
        "Polly",
        "TradingAgents.Actors.Grains.ServiceGrain",
    ];

    private CancellationTokenSource _changed = new();
    private volatile bool _silenced;
    private volatile bool _starting;
    private volatile bool _leaving;

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
        else
        {
            Quiet(options, _starting ? StartFailureCategories : []);
            Quiet(options, _leaving ? LeavingCategories : []);
        }
    }

    /// <summary>The silo leaves the cluster next: its placement and messaging errors stay out of the log.</summary>
    public void BeginLeaving()
    {
        _leaving = true;
        Changed();
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

    private static void Quiet(LoggerFilterOptions options, string[] categories)
    {
        foreach (var category in categories)
        {
            options.Rules.Add(new LoggerFilterRule(providerName: null, category, LogLevel.Critical, filter: null));
        }
    }

    private void Changed()
    {
        var changed = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        changed.Cancel();
        changed.Dispose();
    }
}
