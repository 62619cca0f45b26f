using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Gateway;

/// <summary>What the gateway logs when instances fail: one concise line where it matters, no stack traces.</summary>
[Collection(GatewayCollection.Name)]
public sealed partial class ForwardingLogTests
{
    [Fact]
    public async Task Forward_AttemptFailsAndRetrySucceeds_NoWarningNoStackTrace()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        var dead = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var logs = new CollectingLoggerProvider();
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", [dead, .. backends.Addresses]))
        {
            // The operator's defaults, not the test host's quieter ones.
            ["Logging:LogLevel:Yarp"] = "Warning",
            ["service_discovery:load_balancing:algorithm"] = "round_robin",
        };
        await using var gateway = await GatewayTestHost.StartAsync(settings, builder => builder.Logging.AddProvider(logs));

        for (var i = 0; i < 4; i++)
        {
            using var response = await gateway.Client.GetAsync("/data-service/api/v1/data/stock?symbol=AAPL");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var noisy = logs.Entries.Where(e => e.Level >= LogLevel.Warning && (e.Exception is not null || e.Category.StartsWith("Yarp", StringComparison.Ordinal))).ToList();
        Assert.True(noisy.Count == 0, string.Join(Environment.NewLine, noisy.Select(e => $"{e.Category} {e.Level}: {e.Message}")));
    }

    [Fact]
    public async Task Forward_OnlyInstanceDown_OneLineWithoutStackTrace()
    {
        var dead = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var logs = new CollectingLoggerProvider();
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", dead))
        {
            ["Logging:LogLevel:Yarp"] = "Warning",
        };
        await using var gateway = await GatewayTestHost.StartAsync(settings, builder => builder.Logging.AddProvider(logs));

        using var response = await gateway.Client.GetAsync("/data-service/api/v1/data/stock?symbol=AAPL");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var warnings = logs.Entries.Where(e => e.Level >= LogLevel.Warning && !e.Category.StartsWith("Orleans", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(warnings);
        Assert.Null(line.Exception);
        Assert.StartsWith($"Call to data-service failed on instance {dead.Host}:{dead.Port}", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_HangingInstances_504sLoggedAsOneLinePerServiceNamingInstancesAttemptsAndDeadline()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2);
        var logs = new CollectingLoggerProvider();
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", backends.Addresses))
        {
            ["service_discovery:max_retries"] = "3",
            ["service_discovery:services:data-service:timeout"] = "1.5",
            ["service_discovery:services:data-service:attempt_timeout"] = "0.5",
        };
        await using var gateway = await GatewayTestHost.StartAsync(settings, builder => builder.Logging.AddProvider(logs));
        backends[0].Faults.Hang = true;
        backends[1].Faults.Hang = true;

        for (var i = 0; i < 2; i++)
        {
            using var response = await gateway.Client.GetAsync("/data-service/api/v1/data/stock?symbol=AAPL");
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        }

        backends[0].Faults.Hang = false;
        backends[1].Faults.Hang = false;
        var lines = logs.Entries.Where(e => e.EventId.Id is 2603 or 2604).ToList();
        var line = Assert.Single(lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Null(line.Exception);
        var match = DeadlineLine().Match(line.Message);
        Assert.True(match.Success, line.Message);
        Assert.InRange(int.Parse(match.Groups["attempts"].Value, System.Globalization.CultureInfo.InvariantCulture), 2, 4);
        Assert.Equal(
            backends.Addresses.Select(a => $"{a.Host}:{a.Port}").Order(StringComparer.Ordinal),
            match.Groups["instances"].Value.Split(", ").Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"^Answered 504 for data-service: deadline 1\.5 s exceeded after \d+(\.\d+)? s, (?<attempts>\d) attempt\(s\) on (?<instances>.+)$")]
    private static partial Regex DeadlineLine();
}
