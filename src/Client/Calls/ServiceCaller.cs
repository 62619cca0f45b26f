using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TradingAgents.Actors.Client.Hosting;
using TradingAgents.Actors.Client.Http;

namespace TradingAgents.Actors.Client.Calls;

/// <summary>
/// Calls a logical service by name, the seed's <c>call_service</c>: the service grain selects an
/// instance, the request goes out through a pooled <see cref="HttpClient"/> (the named client
/// <see cref="TradingAgentsClientOptions.HttpClientName"/>), the outcome is reported to the instance
/// grain, and a failed attempt is retried on another instance with backoff.
/// </summary>
/// <remarks>
/// Each attempt is cut at the service's timeout (<c>timeout</c> of the service, else
/// <c>default_timeout</c>) and raises <see cref="Polly.Timeout.TimeoutRejectedException"/> naming the
/// service, instance and timeout. Up to <c>max_retries</c> retries follow connect failures, timeouts
/// and 5xx; 4xx are not retried; POST and PATCH are retried only when the request never reached a
/// backend. When the grains select nothing a <see cref="ServiceUnavailableException"/> is thrown.
/// </remarks>
public sealed class ServiceCaller(IHttpClientFactory httpClientFactory)
{
    /// <summary>JSON settings of <see cref="CallAsync{T}"/>: web defaults; property names come from attributes.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Sends <paramref name="method"/> <paramref name="path"/> to an instance of <paramref name="service"/>.</summary>
    /// <param name="service">Logical service name, e.g. <c>data-service</c>.</param>
    /// <param name="method">HTTP method.</param>
    /// <param name="path">Path and query relative to the instance, e.g. <c>/api/v1/data/stock?symbol=AAPL</c>.</param>
    /// <param name="content">Request body; must be readable more than once (as JSON, string and byte contents are) for retries.</param>
    /// <param name="timeout">Per-attempt timeout; null for the service's configured timeout.</param>
    /// <param name="cancellationToken">Cancels the call; a cancelled attempt does not count against the instance.</param>
    /// <returns>The response of the last attempt, body already read; a 5xx is returned when retries are exhausted.</returns>
    public Task<HttpResponseMessage> SendAsync(
        string service,
        HttpMethod method,
        string path,
        HttpContent? content = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        var request = new HttpRequestMessage(method, ToRelativeUri(path)) { Content = content };
        return SendAsync(service, request, timeout, cancellationToken);
    }

    /// <summary>Sends <paramref name="request"/>, whose URI is relative to the instance, to an instance of <paramref name="service"/>.</summary>
    /// <param name="service">Logical service name, e.g. <c>data-service</c>.</param>
    /// <param name="request">The request; its URI is a relative path and query. It is sent once per attempt.</param>
    /// <param name="timeout">Per-attempt timeout; null for the service's configured timeout.</param>
    /// <param name="cancellationToken">Cancels the call; a cancelled attempt does not count against the instance.</param>
    /// <returns>The response of the last attempt, body already read.</returns>
    public async Task<HttpResponseMessage> SendAsync(
        string service,
        HttpRequestMessage request,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var baseUri = ToServiceUri(service);
        if (timeout is { } t && t <= TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t, "The timeout must be positive or infinite.");
        }

        if (request.RequestUri is { IsAbsoluteUri: true } absolute)
        {
            throw new ArgumentException($"The request URI must be relative to the service (a path and query), but is '{absolute}'.", nameof(request));
        }

        request.RequestUri = new Uri(baseUri, request.RequestUri ?? new Uri("/", UriKind.Relative));
        DiscoveryRequestState.Attach(request, new DiscoveryRequestState(service, request.RequestUri) { Timeout = timeout, BufferContent = true });
        var client = httpClientFactory.CreateClient(TradingAgentsClientOptions.HttpClientName);
        return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="body"/> as JSON and reads the JSON answer as <typeparamref name="T"/>.
    /// </summary>
    /// <typeparam name="T">The response type.</typeparam>
    /// <param name="service">Logical service name, e.g. <c>analysis-engine</c>.</param>
    /// <param name="path">Path and query relative to the instance.</param>
    /// <param name="method">HTTP method.</param>
    /// <param name="body">Request body serialized as JSON; null for none.</param>
    /// <param name="timeout">Per-attempt timeout; null for the service's configured timeout.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deserialized answer; default for an empty body.</returns>
    /// <exception cref="ServiceCallException">The final answer was not a success status.</exception>
    /// <exception cref="ServiceUnavailableException">The grains selected no instance.</exception>
    public async Task<T?> CallAsync<T>(
        string service,
        string path,
        HttpMethod method,
        object? body = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        using var content = body is null ? null : JsonContent.Create(body, body.GetType(), options: JsonOptions);
        using var request = new HttpRequestMessage(method, ToRelativeUri(path)) { Content = content };
        using var response = await SendAsync(service, request, timeout, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new ServiceCallException(service, DiscoveryRequestState.Find(request)?.LastInstanceId, response.StatusCode, text);
        }

        if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
        {
            return default;
        }

        return await response.Content.ReadFromJsonAsync<T>(JsonOptions, cancellationToken).ConfigureAwait(false);
    }

    private static Uri ToServiceUri(string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        if (Uri.CheckHostName(service) != UriHostNameType.Dns)
        {
            throw new ArgumentException($"The service name must be a DNS name such as 'data-service', but is '{service}'.", nameof(service));
        }

        return new Uri($"http://{service}/");
    }

    private static Uri ToRelativeUri(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!Uri.TryCreate(path, UriKind.Relative, out var uri))
        {
            throw new ArgumentException($"The path must be relative to the service, such as '/api/v1/data/stock', but is '{path}'.", nameof(path));
        }

        return uri;
    }
}
