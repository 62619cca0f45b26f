using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>The state one request carries across its attempts.</summary>
internal sealed class ForwardingState(
    ServiceForwarder forwarder,
    ServiceRouter router,
    HttpContext context,
    string service,
    ForwardingTransformer transformer,
    TimeSpan timeout,
    TimeSpan attemptTimeout,
    long startedAt,
    int maxAttempts,
    bool idempotent)
{
    public ServiceForwarder Forwarder { get; } = forwarder;

    /// <summary>The service's router in this process.</summary>
    public ServiceRouter Router { get; } = router;

    public HttpContext Context { get; } = context;

    public string Service { get; } = service;

    public ForwardingTransformer Transformer { get; } = transformer;


    /// <summary>The request's deadline across all attempts (the service's <c>timeout</c>).</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>The longest one attempt may take (<c>attempt_timeout</c>, at most <see cref="Timeout"/>).</summary>
    public TimeSpan AttemptTimeout { get; } = attemptTimeout;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the request was admitted.</summary>
    public long StartedAt { get; } = startedAt;

    /// <summary>The timeout the current attempt runs with: the attempt timeout or what is left of the deadline.</summary>
    public TimeSpan CurrentAttemptTimeout { get; set; }

    public int MaxAttempts { get; } = maxAttempts;

    public bool Idempotent { get; } = idempotent;

    /// <summary>The request body held in memory for replay; null when the request has none or it is not replayable.</summary>
    public byte[]? Body { get; set; }

    public int BodyLength { get; set; }

    /// <summary>False when the body streams through once and cannot be sent again.</summary>
    public bool Replayable { get; set; } = true;

    public int Attempt { get; set; }

    public List<string> Tried { get; } = new(2);

    public GatewayResult Result { get; set; } = GatewayResult.Forwarded;

    /// <summary>Status and description of the last failed attempt that was retried.</summary>
    public (int StatusCode, string Detail)? LastFailure { get; set; }
}
