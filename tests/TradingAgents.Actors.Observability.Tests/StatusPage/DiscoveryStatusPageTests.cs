using System.Net;
using Microsoft.Playwright;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.StatusPage;

/// <summary>The /discovery page in headless Chromium (the Debian package; Playwright's own download is not used).</summary>
[Collection(GatewayCollection.Name)]
public sealed class DiscoveryStatusPageTests(GatewayFixture gateway)
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Fact]
    public async Task Page_ServesHtmlWithAContentSecurityPolicy()
    {
        using var response = await gateway.GetAsync("/discovery");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_WithTrailingSlash_RedirectsToThePageItsRelativeUrlsWorkFrom()
    {
        using var response = await gateway.GetAsync("/discovery/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/discovery", response.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public Task Page_CircuitOpensForOneInstance_ShowsEveryServiceAndThatInstanceOpen() => WithPageAsync(async (page, profile) =>
    {
        foreach (var service in gateway.Backends.Keys)
        {
            await Assertions.Expect(page.Locator($"section[data-service='{service}'] h2")).ToHaveTextAsync(service);

            // The gateway's router for the service (warmed at start-up) and how old its snapshot is.
            await Assertions.Expect(page.Locator($"section[data-service='{service}'] .meta")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"routing snapshot v\d+, \d+\.\d s old"));
            // Issue 12: the fleet's retry budget and this gateway's zone affinity, per service.
            await Assertions.Expect(page.Locator($"section[data-service='{service}'] [data-field='retry-budget']")).ToContainTextAsync(
                new System.Text.RegularExpressions.Regex(@"retry budget \(fleet, 10 s window, 0\.2 × requests \+ 10/s\): \d+ retries of \d+ requests, \d+ left, \d+ router\(s\) · this gateway \((fleet|local)\)"));
            await Assertions.Expect(page.Locator($"section[data-service='{service}'] [data-field='zone-affinity']")).ToContainTextAsync(
                "zone affinity: this gateway knows neither its zone nor its node · routing to every zone · picks in the last ");
            foreach (var backend in gateway.Backends[service])
            {
                await Assertions.Expect(page.Locator($"section[data-service='{service}'] tr[data-instance='{GatewayFixture.InstanceIdOf(backend)}']")).ToHaveCountAsync(1);
            }
        }

        var broken = gateway.Backends["llm-service"][0];
        var healthy = gateway.Backends["llm-service"][1];
        var brokenCircuit = page.Locator($"section[data-service='llm-service'] tr[data-instance='{GatewayFixture.InstanceIdOf(broken)}'] td[data-field='circuit']");
        var healthyCircuit = page.Locator($"section[data-service='llm-service'] tr[data-instance='{GatewayFixture.InstanceIdOf(healthy)}'] td[data-field='circuit']");
        await Assertions.Expect(brokenCircuit).ToHaveTextAsync("closed");

        await gateway.OpenCircuitAsync("llm-service", broken);

        await Assertions.Expect(brokenCircuit).ToHaveTextAsync("open", new LocatorAssertionsToHaveTextOptions { Timeout = 15_000 });
        await Assertions.Expect(healthyCircuit).ToHaveTextAsync("closed");

        // One of two open is within max_ejection_percent and the panic threshold: no banner. Both open: panic,
        // shown over the service (issue 12).
        var banner = page.Locator("section[data-service='llm-service'] [data-field='fleet-banner']");
        await Assertions.Expect(banner).ToHaveCountAsync(0);
        await gateway.OpenCircuitAsync("llm-service", healthy);
        await Assertions.Expect(healthyCircuit).ToHaveTextAsync("open", new LocatorAssertionsToHaveTextOptions { Timeout = 15_000 });
        await Assertions.Expect(banner).ToHaveTextAsync(
            "PANIC: 0 of 2 usable instance(s) in service (ejected: 2 circuit open), below panic_threshold 50 %; routing to every instance that is not known dead (panic_mode route_all)",
            new LocatorAssertionsToHaveTextOptions { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("section[data-service='data-service'] [data-field='fleet-banner']")).ToHaveCountAsync(0);

        // docs/discovery-page.png is made by running this test with DISCOVERY_PAGE_SCREENSHOT set.
        var screenshot = Environment.GetEnvironmentVariable("DISCOVERY_PAGE_SCREENSHOT") ?? Path.Combine(profile, "discovery-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 0);
    });

    [Fact]
    public Task Page_OperatorEjectsAnInstance_ShowsWhoAndWhyAndTheHistoryOnRequest() => WithPageAsync(async (page, _) =>
    {
        // Issue 12 item 5 on the status page.
        var ejected = gateway.Backends["memory-service"][1];
        var instanceId = GatewayFixture.InstanceIdOf(ejected);
        var row = page.Locator($"section[data-service='memory-service'] tr[data-instance='{instanceId}']");
        await Assertions.Expect(row).ToHaveCountAsync(1);

        var actions = new Uri(gateway.BaseAddress, $"/api/discovery/services/memory-service/instances/{instanceId}/");
        using (var eject = await gateway.Http.PostAsync(new Uri(actions, "eject"), JsonContent("""{"reason":"bad deploy 4.2.1","by":"alice"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, eject.StatusCode);
        }

        try
        {
            var reason = row.Locator("td[data-field='reason']");
            await Assertions.Expect(reason).ToHaveTextAsync("ejected by alice: bad deploy 4.2.1", new LocatorAssertionsToHaveTextOptions { Timeout = 15_000 });
            await Assertions.Expect(reason).ToHaveClassAsync("override");

            await row.Locator("button.history").ClickAsync();

            var history = page.Locator("section[data-service='memory-service'] tr.history li").First;
            await Assertions.Expect(history).ToContainTextAsync("operator eject · by alice · bad deploy 4.2.1", new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
            await Assertions.Expect(row.Locator("button.history")).ToHaveTextAsync("hide history");
        }
        finally
        {
            using var restore = await gateway.Http.PostAsync(new Uri(actions, "restore"), JsonContent("""{"reason":"test over","by":"test"}"""));
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        }
    });

    [Fact]
    public Task Page_SourceVersionPastJavaScriptsExactIntegers_ShowsEveryDigit() => WithPageAsync(async (page, _) =>
    {
        // 2^53 + 1: a JavaScript number rounds it to ...992. The API sends a source's 64-bit version as a
        // JSON number; the page must show what the gateway sent.
        const string Version = "9007199254740993";
        await page.RouteAsync("**/api/discovery/services/data-service", async route =>
        {
            var response = await route.FetchAsync();
            var body = System.Text.RegularExpressions.Regex.Replace(await response.TextAsync(), "(\"sources\":\\[\\{[^\\]]*?\"version\":)\\d+", "${1}" + Version);
            Assert.Contains(Version, body, StringComparison.Ordinal);
            await route.FulfillAsync(new RouteFulfillOptions { Response = response, Body = body });
        });

        var meta = page.Locator("section[data-service='data-service'] .meta");
        await Assertions.Expect(meta).ToContainTextAsync($"v{Version} (", new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
        await Assertions.Expect(meta).Not.ToContainTextAsync("9007199254740992");
    });

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>Opens /discovery in a fresh headless Chromium profile, runs <paramref name="test"/>, and asserts the page threw no script error.</summary>
    private async Task WithPageAsync(Func<IPage, string, Task> test)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install the Debian package (sudo apt-get install -y chromium), as .ci/run does.");
        var profile = Directory.CreateTempSubdirectory("ta-chromium-").FullName;
        try
        {
            using var playwright = await Playwright.CreateAsync();
            // A persistent context is how Playwright takes a fresh, empty --user-data-dir.
            await using var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                ],
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            });
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, error) => errors.Add(error);

            await page.GotoAsync(new Uri(gateway.BaseAddress, "/discovery").ToString());
            await test(page, profile);

            Assert.Empty(errors);
            await context.CloseAsync();
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
