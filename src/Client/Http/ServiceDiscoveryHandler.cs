using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using TradingAgents.Actors.Calls;
using TradingAgents.Actors.Client.Calls;
using TradingAgents.Actors.Client.Hosting;
using TradingAgents.Actors.Client.Metrics;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Client.Http;

/// <summary>
/// Resolves the request URI's host (<c>http://data-service/api/v1/...</c>) as a logical service name
/// through this process's router for that service (<see cref="ServiceRouters"/>: a local pick from the
/// routing snapshot its service grain pushed, no grain call per request), sends the request to the chosen
/// instance, and completes the call on the router exactly once with the shared
/// <see cref="AttemptClassifier"/>'s verdict; the router streams it to the instance grain in the background.
/// </summary>
/// <remarks>
/// <para>
/// Each attempt gets the service's attempt timeout (<see cref="ServiceDiscoveryOptions.GetAttemptTimeout"/>),
/// cut to what is left of the request's deadline (<see cref="ServiceDiscoveryOptions.GetTimeout"/>, shared by
/// all attempts); when it fires the attempt is a failure and a <see cref="TimeoutRejectedException"/> naming the service, the
/// instance and the timeout is thrown. Connection failures, broken responses and 5xx are failures; 429
/// (and 503 with <c>Retry-After</c>) is backpressure; any other response is a success of the instance.
/// A call cancelled by its caller is neither: it only releases its in-flight slot and trial lease.
/// </para>
/// <para>
/// When the router admits nothing, a <see cref="ServiceUnavailableException"/> (an
/// <see cref="HttpRequestException"/>) carries the status and the reason; no request is sent.
/// </para>
/// <para>
/// The instances tried are kept in <see cref="HttpRequestMessage.Options"/>, so a retry handler placed
/// before this one that resends the same request message gets a different instance when another
/// exists. Hedging, which sends one request on several attempts at once, is not supported.
/// </para>
/// <para>
/// Latency and the timeout cover the response headers; the body is read by the caller afterwards
/// (<see cref="ServiceCaller"/> asks for the body to be read inside the attempt).
/// </para>
/// </remarks>
public sealed partial class ServiceDiscoveryHandler(
    ServiceRouters routers,
    IOptionsMonitor<ServiceDiscoveryOptions> discoveryOptions,
    IOptionsMonitor<TradingAgentsClientOptions> clientOptions,
    ServiceCallMetrics metrics,
    ClientInstruments instruments,
    TimeProvider timeProvider,
    ILogger<ServiceDiscoveryHandler> logger) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var state = DiscoveryRequestState.GetOrCreate(request);
        var service = state.Service;
        var discovery = discoveryOptions.CurrentValue;
        if (state.Attempts++ == 0)
        {
            state.StartedAt = timeProvider.GetTimestamp();
            metrics.RecordServiceCall(service);
        }
        else
        {
            metrics.RecordRetry(service);
        }

        // One deadline per request (the service's timeout): retries and their delays share it.
        var deadline = discovery.GetTimeout(service);
        var remaining = deadline - timeProvider.GetElapsedTime(state.StartedAt);
        if (state.Attempts > 1 && remaining <= TimeSpan.Zero)
        {
            MarkFailed(state);
            throw new TimeoutRejectedException(
                $"Call to service '{service}' did not finish within its deadline of {deadline.TotalSeconds:0.###} s ({state.Attempts - 1} attempt(s)).", deadline);
        }

        var router = await routers.GetReadyAsync(service, cancellationToken).ConfigureAwait(false);
        metrics.RecordDiscoveryCall(service);
        instruments.RecordDiscoveryCall(service);
        if (!router.TryPick(state.TriedInstanceIds, clientOptions.CurrentValue.PreferredZone, out var call, out var failure))
        {
            MarkFailed(state);
            LogNoInstance(logger, service, failure.Status, failure.Reason);
            throw new ServiceUnavailableException(service, failure.Status, failure.Reason);
        }

        var endpoint = call.Endpoint;
        if (state.Router is null)
        {
            // A request counts toward the retry budget once, at its first attempt.
            router.OnRequest();
        }

        state.Router = router;
        state.TriedInstanceIds.Add(endpoint.InstanceId);
        request.RequestUri = Rewrite(state.LogicalUri, endpoint.Instance);
        var attemptTimeout = state.Timeout ?? discovery.GetAttemptTimeout(service);
        var timeout = state.Timeout is null && remaining > TimeSpan.Zero && remaining < attemptTimeout ? remaining : attemptTimeout;

        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linkedSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var started = timeProvider.GetTimestamp();
        HttpResponseMessage? response = null;
        Exception? error = null;
        try
        {
            response = await base.SendAsync(request, linkedSource.Token).ConfigureAwait(false);
            if (state.BufferContent)
            {
                await response.Content.LoadIntoBufferAsync(linkedSource.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            response?.Dispose();
            response = null;
            error = ex;
        }

        var latency = timeProvider.GetElapsedTime(started);
        var callerGaveUp = cancellationToken.IsCancellationRequested;
        var timedOut = !callerGaveUp && timeoutSource.IsCancellationRequested;
        var status = response is null ? 0 : (int)response.StatusCode;
        var retryAfter = response is null ? null : RetryAfter(response);
        var verdict = AttemptClassifier.Classify(callerGaveUp, timedOut, timeout, timedOut ? null : error, status, retryAfter);
        router.Complete(call, verdict.Kind, latency, verdict.Failure, verdict.RetryAfter);

        switch (verdict.Kind)
        {
            case OutcomeKind.Cancelled:
                instruments.RecordCallDuration(service, ClientInstruments.Cancelled, latency);
                ExceptionDispatchInfo.Throw(error ?? new OperationCanceledException(cancellationToken));
                break;
            case OutcomeKind.Failure when response is null:
                var message = $"Call to service '{service}' instance {endpoint.InstanceId} {(timedOut ? $"timed out after {timeout.TotalSeconds:0.###} s" : "failed: " + verdict.Failure)}.";
                RecordFailed(state, endpoint.InstanceId, latency, timedOut ? ClientInstruments.Timeout : ClientInstruments.Failure, message);
                if (timedOut)
                {
                    throw new TimeoutRejectedException(message, timeout, error ?? new OperationCanceledException());
                }

                throw error is HttpRequestException http
                    ? new HttpRequestException(http.HttpRequestError, message, http, http.StatusCode)
                    : new HttpRequestException(message, error);
            case OutcomeKind.Failure or OutcomeKind.Backpressure:
                RecordFailed(state, endpoint.InstanceId, latency, ClientInstruments.OutcomeOf(verdict.Kind, timedOut: false), $"HTTP {status} {response!.StatusCode}");
                return response!;
        }

        if (state.FailureCounted)
        {
            state.FailureCounted = false;
            metrics.RevokeFailure(service);
        }

        instruments.RecordCallDuration(service, ClientInstruments.Success, latency);
        return response!;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - timeProvider.GetUtcNow() is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero,
            _ => null,
        };

    private static Uri Rewrite(Uri logical, RoutingInstance instance) =>
        new UriBuilder(logical) { Host = instance.Host, Port = instance.Port }.Uri;

    private void RecordFailed(DiscoveryRequestState state, string instanceId, TimeSpan latency, string outcome, string error)
    {
        MarkFailed(state);
        LogAttemptFailed(logger, state.Service, instanceId, state.Attempts, error);
        instruments.RecordCallDuration(state.Service, outcome, latency);
    }

    private void MarkFailed(DiscoveryRequestState state)
    {
        if (!state.FailureCounted)
        {
            state.FailureCounted = true;
            metrics.RecordFailure(state.Service);
        }
    }
}
