using System.Text.Json;
using System.Text.RegularExpressions;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>The real executable's console lines: timestamped by default, JSON with one setting.</summary>
[Collection(GatewayCollection.Name)]
public sealed partial class ConsoleLogFormatTests
{
    [Fact]
    public async Task Console_Default_EveryLogLineStartsWithUtcTimestamp()
    {
        var lines = await GatewayProcess.ReadOutputUntilAsync(AppContext.BaseDirectory, "Now listening on", "--urls", $"http://127.0.0.1:{FreePort.Next()}");

        var entries = lines.Where(line => !line.StartsWith(' ')).ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, line => Assert.Matches(Timestamped(), line));
    }

    [Fact]
    public async Task Console_JsonFormatter_EveryLineIsJsonWithTimestamp()
    {
        var lines = await GatewayProcess.ReadOutputUntilAsync(
            AppContext.BaseDirectory, "Now listening on", "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--Logging:Console:FormatterName=json");

        Assert.All(lines, line =>
        {
            using var entry = JsonDocument.Parse(line);
            Assert.Matches(IsoTimestamp(), entry.RootElement.GetProperty("Timestamp").GetString());
            Assert.False(string.IsNullOrEmpty(entry.RootElement.GetProperty("Category").GetString()));
        });
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex Timestamped();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z $")]
    private static partial Regex IsoTimestamp();
}
