using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using TradingAgents.Actors.Silo.Api;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.StatusPage;

/// <summary>
/// The status page's share of traffic covers the last 30 s: an instance that stops taking traffic (its
/// circuit opened) drops to 0 % once its calls are older than the window, instead of keeping its share
/// since start. The window's clock is a fake one (keyed to the window alone); the rest of the gateway runs on real time.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ShareOfTrafficTests
{
    private static readonly LocatorAssertionsToHaveTextOptions Refreshed = new() { Timeout = 15_000 };

    [Fact]
    public async Task Page_InstanceStopsTakingTraffic_ItsShareDropsToZeroAfterTheWindow()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        await using var gateway = await ConfiguredGateway.StartAsync(
            static (first, second) => $$"""
                service_discovery:
                  load_balancing:
                    algorithm: round_robin
                    health_check:
                      enabled: false
                  services:
                    data-service:
                      port: 8003
                      endpoints:
                        - { address: {{ConfiguredGateway.Address(first)}}, name: {{first.InstanceName}} }
                        - { address: {{ConfiguredGateway.Address(second)}}, name: {{second.InstanceName}} }
                """,
            services => services.AddKeyedSingleton<TimeProvider>(RecentPicks.ClockKey, clock));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(new Uri(gateway.BaseAddress, "/discovery").ToString());
        var first = Row(page, gateway.First);
        var second = Row(page, gateway.Second);

        // The instance's name beside its address.
        await Assertions.Expect(first.Locator("td").Nth(0).Locator("span.name")).ToHaveTextAsync($"{ConfiguredGateway.Address(gateway.First)} ({gateway.First.InstanceName})");
        await Assertions.Expect(second.Locator("td").Nth(0).Locator("span.name")).ToHaveTextAsync($"{ConfiguredGateway.Address(gateway.Second)} ({gateway.Second.InstanceName})");

        var answered = await gateway.CallDataServiceAsync(10);
        Assert.Equal(5, answered.Count(n => n == gateway.First.InstanceName));
        await Assertions.Expect(Share(first)).ToHaveTextAsync("50.0 %", Refreshed);
        await Assertions.Expect(Share(second)).ToHaveTextAsync("50.0 %", Refreshed);
        clock.Advance(RecentPicks.SampleInterval);

        // The first instance stops taking traffic; its earlier calls are still inside the window.
        await gateway.OpenCircuitAsync(gateway.First);
        await Assertions.Expect(first.Locator("td[data-field='circuit']")).ToHaveTextAsync("open", Refreshed);
        Assert.All(await gateway.CallDataServiceAsync(10), n => Assert.Equal(gateway.Second.InstanceName, n));
        await Assertions.Expect(Share(first)).ToHaveTextAsync("25.0 %", Refreshed);
        await Assertions.Expect(Share(second)).ToHaveTextAsync("75.0 %", Refreshed);

        // 30 s later its calls have left the window: no historic share.
        clock.Advance(RecentPicks.Window);
        await Assertions.Expect(Share(first)).ToHaveTextAsync("0.0 %", Refreshed);
        await Assertions.Expect(Share(second)).ToHaveTextAsync("100.0 %", Refreshed);

        // The picks column still counts since the instance appeared.
        await Assertions.Expect(first.Locator("td").Nth(8)).ToHaveTextAsync("5");
        await Assertions.Expect(second.Locator("td").Nth(8)).ToHaveTextAsync("15");
        Assert.Empty(errors);
    }

    private static ILocator Row(IPage page, DemoBackend backend) =>
        page.Locator($"section[data-service='data-service'] tr[data-instance='{ConfiguredGateway.Address(backend)}']");

    private static ILocator Share(ILocator row) => row.Locator("td").Nth(9);
}
