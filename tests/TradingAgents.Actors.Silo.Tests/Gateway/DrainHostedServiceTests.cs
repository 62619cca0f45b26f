using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.Silo.Gateway;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Gateway;

public sealed class DrainHostedServiceTests
{
    [Fact]
    public async Task StoppingAsync_RequestsOutliveTheBudget_SaysSoThenSaysWhenTheyEnded()
    {
        var time = new FakeTimeProvider();
        var drain = new DrainCoordinator();
        using var logs = new CollectingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        var service = new DrainHostedService(drain, new Lifetime(), Options.Create(new GatewayOptions { DrainTimeoutSeconds = 30 }), time, factory.CreateLogger<DrainHostedService>());
        Assert.True(drain.TryEnter());
        Assert.True(drain.TryEnter());

        var stopping = service.StoppingAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(30));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(4));
        drain.Exit();
        drain.Exit();
        await service.LateDrain.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(
            [
                "Draining: 2 proxied request(s) in flight, waiting up to 30 s",
                "Drain budget of 30 s spent with 2 proxied request(s) still in flight; shutting down anyway: the server waits for them until the host's shutdown timeout and then cuts them",
                "Drained: the last proxied request ended 34.0 s after draining began, past the drain budget",
            ],
            logs.Entries.Select(e => e.Message));
    }

    [Fact]
    public async Task StoppingAsync_RequestsEndWithinBudget_SaysDrained()
    {
        var time = new FakeTimeProvider();
        var drain = new DrainCoordinator();
        using var logs = new CollectingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        var service = new DrainHostedService(drain, new Lifetime(), Options.Create(new GatewayOptions { DrainTimeoutSeconds = 30 }), time, factory.CreateLogger<DrainHostedService>());
        Assert.True(drain.TryEnter());

        var stopping = service.StoppingAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(3));
        drain.Exit();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["Draining: 1 proxied request(s) in flight, waiting up to 30 s", "Drained: no proxied request in flight"], logs.Entries.Select(e => e.Message));
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
