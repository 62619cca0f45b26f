using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.DemoServices;

public sealed class DemoBackendOptionsTests
{
    [Theory]
    [InlineData("0.0.0.0", "Host '0.0.0.0' is a wildcard")]
    [InlineData("::", "Host '::' is a wildcard")]
    [InlineData("example.com", "Host 'example.com' is not an IP address")]
    [InlineData("", "Host is required")]
    public async Task StartAsync_BadHost_ThrowsNamingIt(string host, string expected)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DemoBackend.StartAsync(new DemoBackendOptions { Host = host }));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public async Task StartAsync_PortOutOfRange_ThrowsNamingIt(int port)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DemoBackend.StartAsync(new DemoBackendOptions { Port = port }));

        Assert.StartsWith($"Port {port} is out of range", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("data 1")]
    [InlineData("daten-ü")]
    public async Task StartAsync_BadInstanceName_ThrowsNamingIt(string name)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DemoBackend.StartAsync(new DemoBackendOptions { InstanceName = name }));

        Assert.StartsWith($"InstanceName '{name}' must be", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_Defaults_LoopbackEphemeralPortAndServiceNamedInstance()
    {
        await using var backend = await DemoBackend.StartAsync(new DemoBackendOptions { Service = DemoServiceKind.LlmService, Host = "localhost" });

        Assert.Equal("llm-service-1", backend.InstanceName);
        Assert.Equal("127.0.0.1", backend.Host);
        Assert.NotEqual(0, backend.Port);
        Assert.Equal(new Uri($"http://127.0.0.1:{backend.Port}/"), backend.BaseAddress);
    }

    [Theory]
    [InlineData("data-service", DemoServiceKind.DataService)]
    [InlineData("LLM-Service", DemoServiceKind.LlmService)]
    public void TryParse_KnownName_ReturnsKind(string name, DemoServiceKind expected)
    {
        Assert.True(DemoServiceNames.TryParse(name, out var service));
        Assert.Equal(expected, service);
    }

    [Fact]
    public void Parse_UnknownName_ListsAcceptedNames()
    {
        var error = Assert.Throws<ArgumentException>(() => DemoServiceNames.Parse("risk-service"));

        Assert.StartsWith("Unknown service 'risk-service'; accepted: analysis-engine, data-service, llm-service, memory-service.", error.Message, StringComparison.Ordinal);
    }
}
