using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Tests.Configuration;

/// <summary>The watched namespace: the file's <c>namespace</c>, else the pod's (<c>POD_NAMESPACE</c>), else <c>trading-system</c>.</summary>
public sealed class PodNamespaceDefaultTests
{
    [Fact]
    public void Namespace_FileSetsNone_IsThePodsNamespace()
    {
        var options = Build(new() { ["POD_NAMESPACE"] = "team-a", ["service_discovery:max_retries"] = "2" });

        Assert.Equal("team-a", options.Namespace);
        Assert.Equal(2, options.MaxRetries);
    }

    [Fact]
    public void Namespace_FileSetsOne_WinsOverThePodsNamespace()
    {
        var options = Build(new() { ["POD_NAMESPACE"] = "team-a", ["service_discovery:namespace"] = "trading-system" });

        Assert.Equal("trading-system", options.Namespace);
    }

    [Fact]
    public void Namespace_NeitherSet_IsTradingSystem()
    {
        var options = Build(new() { ["POD_NAMESPACE"] = string.Empty, ["service_discovery:max_retries"] = "2" });

        Assert.Equal("trading-system", options.Namespace);
    }

    private static ServiceDiscoveryOptions Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddLogging().AddServiceDiscoveryOptions(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ServiceDiscoveryOptions>>().Value;
    }
}
