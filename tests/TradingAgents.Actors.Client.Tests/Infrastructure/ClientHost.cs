using TradingAgents.Actors.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TradingAgents.Actors.Client.Calls;
using TradingAgents.Actors.Client.Hosting;
using TradingAgents.Actors.Client.Metrics;
using TradingAgents.Actors.Client.TradingAgents;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// The client library in its own container, talking to the cluster through the cluster client as an
/// external process would. Its clock is fake: attempt timeouts fire only when a test advances it, and
/// retries wait no time (zero base delay).
/// </summary>
public sealed class ClientHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public ClientHost(ClientClusterFixture fixture, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IGrainFactory>(fixture.Client);
        services.AddSingleton<TimeProvider>(Time);
        services.Configure<ServiceDiscoveryOptions>(options => options.MaxRetries = 3);
        services.AddTradingAgentsClient(options =>
        {
            options.RetryBaseDelay = TimeSpan.Zero;
            options.RetryJitter = false;
        });
        configure?.Invoke(services);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public TimerWatchingTimeProvider Time { get; } = new();

    public IServiceProvider Services => _services;

    public ServiceCaller Caller => _services.GetRequiredService<ServiceCaller>();

    public TradingAgentsClient TradingAgents => _services.GetRequiredService<TradingAgentsClient>();

    public ServiceCallMetrics Metrics => _services.GetRequiredService<ServiceCallMetrics>();

    /// <summary>Sends the routers' pending outcomes to the instance grains (plain successes are batched).</summary>
    public Task FlushOutcomesAsync() => _services.GetRequiredService<ServiceRouters>().FlushAsync();

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
