using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using TradingAgents.Actors.Client.Calls;
using TradingAgents.Actors.Client.Hosting;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Client.Http;

/// <summary>
/// Resends a request that failed on one instance, up to <see cref="ServiceDiscoveryOptions.MaxRetries"/>
/// times with exponential backoff and jitter (Polly), following <see cref="RetryRules"/>. Sits before
/// <see cref="ServiceDiscoveryHandler"/>, which picks an instance not tried yet for each resend.
/// </summary>
internal sealed class ServiceDiscoveryRetryHandler(
    IOptionsMonitor<ServiceDiscoveryOptions> discoveryOptions,
    IOptionsMonitor<TradingAgentsClientOptions> clientOptions,
    TimeProvider timeProvider) : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("TradingAgents.Actors.Request");

    // A reference, so that concurrent requests read a whole entry or none.
    private PipelineEntry? _cached;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pipeline = GetPipeline();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            return await pipeline.ExecuteAsync(
                static (context, handler) => new ValueTask<HttpResponseMessage>(
                    handler.SendOnceAsync(context.Properties.GetValue(RequestKey, null!), context.CancellationToken)),
                context,
                this).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    // Options may be reloaded; rebuilding only on a change keeps the common path allocation-free.
    private ResiliencePipeline<HttpResponseMessage> GetPipeline()
    {
        var maxRetries = discoveryOptions.CurrentValue.MaxRetries;
        var client = clientOptions.CurrentValue;
        if (_cached is { } cached && cached.MaxRetries == maxRetries && cached.Delay == client.RetryBaseDelay && cached.Jitter == client.RetryJitter)
        {
            return cached.Pipeline;
        }

        var pipeline = Build(maxRetries, client.RetryBaseDelay, client.RetryJitter, timeProvider);
        _cached = new PipelineEntry(maxRetries, client.RetryBaseDelay, client.RetryJitter, pipeline);
        return pipeline;
    }

    private static ResiliencePipeline<HttpResponseMessage> Build(int maxRetries, TimeSpan delay, bool jitter, TimeProvider timeProvider)
    {
        if (maxRetries <= 0)
        {
            return ResiliencePipeline<HttpResponseMessage>.Empty;
        }

        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = delay,
                UseJitter = jitter,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args, maxRetries)),
            })
            .Build();
    }

    /// <summary>
    /// The retry rules, then the service's fleet-wide retry budget. A refused retry is not sent: the caller
    /// gets the failed attempt's response or exception, as after the last attempt.
    /// </summary>
    private static bool ShouldRetry(RetryPredicateArguments<HttpResponseMessage> args, int maxRetries)
    {
        var request = args.Context.Properties.GetValue(RequestKey, null!);
        if (args.AttemptNumber >= maxRetries || !RetryRules.ShouldRetry(args.Outcome, request.Method))
        {
            return false;
        }

        return DiscoveryRequestState.Find(request)?.Router is not { } router || router.TryRetry();
    }

    private sealed record PipelineEntry(int MaxRetries, TimeSpan Delay, bool Jitter, ResiliencePipeline<HttpResponseMessage> Pipeline);
}
