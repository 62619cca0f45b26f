using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Polly;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using Yarp.ReverseProxy.Forwarder;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Forwards <c>/{service}/{**path}</c> to an instance chosen by the service's grain, reports each
/// attempt's outcome to the instance's grain, and retries on another instance when that is safe:
/// always when the request never reached a backend, and on 5xx or timeouts only for idempotent methods.
/// </summary>
public sealed partial class ServiceForwarder(
    IHttpForwarder forwarder,
    GatewayHttpInvoker invoker,
    IGrainFactory grainFactory,
    EndpointCatalog catalog,
    IOptionsMonitor<ServiceDiscoveryOptions> discoveryOptions,
    IOptionsMonitor<GatewayOptions> gatewayOptions,
    DrainCoordinator drain,
    SuccessReportBatcher successes,
    IGatewayObserver observer,
    TimeProvider timeProvider,
    ILogger<ServiceForwarder> logger)
{
    private readonly GatewayRetryPipelines _retries = new(discoveryOptions, gatewayOptions, timeProvider);
    private readonly ConcurrentDictionary<TimeSpan, ForwarderRequestConfig> _requestConfigs = new();
    private readonly ConcurrentDictionary<string, string> _prefixes = new(StringComparer.Ordinal);
    private readonly NoneSelectableLog _noneSelectable = new(logger, timeProvider);

    /// <summary>Answers one request whose first path segment is <paramref name="service"/>.</summary>
    public async Task ForwardAsync(HttpContext context, string service)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(service);
        var started = timeProvider.GetTimestamp();
        if (!drain.TryEnter())
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Gateway is shutting down",
                "This gateway is draining for shutdown and takes no new requests; retry on another gateway.", service,
                gatewayOptions.CurrentValue.RetryAfterSeconds).ConfigureAwait(false);
            Complete(context, service, GatewayResult.Draining, 0, started);
            return;
        }

        try
        {
            var (result, attempts) = await ForwardAdmittedAsync(context, service).ConfigureAwait(false);
            Complete(context, service, result, attempts, started);
        }
        finally
        {
            drain.Exit();
        }
    }

    private async Task<(GatewayResult Result, int Attempts)> ForwardAdmittedAsync(HttpContext context, string service)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (ReservedPaths.IsReserved(service) || path.Length < service.Length + 1 || string.CompareOrdinal(path, 1, service, 0, service.Length) != 0)
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Not found",
                $"'{path}' is not a gateway route.", service: null).ConfigureAwait(false);
            return (GatewayResult.Rejected, 0);
        }

        // The catalog answers from this silo's memory; asking the grain would activate one per typo.
        if (!catalog.IsKnown(service))
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Unknown service",
                $"Service '{service}' is neither configured nor discovered.", service).ConfigureAwait(false);
            return (GatewayResult.UnknownService, 0);
        }

        if (!await RouteFilter.AdmitAsync(context, service, path, discoveryOptions.CurrentValue).ConfigureAwait(false))
        {
            return (GatewayResult.Rejected, 0);
        }

        var gateway = gatewayOptions.CurrentValue;
        var request = context.Request;
        if (request.ContentLength > gateway.MaxRequestBodyBytes)
        {
            await GatewayProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"The request body of {request.ContentLength} bytes exceeds the limit of {gateway.MaxRequestBodyBytes} bytes (Gateway:MaxRequestBodyBytes).", service).ConfigureAwait(false);
            return (GatewayResult.Rejected, 0);
        }

        var timeout = discoveryOptions.CurrentValue.GetTimeout(service);
        var (pipeline, maxAttempts) = _retries.Get();
        var state = new ForwardingState(
            this,
            context,
            service,
            new ForwardingTransformer(new PathString(path[(service.Length + 1)..]), request.QueryString),
            _requestConfigs.GetOrAdd(timeout, static t => new ForwarderRequestConfig
            {
                // YARP's activity timeout: the response headers, and then every gap in the body,
                // must come within the service's timeout. Pooled by YARP: no timer per request here.
                ActivityTimeout = t,
                Version = System.Net.HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            }),
            timeout,
            maxAttempts,
            IsIdempotent(request.Method));

        try
        {
            if (!await BufferBodyAsync(state, gateway).ConfigureAwait(false))
            {
                return (GatewayResult.Rejected, 0);
            }

            await pipeline.ExecuteAsync(
                static (s, _) => s.Forwarder.AttemptAsync(s),
                state,
                context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away during a retry delay: nobody is left to answer.
            state.Result = GatewayResult.ClientAborted;
        }
        finally
        {
            if (state.Body is { } body)
            {
                ArrayPool<byte>.Shared.Return(body);
            }
        }

        return (state.Result, state.Attempt);
    }

    private async ValueTask<AttemptResult> AttemptAsync(ForwardingState state)
    {
        var context = state.Context;
        state.Attempt++;
        var isLast = state.Attempt >= state.MaxAttempts;
        var grain = grainFactory.GetGrain<IServiceGrain>(state.Service);
        var selection = await grain.SelectAsync(state.Tried.Count == 0 ? null : SelectionRequest.Excluding(state.Tried)).ConfigureAwait(false);
        if (!selection.IsSelected && state.Tried.Count > 0 && selection.Status == SelectionStatus.NoneSelectable)
        {
            // Only instances already tried are left: a second try there beats giving up.
            selection = await grain.SelectAsync().ConfigureAwait(false);
        }

        if (!selection.IsSelected)
        {
            state.Attempt--;
            await WriteNoSelectionAsync(state, selection).ConfigureAwait(false);
            return AttemptResult.Done;
        }

        var endpoint = selection.Endpoint;
        if (!state.Tried.Contains(endpoint.InstanceId))
        {
            state.Tried.Add(endpoint.InstanceId);
        }

        PrepareAttempt(state);
        var transformer = state.Transformer;
        transformer.HoldBackServerErrors = !isLast && state.Idempotent && state.Replayable;
        transformer.HeldBackStatus = 0;

        var begin = timeProvider.GetTimestamp();
        var error = await forwarder.SendAsync(context, DestinationPrefix(endpoint), invoker.Invoker, state.RequestConfig, transformer).ConfigureAwait(false);
        var latency = timeProvider.GetElapsedTime(begin);

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        var clientAborted = context.RequestAborted.IsCancellationRequested;
        var neverReached = error is ForwarderError.Request or ForwarderError.RequestTimedOut && IsConnectFailure(exception);
        var timedOut = !clientAborted && !neverReached && error is ForwarderError.RequestTimedOut or ForwarderError.ResponseBodyCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestCanceled;
        var status = transformer.HeldBackStatus != 0 ? transformer.HeldBackStatus : context.Response.StatusCode;
        string? failure = null;
        if (clientAborted)
        {
            // The client gave up; that says nothing about the instance.
        }
        else if (timedOut)
        {
            failure = $"timed out after {state.Timeout.TotalSeconds:0.###} s";
            status = StatusCodes.Status504GatewayTimeout;
        }
        else if (error != ForwarderError.None && !IsClientSide(error))
        {
            failure = $"{error}: {exception?.GetBaseException().Message ?? "no detail"}";
        }
        else if (error == ForwarderError.None && status >= StatusCodes.Status500InternalServerError)
        {
            failure = $"status {status}";
        }

        if (failure is not null || endpoint.IsTrial)
        {
            // Failures and trial outcomes change the breaker: the next selection, this request's
            // retry included, must see them.
            await ReportAsync(state.Service, endpoint, new CallOutcome(failure is null, latency, endpoint.IsTrial, failure)).ConfigureAwait(false);
        }
        else if (!successes.TryAdd(state.Service, endpoint.InstanceId, latency))
        {
            // Plain successes only feed statistics and stay off the request's path (ReportAsync never throws).
            _ = ReportAsync(state.Service, endpoint, CallOutcome.Succeeded(latency));
        }

        var canSendAgain = state.Replayable && !context.Response.HasStarted && !clientAborted;
        var retry = !isLast && failure is not null && canSendAgain && (neverReached || state.Idempotent);
        observer.OnAttempt(new GatewayAttempt(state.Service, endpoint.InstanceId, state.Attempt, failure is null, status, latency, failure, retry));
        if (retry)
        {
            LogRetrying(logger, context.Request.Method, state.Service, endpoint.InstanceId, state.Attempt, failure!);
            state.LastFailure = (timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
                $"Instance {endpoint.InstanceId} failed: {failure}.");
            return AttemptResult.Again;
        }

        await FinishAsync(state, error, clientAborted, timedOut, failure, endpoint.InstanceId).ConfigureAwait(false);
        return AttemptResult.Done;
    }

    private void PrepareAttempt(ForwardingState state)
    {
        var context = state.Context;
        if (state.Attempt > 1)
        {
            // What a failed attempt left behind must not leak into the next one.
            context.Response.Clear();
            context.Features.Set<IForwarderErrorFeature>(null);
        }

        if (state.Body is { } body)
        {
            // A fresh stream per attempt: the request's pipe reader wraps whatever Body is now.
            context.Request.Body = new MemoryStream(body, 0, state.BodyLength, writable: false);
        }
    }

    private async Task FinishAsync(ForwardingState state, ForwarderError error, bool clientAborted, bool timedOut, string? failure, string instanceId)
    {
        var context = state.Context;
        if (clientAborted)
        {
            state.Result = GatewayResult.ClientAborted;
            return;
        }

        if (timedOut)
        {
            state.Result = GatewayResult.TimedOut;
            await GatewayProblems.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "Gateway timeout",
                $"Service '{state.Service}' (instance {instanceId}) did not answer within {state.Timeout.TotalSeconds:0.###} s.", state.Service).ConfigureAwait(false);
            return;
        }

        if (error != ForwarderError.None && !context.Response.HasStarted)
        {
            var status = context.Response.StatusCode;
            state.Result = status >= 500 ? GatewayResult.BadGateway : GatewayResult.Rejected;
            var detail = IsClientSide(error)
                ? $"The request could not be read: {error}."
                : $"Instance {instanceId} of '{state.Service}' failed: {failure}.";
            await GatewayProblems.WriteAsync(context, status, status >= 500 ? "Bad gateway" : "Bad request", detail, state.Service).ConfigureAwait(false);
            return;
        }

        state.Result = error == ForwarderError.None ? GatewayResult.Forwarded : GatewayResult.BadGateway;
    }

    private async Task WriteNoSelectionAsync(ForwardingState state, Selection selection)
    {
        var context = state.Context;
        var reason = selection.Reason ?? selection.Status.ToString();
        if (state.LastFailure is { } last)
        {
            state.Result = last.StatusCode == StatusCodes.Status504GatewayTimeout ? GatewayResult.TimedOut : GatewayResult.BadGateway;
            await GatewayProblems.WriteAsync(context, last.StatusCode, last.StatusCode == StatusCodes.Status504GatewayTimeout ? "Gateway timeout" : "Bad gateway",
                $"{last.Detail} No other instance is selectable: {reason}", state.Service).ConfigureAwait(false);
            return;
        }

        if (selection.Status == SelectionStatus.UnknownService)
        {
            state.Result = GatewayResult.UnknownService;
            await GatewayProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Unknown service", reason, state.Service).ConfigureAwait(false);
            return;
        }

        state.Result = GatewayResult.NoSelectableInstance;
        var retryAfter = await GetRetryAfterSecondsAsync(state.Service).ConfigureAwait(false);
        _noneSelectable.Rejected(state.Service, reason);
        await GatewayProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "No instance available", reason, state.Service, retryAfter).ConfigureAwait(false);
    }

    /// <summary>
    /// Seconds after which a selection may succeed again: the breaker's recovery time when an instance's
    /// circuit is open (it turns half-open by then at the latest), else the configured default.
    /// </summary>
    internal async Task<int> GetRetryAfterSecondsAsync(string service)
    {
        var fallback = gatewayOptions.CurrentValue.RetryAfterSeconds;
        try
        {
            var snapshot = await grainFactory.GetGrain<IServiceGrain>(service).GetSnapshotAsync().ConfigureAwait(false);
            if (snapshot.Instances.Any(i => i.Circuit == CircuitState.Open))
            {
                return Math.Max(1, (int)Math.Ceiling(discoveryOptions.CurrentValue.CircuitBreaker.RecoveryTimeout.TotalSeconds));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSnapshotFailed(logger, service, ex);
        }

        return fallback;
    }

    private async Task<bool> BufferBodyAsync(ForwardingState state, GatewayOptions gateway)
    {
        var request = state.Context.Request;
        var canHaveBody = state.Context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (!canHaveBody || request.ContentLength == 0)
        {
            return true;
        }

        if (request.ContentLength is not { } length || length > gateway.MaxReplayableBodyBytes)
        {
            state.Replayable = false;
            return true;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        state.Body = buffer;
        state.BodyLength = (int)length;
        try
        {
            await request.Body.ReadExactlyAsync(buffer.AsMemory(0, (int)length), state.Context.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException)
        {
            await GatewayProblems.WriteAsync(state.Context, StatusCodes.Status400BadRequest, "Bad request",
                $"The request body could not be read: {ex.Message}", state.Service).ConfigureAwait(false);
            return false;
        }
    }

    private async ValueTask ReportAsync(string service, SelectedEndpoint endpoint, CallOutcome outcome)
    {
        try
        {
            await grainFactory.GetGrain<IInstanceGrain>(InstanceKey.Format(service, endpoint.InstanceId)).ReportOutcomeAsync(outcome).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The request's answer must not depend on bookkeeping; a lost report only weakens the breaker.
            LogReportFailed(logger, service, endpoint.InstanceId, ex);
        }
    }

    private string DestinationPrefix(SelectedEndpoint endpoint) =>
        _prefixes.TryGetValue(endpoint.InstanceId, out var prefix) ? prefix : _prefixes.GetOrAdd(endpoint.InstanceId, static id => $"http://{id}/");

    private void Complete(HttpContext context, string service, GatewayResult result, int attempts, long started) =>
        observer.OnCompleted(new GatewayCompletion(service, context.Request.Method, context.Response.StatusCode, result, attempts, timeProvider.GetElapsedTime(started)));

    /// <summary>GET, HEAD, PUT, DELETE and OPTIONS: safe to send twice.</summary>
    internal static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) || HttpMethods.IsOptions(method);

    /// <summary>True when the failure happened before any byte of the request reached the instance.</summary>
    internal static bool IsConnectFailure(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }:
                    return true;
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostNotFound }:
                    return true;
                case TimeoutException when exception is OperationCanceledException:
                    // SocketsHttpHandler's ConnectTimeout: cancelled with a TimeoutException inside.
                    return true;
            }
        }

        return false;
    }

    /// <summary>Errors caused by the client (or its going away), which say nothing about the instance.</summary>
    private static bool IsClientSide(ForwarderError error) => error is ForwarderError.RequestBodyClient
        or ForwarderError.ResponseBodyClient
        or ForwarderError.RequestCanceled
        or ForwarderError.RequestBodyCanceled
        or ForwarderError.ResponseBodyCanceled
        or ForwarderError.UpgradeRequestClient
        or ForwarderError.UpgradeResponseClient
        or ForwarderError.UpgradeRequestCanceled
        or ForwarderError.UpgradeResponseCanceled;

    [LoggerMessage(EventId = 2000, Level = LogLevel.Debug, Message = "{Method} to {Service}: attempt {Attempt} on {Instance} failed ({Failure}); retrying on another instance")]
    private static partial void LogRetrying(ILogger logger, string method, string service, string instance, int attempt, string failure);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Could not report the outcome of a call to {Service} instance {Instance}")]
    private static partial void LogReportFailed(ILogger logger, string service, string instance, Exception exception);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Could not read the snapshot of {Service} for Retry-After")]
    private static partial void LogSnapshotFailed(ILogger logger, string service, Exception exception);
}
