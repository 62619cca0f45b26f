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
    int maxAttempts,
    bool idempotent)
{
    public ServiceForwarder Forwarder { get; } = forwarder;

    /// <summary>The service's router in this process.</summary>
    public ServiceRouter Router { get; } = router;

    public HttpContext Context { get; } = context;

    public string Service { get; } = service;

    public ForwardingTransformer Transformer { get; } = transformer;


    public TimeSpan Timeout { get; } = timeout;

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
