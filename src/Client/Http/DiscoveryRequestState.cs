namespace TradingAgents.Actors.Client.Http;

/// <summary>
/// What one logical request carries across its attempts, kept in <see cref="HttpRequestMessage.Options"/>
/// so that any retry handler outside <see cref="ServiceDiscoveryHandler"/> (ours, Polly's, the standard
/// resilience handler) resends to a different instance. Attempts of one request are sequential, so no locking.
/// </summary>
internal sealed class DiscoveryRequestState(string service, Uri logicalUri)
{
    private static readonly HttpRequestOptionsKey<DiscoveryRequestState> Key = new("TradingAgents.Actors.ServiceDiscovery");

    /// <summary>Logical service name (the host of <see cref="LogicalUri"/> unless set by a caller).</summary>
    public string Service { get; } = service;

    /// <summary>The URI before rewriting, with the logical service name as host.</summary>
    public Uri LogicalUri { get; } = logicalUri;

    /// <summary>Instances tried so far, oldest first.</summary>
    public List<string> TriedInstanceIds { get; } = [];

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the first attempt; the request's deadline counts from it.</summary>
    public long StartedAt { get; set; }

    /// <summary>Attempts started so far.</summary>
    public int Attempts { get; set; }

    /// <summary>True while a failure of this request is counted in <see cref="Metrics.ServiceCallMetrics"/>.</summary>
    public bool FailureCounted { get; set; }

    /// <summary>Per-attempt timeout for this request; null for the service's configured timeout.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Read the whole body inside the attempt, so its latency and timeout cover it.</summary>
    public bool BufferContent { get; init; }

    /// <summary>The router of the latest attempt: the retry handler spends the service's retry budget on it.</summary>
    public Actors.Routing.ServiceRouter? Router { get; set; }

    /// <summary>The instance of the latest attempt, if any.</summary>
    public string? LastInstanceId => TriedInstanceIds.Count == 0 ? null : TriedInstanceIds[^1];

    /// <summary>Attaches a state chosen by the caller (service name, timeout) before the request is sent.</summary>
    public static void Attach(HttpRequestMessage request, DiscoveryRequestState state) => request.Options.Set(Key, state);

    /// <summary>The state of <paramref name="request"/>, if one is attached.</summary>
    public static DiscoveryRequestState? Find(HttpRequestMessage request) =>
        request.Options.TryGetValue(Key, out var state) ? state : null;

    /// <summary>The state of <paramref name="request"/>, made from its URI on the first attempt.</summary>
    public static DiscoveryRequestState GetOrCreate(HttpRequestMessage request)
    {
        if (Find(request) is { } existing)
        {
            return existing;
        }

        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri)
        {
            throw new InvalidOperationException(
                $"Service discovery needs an absolute request URI whose host is the logical service name (e.g. http://data-service/api/v1/...), but the request URI is '{uri}'. Set HttpClient.BaseAddress.");
        }

        var state = new DiscoveryRequestState(uri.IdnHost, uri);
        Attach(request, state);
        return state;
    }
}
