using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using TradingAgents.Actors.Client.Calls;
using TradingAgents.Actors.Client.Hosting;
using TradingAgents.Actors.Client.Metrics;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;

namespace TradingAgents.Actors.Client.Http;

/// <summary>
/// Resolves the request URI's host (<c>http://data-service/api/v1/...</c>) as a logical service name
/// through its <see cref="IServiceGrain"/>, sends the request to the chosen instance, and reports the
/// outcome to the instance's <see cref="IInstanceGrain"/> exactly once per selection.
/// </summary>
/// <remarks>
/// <para>
/// Each attempt gets the service's timeout (<see cref="ServiceDiscoveryOptions.GetTimeout"/>); when it
/// fires the attempt is reported as a failure and a <see cref="TimeoutRejectedException"/> naming the
/// service, the instance and the timeout is thrown. Connection failures, broken responses and 5xx are
/// reported as failures; any response below 500 (4xx included) as a success of the instance. A call
/// cancelled by its caller is reported as a success with its latency: the instance did nothing wrong,
/// and the report is still needed to release the in-flight count and any half-open trial lease.
/// </para>
/// <para>
/// When the grains select nothing, a <see cref="ServiceUnavailableException"/> (an
/// <see cref="HttpRequestException"/>) carries the status and the grain's reason; no request is sent.
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
    IGrainFactory grainFactory,
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
        if (state.Attempts++ == 0)
        {
            metrics.RecordServiceCall(service);
        }
        else
        {
            metrics.RecordRetry(service);
        }

        SelectedEndpoint endpoint;
        try
        {
            endpoint = await SelectAsync(state).ConfigureAwait(false);
        }
        catch (Exception)
        {
            MarkFailed(state);
            throw;
        }

        state.TriedInstanceIds.Add(endpoint.InstanceId);
        request.RequestUri = Rewrite(state.LogicalUri, endpoint);
        var timeout = state.Timeout ?? discoveryOptions.CurrentValue.GetTimeout(service);

        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linkedSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var started = timeProvider.GetTimestamp();
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, linkedSource.Token).ConfigureAwait(false);
            if (state.BufferContent)
            {
                await response.Content.LoadIntoBufferAsync(linkedSource.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            await ReportAsync(endpoint, CallOutcome.Succeeded(timeProvider.GetElapsedTime(started), endpoint.IsTrial)).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException ex) when (timeoutSource.IsCancellationRequested)
        {
            response?.Dispose();
            var elapsed = timeProvider.GetElapsedTime(started);
            var message = $"Call to service '{service}' instance {endpoint.InstanceId} timed out after {timeout.TotalSeconds:0.###} s.";
            await CompleteFailedAsync(state, endpoint, elapsed, ClientInstruments.Timeout, message).ConfigureAwait(false);
            throw new TimeoutRejectedException(message, timeout, ex);
        }
        catch (HttpRequestException ex)
        {
            response?.Dispose();
            var message = $"Call to service '{service}' instance {endpoint.InstanceId} failed: {ex.Message}";
            await CompleteFailedAsync(state, endpoint, timeProvider.GetElapsedTime(started), ClientInstruments.Failure, message).ConfigureAwait(false);
            throw new HttpRequestException(ex.HttpRequestError, message, ex, ex.StatusCode);
        }
        catch (Exception ex)
        {
            response?.Dispose();
            var message = $"Call to service '{service}' instance {endpoint.InstanceId} failed: {ex.GetType().Name}: {ex.Message}";
            await CompleteFailedAsync(state, endpoint, timeProvider.GetElapsedTime(started), ClientInstruments.Failure, message).ConfigureAwait(false);
            throw;
        }

        var latency = timeProvider.GetElapsedTime(started);
        if (RetryRules.IsServerError(response.StatusCode))
        {
            var error = $"HTTP {(int)response.StatusCode} {response.StatusCode}";
            await CompleteFailedAsync(state, endpoint, latency, ClientInstruments.Failure, error).ConfigureAwait(false);
            return response;
        }

        if (state.FailureCounted)
        {
            state.FailureCounted = false;
            metrics.RevokeFailure(service);
        }

        instruments.RecordCallDuration(service, endpoint.InstanceId, ClientInstruments.Success, latency);
        await ReportAsync(endpoint, CallOutcome.Succeeded(latency, endpoint.IsTrial)).ConfigureAwait(false);
        return response;
    }

    private static Uri Rewrite(Uri logical, SelectedEndpoint endpoint) =>
        new UriBuilder(logical) { Host = endpoint.Host, Port = endpoint.Port }.Uri;

    private async ValueTask<SelectedEndpoint> SelectAsync(DiscoveryRequestState state)
    {
        var service = state.Service;
        var grain = grainFactory.GetGrain<IServiceGrain>(service);
        var zone = clientOptions.CurrentValue.PreferredZone;
        var tried = state.TriedInstanceIds;

        var selection = await SelectOnceAsync(grain, service, tried.Count == 0 && zone is null ? null : new SelectionRequest([.. tried], zone)).ConfigureAwait(false);

        // Every other instance is out; the one that failed before is still better than none.
        if (selection.Status == SelectionStatus.NoneSelectable && tried.Count > 0)
        {
            selection = await SelectOnceAsync(grain, service, zone is null ? null : new SelectionRequest(ImmutableArray<string>.Empty, zone)).ConfigureAwait(false);
        }

        if (!selection.IsSelected)
        {
            LogNoInstance(logger, service, selection.Status, selection.Reason);
            throw new ServiceUnavailableException(service, selection.Status, selection.Reason);
        }

        return selection.Endpoint;
    }

    private async ValueTask<Selection> SelectOnceAsync(IServiceGrain grain, string service, SelectionRequest? request)
    {
        metrics.RecordDiscoveryCall(service);
        instruments.RecordDiscoveryCall(service);
        return await grain.SelectAsync(request).ConfigureAwait(false);
    }

    private async ValueTask CompleteFailedAsync(DiscoveryRequestState state, SelectedEndpoint endpoint, TimeSpan latency, string outcome, string error)
    {
        MarkFailed(state);
        LogAttemptFailed(logger, state.Service, endpoint.InstanceId, state.Attempts, error);
        instruments.RecordCallDuration(state.Service, endpoint.InstanceId, outcome, latency);
        await ReportAsync(endpoint, CallOutcome.Failed(latency, error, endpoint.IsTrial)).ConfigureAwait(false);
    }

    private void MarkFailed(DiscoveryRequestState state)
    {
        if (!state.FailureCounted)
        {
            state.FailureCounted = true;
            metrics.RecordFailure(state.Service);
        }
    }

    private async ValueTask ReportAsync(SelectedEndpoint endpoint, CallOutcome outcome)
    {
        try
        {
            var instance = grainFactory.GetGrain<IInstanceGrain>(InstanceKey.Format(endpoint.Service, endpoint.InstanceId));
            await instance.ReportOutcomeAsync(outcome).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The call itself is done; a lost report costs one sample of the instance's statistics,
            // which must not turn a served request into an error.
            LogReportFailed(logger, ex, endpoint.Service, endpoint.InstanceId);
        }
    }
}
