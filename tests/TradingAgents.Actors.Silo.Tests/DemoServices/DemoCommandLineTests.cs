using TradingAgents.DemoServices;
using TradingAgents.DemoServices.Cli;

namespace TradingAgents.Actors.Tests.DemoServices;

public sealed class DemoCommandLineTests
{
    [Fact]
    public void TryParse_ServicePortInstance_ParsesAll()
    {
        Assert.True(DemoCommandLine.TryParse(["--service", "data-service", "--port", "8003", "--instance", "data-1"], out var parsed, out var error));

        Assert.Null(error);
        Assert.Equal(new DemoCommandLine(false, false, DemoServiceKind.DataService, 8003, "data-1", "127.0.0.1"), parsed);
    }

    [Fact]
    public void TryParse_ServiceOnlyWithEqualsForm_DefaultsPortAndInstance()
    {
        Assert.True(DemoCommandLine.TryParse(["--service=memory-service"], out var parsed, out _));

        Assert.Equal(new DemoCommandLine(false, false, DemoServiceKind.MemoryService, 8006, "memory-service-1", "127.0.0.1"), parsed);
    }

    [Fact]
    public void TryParse_All_ParsesFleet()
    {
        Assert.True(DemoCommandLine.TryParse(["--all", "--host", "127.0.0.2"], out var parsed, out _));

        Assert.True(parsed!.All);
        Assert.Equal("127.0.0.2", parsed.Host);
    }

    [Theory]
    [InlineData(new[] { "--service", "risk-service" }, "--service: Unknown service 'risk-service'; accepted: analysis-engine, data-service, llm-service, memory-service.")]
    [InlineData(new string[0], "--service is required (or --all); accepted: analysis-engine, data-service, llm-service, memory-service.")]
    [InlineData(new[] { "--service", "data-service", "--port", "http" }, "--port: 'http' is not a port; use 0 (ephemeral) to 65535.")]
    [InlineData(new[] { "--service", "data-service", "--port", "70000" }, "--port: '70000' is not a port; use 0 (ephemeral) to 65535.")]
    [InlineData(new[] { "--service" }, "--service needs a value.")]
    [InlineData(new[] { "--service", "data-service", "--service", "llm-service" }, "--service is given more than once.")]
    [InlineData(new[] { "--verbose" }, "Unknown option '--verbose'; accepted: --service, --port, --instance, --host, --all, --help.")]
    [InlineData(new[] { "--all", "--port", "8003" }, "--all starts the whole standard fleet and cannot be combined with --port.")]
    [InlineData(new[] { "--all", "--host", "0.0.0.0" }, "--host: Host '0.0.0.0' is a wildcard; demo backends bind to one specific address such as 127.0.0.1.")]
    public void TryParse_BadArguments_FailsWithMessage(string[] args, string expected)
    {
        Assert.False(DemoCommandLine.TryParse(args, out var parsed, out var error));

        Assert.Null(parsed);
        Assert.Equal(expected, error);
    }

    [Fact]
    public async Task Main_UnknownService_ReturnsTwo()
    {
        var original = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            Assert.Equal(2, await DemoProgram.Main(["--service", "nope"]));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.StartsWith("error: --service: Unknown service 'nope'; accepted: analysis-engine", captured.ToString(), StringComparison.Ordinal);
    }
}
