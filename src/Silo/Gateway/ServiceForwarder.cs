using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Polly;
using TradingAgents.Actors.Calls;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Forwards <c>/{service}/{**path}</c> to an instance its service's router picks from local state (no
/// grain call per request), completes each attempt on the router with the shared
/// <see cref="AttemptClassifier"/>'s verdict, and retries on another instance when
/// <see cref="RetryRules"/> allow it: always when the request never reached an instance, and after a
/// 5xx, a timeout or backpressure only for idempotent methods, within the request's deadline.
/// </summary>
public sealed partial class ServiceForwarder(
    IHttpForwarder forwarder,
    GatewayHttpInvoker invoker,
    ServiceRouters routers,
    EndpointCatalog catalog,
    IOptionsMonitor<ServiceDiscoveryOptions> discoveryOptions,
    IOptionsMonitor<GatewayOptions> gatewayOptions,
    DrainCoordinator drain,
    IGatewayObserver observer,
    TimeProvider timeProvider,
    ILogger<ServiceForwarder> logger)
{
    private readonly GatewayRetryPipelines _retries = new(discoveryOptions, gatewayOptions, timeProvider);
    private readonly ConcurrentDictionary<TimeSpan, ForwarderRequestConfig> _requestConfigs = new();
    private readonly NoneSelectableLog _noneSelectable = new(logger, timeProvider);
    private readonly DeadlineExceededLog _deadlineExceeded = new(logger, timeProvider);

    /// <summary>Logs the rate-limited warnings' held-back counts now: the gateway is stopping and their timers would not fire.</summary>
    internal void FlushHeldBackLogs()
    {
        _noneSelectable.FlushHeldBack();
        _deadlineExceeded.FlushHeldBack();
        observer.OnStopping();
    }

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

        var discovery = discoveryOptions.CurrentValue;
        var timeout = discovery.GetTimeout(service);
        var (pipeline, maxAttempts) = _retries.Get();
        var router = await routers.GetReadyAsync(service, context.RequestAborted).ConfigureAwait(false);
        var state = new ForwardingState(
            this,
            router,
            context,
            service,
            new ForwardingTransformer(new PathString(path[(service.Length + 1)..]), request.QueryString),
            timeout,
            discovery.GetAttemptTimeout(service),
            timeProvider.GetTimestamp(),
            maxAttempts,
            RetryRules.IsIdempotent(request.Method));

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

        if (state.Result == GatewayResult.TimedOut)
        {
            _deadlineExceeded.TimedOut(service, state.Tried, state.Attempt, state.Timeout, timeProvider.GetElapsedTime(state.StartedAt));
        }

        return (state.Result, state.Attempt);
    }

    private async ValueTask<AttemptResult> AttemptAsync(ForwardingState state)
    {
        var context = state.Context;
        var remaining = state.Timeout - timeProvider.GetElapsedTime(state.StartedAt);
        if (state.Attempt > 0 && remaining < MinimumAttempt)
        {
            // One deadline per request: retries and their delays share the service's timeout.
            await WriteDeadlineExceededAsync(state).ConfigureAwait(false);
            return AttemptResult.Done;
        }

        state.Attempt++;
        var isLast = state.Attempt >= state.MaxAttempts;
        state.CurrentAttemptTimeout = RoundUp(remaining < state.AttemptTimeout ? remaining : state.AttemptTimeout);
        if (!state.Router.TryPick(state.Tried, preferredZone: null, out var call, out var failure))
        {
            state.Attempt--;
            await WriteNoSelectionAsync(state, failure).ConfigureAwait(false);
            return AttemptResult.Done;
        }

        var endpoint = call.Endpoint;
        if (state.Attempt == 1)
        {
            // A request counts toward the retry budget once, at its first attempt.
            state.Router.OnRequest();
        }

        if (!state.Tried.Contains(endpoint.InstanceId))
        {
            state.Tried.Add(endpoint.InstanceId);
        }

        PrepareAttempt(state);
        var transformer = state.Transformer;
        // With the retry budget already spent, the instance's own answer goes to the client as it is.
        var retryable = !isLast && state.Idempotent && state.Replayable;
        transformer.HoldBackServerErrors = retryable && state.Router.RetryBudget.CanRetry;
        transformer.HeldBackStatus = 0;
        transformer.HeldBackRetryAfter = null;

        var begin = timeProvider.GetTimestamp();
        var error = await forwarder.SendAsync(context, endpoint.DestinationPrefix, invoker.Invoker, RequestConfig(state.CurrentAttemptTimeout), transformer).ConfigureAwait(false);
        var latency = timeProvider.GetElapsedTime(begin);

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        var aborted = context.RequestAborted.IsCancellationRequested;
        var connectFailure = error is ForwarderError.Request or ForwarderError.RequestTimedOut && AttemptClassifier.IsConnectFailure(exception);

        // YARP's activity timeout surfaces as RequestTimedOut before the response and as a cancelled
        // body after it; only the client's own abort makes a cancellation the caller's.
        var cancelled = error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled;
        var timedOut = !aborted && !connectFailure && (error is ForwarderError.RequestTimedOut || cancelled);
        var callerGaveUp = aborted || (IsClientSide(error) && !cancelled);
        var status = transformer.HeldBackStatus != 0 ? transformer.HeldBackStatus : context.Response.StatusCode;
        var retryAfter = RetryRules.ParseRetryAfter(transformer.HeldBackRetryAfter ?? (error == ForwarderError.None ? context.Response.Headers.RetryAfter.ToString() : null), timeProvider.GetUtcNow());
        var verdict = AttemptClassifier.Classify(
            callerGaveUp,
            timedOut,
            state.CurrentAttemptTimeout,
            error == ForwarderError.None ? null : exception ?? new HttpRequestException(error.ToString()),
            error == ForwarderError.None ? status : 0,
            retryAfter);

        // Recorded locally and streamed to the instance grain in the background: nothing here waits.
        state.Router.Complete(call, verdict.Kind, latency, verdict.Failure, verdict.RetryAfter);

        var canSendAgain = state.Replayable && !context.Response.HasStarted && !callerGaveUp;
        var retry = !isLast && canSendAgain && RetryRules.MayRetry(verdict, state.Idempotent);
        var budgetRefused = retry && !state.Router.TryRetry();
        retry &= !budgetRefused;
        if (!retry && retryable && !transformer.HoldBackServerErrors && !callerGaveUp && context.Response.HasStarted && RetryRules.MayRetry(verdict, state.Idempotent))
        {
            // The answer went to the client because the budget was empty when the attempt started: a refusal too.
            state.Router.RetryRefused();
        }
        var reportedStatus = verdict.TimedOut ? StatusCodes.Status504GatewayTimeout : status;
        observer.OnAttempt(new GatewayAttempt(state.Service, endpoint.InstanceId, state.Attempt, verdict.Kind is OutcomeKind.Success or OutcomeKind.Cancelled, reportedStatus, latency, verdict.Failure, retry, verdict.Kind, verdict.TimedOut));
        if (retry)
        {
            LogRetrying(logger, context.Request.Method, state.Service, endpoint.InstanceId, state.Attempt, verdict.Failure ?? verdict.Kind.ToString());
            state.LastFailure = verdict.Kind == OutcomeKind.Backpressure
                ? (status, $"Instance {endpoint.InstanceId} answered {status} (backpressure).")
                : (verdict.TimedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway, $"Instance {endpoint.InstanceId} failed: {verdict.Failure}.");
            return AttemptResult.Again;
        }

        if (budgetRefused && transformer.HeldBackStatus != 0)
        {
            await WriteBudgetRefusedAsync(state, endpoint.InstanceId, transformer).ConfigureAwait(false);
            return AttemptResult.Done;
        }

        await FinishAsync(state, error, verdict, endpoint.InstanceId).ConfigureAwait(false);
        return AttemptResult.Done;
    }

    /// <summary>
    /// A retry the budget refused after the instance's answer was held back for it: the client gets that
    /// answer's status (and its Retry-After) as a problem naming the budget; the body is gone.
    /// </summary>
    private async Task WriteBudgetRefusedAsync(ForwardingState state, string instanceId, ForwardingTransformer transformer)
    {
        var status = transformer.HeldBackStatus;
        state.Result = GatewayResult.BadGateway;
        var retryAfter = RetryRules.ParseRetryAfter(transformer.HeldBackRetryAfter, timeProvider.GetUtcNow()) is { } delay
            ? (int?)Math.Max(0, (int)Math.Ceiling(delay.TotalSeconds))
            : null;
        await GatewayProblems.WriteAsync(state.Context, status, status == StatusCodes.Status429TooManyRequests ? "Instance busy" : "Bad gateway",
            $"Instance {instanceId} of '{state.Service}' answered {status}; not retried because the service's retry budget is exhausted (retry_budget).", state.Service,
            retryAfter).ConfigureAwait(false);
    }

    /// <summary>An attempt needs at least this much of the deadline left to be worth starting.</summary>
    private static readonly TimeSpan MinimumAttempt = TimeSpan.FromMilliseconds(100);

    /// <summary>Attempt timeouts are pooled per value: rounded up to 100 ms so that a shrinking deadline reuses a few configs.</summary>
    private static TimeSpan RoundUp(TimeSpan timeout)
    {
        const long step = TimeSpan.TicksPerMillisecond * 100;
        return TimeSpan.FromTicks(Math.Max(step, (timeout.Ticks + step - 1) / step * step));
    }

    private async Task WriteDeadlineExceededAsync(ForwardingState state)
    {
        state.Result = GatewayResult.TimedOut;
        var last = state.LastFailure is { } failure ? $" Last attempt: {failure.Detail}" : string.Empty;
        await GatewayProblems.WriteAsync(state.Context, StatusCodes.Status504GatewayTimeout, "Gateway timeout",
            $"Service '{state.Service}' did not answer within its deadline of {state.Timeout.TotalSeconds:0.###} s ({state.Attempt} attempt(s)).{last}", state.Service).ConfigureAwait(false);
    }

    /// <summary>
    /// YARP's per-attempt settings: the activity timeout (the response headers, and then every gap in the
    /// body, must come within the service's timeout), HTTP/1.1 or lower. Pooled per timeout: no timer or
    /// allocation per request here.
    /// </summary>
    private ForwarderRequestConfig RequestConfig(TimeSpan timeout) =>
        _requestConfigs.GetOrAdd(timeout, static t => new ForwarderRequestConfig
        {
            ActivityTimeout = t,
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        });

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

    private async Task FinishAsync(ForwardingState state, ForwarderError error, AttemptVerdict verdict, string instanceId)
    {
        var context = state.Context;
        if (verdict.Kind == OutcomeKind.Cancelled && context.RequestAborted.IsCancellationRequested)
        {
            state.Result = GatewayResult.ClientAborted;
            return;
        }

        if (verdict.TimedOut)
        {
            state.Result = GatewayResult.TimedOut;
            if (!context.Response.HasStarted)
            {
                await GatewayProblems.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "Gateway timeout",
                    $"Service '{state.Service}' (instance {instanceId}) did not answer within {state.CurrentAttemptTimeout.TotalSeconds:0.###} s.", state.Service).ConfigureAwait(false);
            }

            return;
        }

        if (error != ForwarderError.None && !context.Response.HasStarted)
        {
            var status = context.Response.StatusCode;
            state.Result = status >= 500 ? GatewayResult.BadGateway : GatewayResult.Rejected;
            var detail = IsClientSide(error)
                ? $"The request could not be read: {error}."
                : $"Instance {instanceId} of '{state.Service}' failed: {verdict.Failure}.";
            await GatewayProblems.WriteAsync(context, status, status >= 500 ? "Bad gateway" : "Bad request", detail, state.Service).ConfigureAwait(false);
            return;
        }

        state.Result = error == ForwarderError.None ? GatewayResult.Forwarded : GatewayResult.BadGateway;
    }

    private async Task WriteNoSelectionAsync(ForwardingState state, RouteFailure failure)
    {
        var context = state.Context;
        var reason = failure.Reason;
        if (state.LastFailure is { } last)
        {
            state.Result = last.StatusCode == StatusCodes.Status504GatewayTimeout ? GatewayResult.TimedOut : GatewayResult.BadGateway;
            var title = last.StatusCode switch
            {
                StatusCodes.Status504GatewayTimeout => "Gateway timeout",
                StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable => "Instance busy",
                _ => "Bad gateway",
            };
            await GatewayProblems.WriteAsync(context, last.StatusCode is >= 500 or 429 ? last.StatusCode : StatusCodes.Status502BadGateway, title,
                $"{last.Detail} No other instance is selectable: {reason}", state.Service).ConfigureAwait(false);
            return;
        }

        if (failure.Status == SelectionStatus.UnknownService)
        {
            state.Result = GatewayResult.UnknownService;
            await GatewayProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Unknown service", reason, state.Service).ConfigureAwait(false);
            return;
        }

        state.Result = GatewayResult.NoSelectableInstance;
        _noneSelectable.Rejected(state.Service, reason);
        await GatewayProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "No instance available", reason, state.Service,
            GetRetryAfterSeconds(failure)).ConfigureAwait(false);
    }

    /// <summary>
    /// Seconds after which a request may succeed again: the breaker's recovery time when an instance's
    /// circuit is open (it turns half-open by then at the latest), else the configured default.
    /// </summary>
    internal int GetRetryAfterSeconds(RouteFailure failure) =>
        failure.AnyCircuitOpen
            ? Math.Max(1, (int)Math.Ceiling(discoveryOptions.CurrentValue.CircuitBreaker.RecoveryTimeout.TotalSeconds))
            : gatewayOptions.CurrentValue.RetryAfterSeconds;

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

    private void Complete(HttpContext context, string service, GatewayResult result, int attempts, long started) =>
        observer.OnCompleted(new GatewayCompletion(service, context.Request.Method, context.Response.StatusCode, result, attempts, timeProvider.GetElapsedTime(started)));

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

}
