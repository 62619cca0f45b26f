using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// The Polly retry pipeline of the forwarding path: <c>max_retries</c> retries with exponential
/// backoff and jitter, timed by the injected <see cref="TimeProvider"/>. Rebuilt only when the
/// settings it depends on change.
/// </summary>
internal sealed class GatewayRetryPipelines(
    IOptionsMonitor<ServiceDiscoveryOptions> discoveryOptions,
    IOptionsMonitor<GatewayOptions> gatewayOptions,
    TimeProvider timeProvider)
{
    private Entry? _current;

    /// <summary>The pipeline for the current settings, and how many attempts it allows in total.</summary>
    public (ResiliencePipeline<AttemptResult> Pipeline, int MaxAttempts) Get()
    {
        var maxRetries = Math.Max(0, discoveryOptions.CurrentValue.MaxRetries);
        var gateway = gatewayOptions.CurrentValue;
        var key = (maxRetries, gateway.RetryBaseDelayMilliseconds, gateway.RetryMaxDelayMilliseconds);
        var current = _current;
        if (current is null || current.Key != key)
        {
            current = new Entry(key, Build(key));
            _current = current;
        }

        return (current.Pipeline, maxRetries + 1);
    }

    private ResiliencePipeline<AttemptResult> Build((int MaxRetries, double BaseMs, double MaxMs) key)
    {
        if (key.MaxRetries == 0)
        {
            return ResiliencePipeline<AttemptResult>.Empty;
        }

        return new ResiliencePipelineBuilder<AttemptResult> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<AttemptResult>
            {
                MaxRetryAttempts = key.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(key.BaseMs),
                MaxDelay = TimeSpan.FromMilliseconds(key.MaxMs),
                // Only the attempt itself knows whether the request may be sent again.
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result.Retry),
            })
            .Build();
    }

    private sealed record Entry((int MaxRetries, double BaseMs, double MaxMs) Key, ResiliencePipeline<AttemptResult> Pipeline);
}
