using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Client.Hosting;
using TradingAgents.Actors.Client.Http;

namespace TradingAgents.Actors.Tests.Hosting;

public sealed class TradingAgentsClientRegistrationTests
{
    [Fact]
    public void AddTradingAgentsClient_NullServices_ThrowsNamingTheParameter()
    {
        var error = Assert.Throws<ArgumentNullException>(() => TradingAgentsClientServiceCollectionExtensions.AddTradingAgentsClient(null!));

        Assert.Equal("services", error.ParamName);
    }

    [Fact]
    public void AddServiceDiscovery_NullBuilder_ThrowsNamingTheParameter()
    {
        var error = Assert.Throws<ArgumentNullException>(() => ServiceDiscoveryHttpClientBuilderExtensions.AddServiceDiscovery(null!));

        Assert.Equal("builder", error.ParamName);
    }

    [Fact]
    public void AddTradingAgentsClient_CalledTwice_AddsTheHandlersOnceAndAppliesBothConfigurations()
    {
        var services = new ServiceCollection();

        // Building the handlers needs a grain factory; this test never sends, so it is never called.
        services.AddSingleton(DispatchProxy.Create<IGrainFactory, UnusedProxy>());
        services.AddTradingAgentsClient(o => o.RetryBaseDelay = TimeSpan.FromMilliseconds(50));
        services.AddTradingAgentsClient(o => o.PreferredZone = "zone-a");
        using var provider = services.BuildServiceProvider();

        var factoryOptions = provider.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(TradingAgentsClientOptions.HttpClientName);
        var builder = new RecordingBuilder(provider);
        foreach (var action in factoryOptions.HttpMessageHandlerBuilderActions)
        {
            action(builder);
        }

        Assert.Equal(2, builder.AdditionalHandlers.Count);
        Assert.Equal("ServiceDiscoveryRetryHandler", builder.AdditionalHandlers[0].GetType().Name);
        Assert.IsType<ServiceDiscoveryHandler>(builder.AdditionalHandlers[1]);
        var options = provider.GetRequiredService<IOptions<TradingAgentsClientOptions>>().Value;
        Assert.Equal((TimeSpan.FromMilliseconds(50), "zone-a"), (options.RetryBaseDelay, options.PreferredZone));
    }

    [Fact]
    public void Options_NegativeDelayAndBlankZone_ReportsBothProperties()
    {
        var services = new ServiceCollection();
        services.AddTradingAgentsClient(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromSeconds(-1);
            o.PreferredZone = " ";
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TradingAgentsClientOptions>>().Value);

        Assert.Equal(
            [
                "RetryBaseDelay must be between 0 and 1 day, but is -00:00:01.",
                "PreferredZone must be null or a zone name, but is blank.",
            ],
            error.Failures);
    }

    private sealed class RecordingBuilder(IServiceProvider services) : HttpMessageHandlerBuilder
    {
        public override string? Name { get; set; }

        public override HttpMessageHandler PrimaryHandler { get; set; } = new HttpClientHandler();

        public override IList<DelegatingHandler> AdditionalHandlers { get; } = [];

        public override IServiceProvider Services => services;

        public override HttpMessageHandler Build() => CreateHandlerPipeline(PrimaryHandler, AdditionalHandlers);
    }

    public class UnusedProxy : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"{targetMethod?.Name} was not expected in a registration test.");
    }
}
