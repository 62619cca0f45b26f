using System.Globalization;
using System.Net.Sockets;

namespace TradingAgents.Actors.Health;

/// <summary>
/// One active health check: GET the service's health path on the endpoint, within a timeout measured
/// by the injected <see cref="TimeProvider"/> (so tests decide when a hung backend has timed out).
/// </summary>
internal sealed class HealthProbe(IHttpClientFactory httpClientFactory, TimeProvider timeProvider)
{
    /// <summary>Name of the pooled HttpClient used for probes.</summary>
    public const string HttpClientName = "TradingAgents.Actors.HealthProbe";

    /// <summary>
    /// Starts one probe on the thread pool and returns at once: the request, and any wait on a hung
    /// endpoint, happen outside the caller (a grain turn), and <paramref name="onResult"/> gets the result.
    /// Nothing is delivered when <paramref name="cancellationToken"/> ends the probe.
    /// </summary>
    /// <param name="target">URL to GET.</param>
    /// <param name="timeout">The probe's own timeout.</param>
    /// <param name="onResult">Receives the result (a grain sends it back to itself as a message).</param>
    /// <param name="onLost">Told when the result could not be delivered.</param>
    /// <param name="cancellationToken">Ends the probe without a result (the caller went away).</param>
    public void Start(Uri target, TimeSpan timeout, Func<HealthProbeResult, Task> onResult, Action<Exception> onLost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(onResult);
        ArgumentNullException.ThrowIfNull(onLost);
        _ = Task.Run(
            async () =>
            {
                try
                {
                    var result = await ProbeAsync(target, timeout, cancellationToken).ConfigureAwait(false);
                    await onResult(result).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // The caller went away; its result has no one to go to.
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    onLost(exception);
                }
            },
            CancellationToken.None);
    }

    public async Task<HealthProbeResult> ProbeAsync(Uri target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var success = response.IsSuccessStatusCode;
            return new(success, timeProvider.GetElapsedTime(started), string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}"));
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new(false, timeProvider.GetElapsedTime(started), string.Create(CultureInfo.InvariantCulture, $"timeout after {timeout.TotalSeconds:0.###} s"));
        }
        catch (HttpRequestException exception)
        {
            return new(false, timeProvider.GetElapsedTime(started), Describe(exception));
        }
    }

    private static string Describe(HttpRequestException exception) =>
        exception.InnerException is SocketException socket
            ? $"connection failed: {socket.SocketErrorCode}"
            : exception.HttpRequestError != HttpRequestError.Unknown
                ? $"request failed: {exception.HttpRequestError}"
                : $"request failed: {exception.Message}";
}
