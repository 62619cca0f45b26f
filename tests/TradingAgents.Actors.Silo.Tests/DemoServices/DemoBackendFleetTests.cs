using System.Net;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.DemoServices;

public sealed class DemoBackendFleetTests
{
    [Fact]
    public async Task StartAsync_TwoPerService_StartsNamedInstancesOnDistinctPorts()
    {
        await using var fleet = await DemoBackendFleet.StartAsync(new DemoBackendFleetOptions { InstancesPerService = 2 });
        using var client = new HttpClient();

        Assert.Equal(8, fleet.Backends.Count);
        Assert.Equal(8, fleet.Backends.Select(backend => backend.Port).Distinct().Count());
        Assert.Equal(["data-service-1", "data-service-2"], fleet[DemoServiceKind.DataService].Select(backend => backend.InstanceName));
        foreach (var backend in fleet.Backends)
        {
            Assert.Equal("127.0.0.1", backend.Host);
            using var health = await client.GetAsync(new Uri(backend.BaseAddress, "health"));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal([backend.InstanceName], health.Headers.GetValues(DemoBackend.InstanceHeader));
            Assert.Equal([backend.ServiceName], health.Headers.GetValues(DemoBackend.ServiceHeader));
        }
    }

    [Fact]
    public async Task StartAsync_OneService_OnlyThatServiceAndItsOwnPaths()
    {
        await using var fleet = await DemoBackendFleet.StartAsync(new DemoBackendFleetOptions
        {
            InstancesPerService = 1,
            Services = [DemoServiceKind.MemoryService],
        });
        var memory = Assert.Single(fleet.Backends);
        using var client = new HttpClient { BaseAddress = memory.BaseAddress };

        using var own = await client.PostJsonAsync("/api/v1/memory/search", new { collection_name = "c", query = "q" });
        using var foreign = await client.GetAsync("/api/v1/data/stock?symbol=AAPL");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        var missing = Assert.Throws<KeyNotFoundException>(() => fleet[DemoServiceKind.DataService]);
        Assert.Equal("This fleet runs no data-service instances.", missing.Message);
    }

    [Fact]
    public async Task DisposeAsync_Fleet_KillsEveryInstance()
    {
        var fleet = await DemoBackendFleet.StartAsync(new DemoBackendFleetOptions { InstancesPerService = 1 });

        await fleet.DisposeAsync();

        Assert.All(fleet.Backends, backend => Assert.False(backend.IsRunning));
    }

    [Theory]
    [InlineData(DemoServiceKind.AnalysisEngine, 0, 8005)]
    [InlineData(DemoServiceKind.AnalysisEngine, 2, 8025)]
    [InlineData(DemoServiceKind.DataService, 1, 8013)]
    [InlineData(DemoServiceKind.LlmService, 2, 8024)]
    [InlineData(DemoServiceKind.MemoryService, 0, 8006)]
    public void StandardPort_ServiceAndIndex_SeedPortPlusTenPerIndex(DemoServiceKind service, int index, int expected) =>
        Assert.Equal(expected, DemoBackendFleet.StandardPort(service, index));

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public async Task StartAsync_InstanceCountOutOfRange_ThrowsNamingIt(int count)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            DemoBackendFleet.StartAsync(new DemoBackendFleetOptions { InstancesPerService = count }));

        Assert.StartsWith($"InstancesPerService must be from 1 to 10; was {count}.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_PortTaken_ThrowsAndLeavesNothingRunning()
    {
        await using var occupant = await DemoBackend.StartAsync(new DemoBackendOptions { Service = DemoServiceKind.DataService });
        var taken = occupant.Port;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => DemoBackendFleet.StartAsync(new DemoBackendFleetOptions
        {
            InstancesPerService = 2,
            Services = [DemoServiceKind.LlmService],
            PortSelector = (_, index) => index == 1 ? taken : 0,
        }));

        Assert.StartsWith($"llm-service instance 'llm-service-2' could not listen on 127.0.0.1:{taken}", error.Message, StringComparison.Ordinal);
    }
}
