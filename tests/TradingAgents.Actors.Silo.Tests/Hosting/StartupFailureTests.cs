using System.Net;
using System.Net.Sockets;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>Every start-up failure of the real executable: one clear message on stderr, no stack trace, exit code 1.</summary>
[Collection(GatewayCollection.Name)]
public sealed class StartupFailureTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("startup-failure-").FullName;

    [Fact]
    public async Task Start_ConfigFileMissing_SaysWhichFileAndExitsWith1()
    {
        var missing = Path.Combine(_directory, "missing.yaml");

        var (exitCode, _, error) = await GatewayProcess.RunAsync(_directory, "--config", missing, "--urls", Url());

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"Start-up failed: The configuration file 'missing.yaml' was not found and is not optional. The expected physical path was '{missing}'.", error, StringComparison.Ordinal);
        Assert.False(GatewayProcess.HasStackTrace(error), error);
    }

    [Fact]
    public async Task Start_ConfigFileNotYaml_SaysWhereAndExitsWith1()
    {
        var file = Path.Combine(_directory, "config.yaml");
        await File.WriteAllTextAsync(file, "service_discovery:\n  max_retries: 3\n   cache_ttl: 4\n");

        var (exitCode, _, error) = await GatewayProcess.RunAsync(_directory, "--config", file, "--urls", Url());

        Assert.Equal(1, exitCode);
        Assert.Equal(
            $"Start-up failed: Failed to load configuration from file '{file}'.{Environment.NewLine}  Could not parse the YAML file: While scanning a plain scalar value, found invalid mapping (line 3, column 13).",
            error.TrimEnd());
    }

    [Fact]
    public async Task Start_InvalidValues_ListsEachOnceAndExitsWith1()
    {
        var file = Path.Combine(_directory, "config.yaml");
        await File.WriteAllTextAsync(file, "service_discovery:\n  max_retries: -1\n  load_balancing:\n    algorithm: fastest\n");

        var (exitCode, output, error) = await GatewayProcess.RunAsync(_directory, "--config", file, "--urls", Url());

        Assert.Equal(1, exitCode);
        Assert.StartsWith("Start-up failed: The configuration has 2 error(s):", error, StringComparison.Ordinal);
        Assert.Equal(1, Count(error, "service_discovery:max_retries: -1 must be at least 0"));
        Assert.Equal(1, Count(error, "'fastest' is not a known algorithm"));
        Assert.False(GatewayProcess.HasStackTrace(error), error);
        Assert.DoesNotContain("fastest", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadValuesInSeveralSections_ListsEveryKeyOnceAndExitsWith1()
    {
        var file = Path.Combine(_directory, "config.yaml");
        await File.WriteAllTextAsync(file, "service_discovery:\n  max_retries: -1\n  load_balancing:\n    algorithm: fastest\n");

        // A value the binder cannot convert used to end start-up with only its own message.
        var (exitCode, output, error) = await GatewayProcess.RunAsync(
            _directory, "--config", file, "--urls", Url(), "--Gateway:MaxRequestBodyBytes", "lots", "--Gateway:DrainTimeoutSeconds", "99999", "--Cluster:MissedProbesLimit", "many");

        Assert.Equal(1, exitCode);
        Assert.Equal(
            string.Join(
                Environment.NewLine,
                "Start-up failed: The configuration has 5 error(s):",
                "  service_discovery:max_retries: -1 must be at least 0",
                "  service_discovery:load_balancing:algorithm: 'fastest' is not a known algorithm; expected one of round_robin, least_connections, weighted_random, health_aware, power_of_two_choices",
                "  Gateway:MaxRequestBodyBytes: 'lots' is not a whole number",
                "  Gateway:DrainTimeoutSeconds is 99999; expected 0..3600",
                "  Cluster:MissedProbesLimit: 'many' is not a whole number"),
            error.TrimEnd());
        Assert.False(GatewayProcess.HasStackTrace(output), output);
    }

    [Fact]
    public async Task Start_RedisWithoutConnectionString_NamesTheKeyAndExitsWith1()
    {
        var (exitCode, _, error) = await GatewayProcess.RunAsync(_directory, "--urls", Url(), "--Cluster:Provider", "Redis", "--Gateway:RetryAfterSeconds", "0");

        Assert.Equal(1, exitCode);
        Assert.Equal(
            string.Join(
                Environment.NewLine,
                "Start-up failed: The configuration has 2 error(s):",
                "  Gateway:RetryAfterSeconds is 0; expected 1..3600",
                "  Cluster:RedisConnectionString is required when Cluster:Provider is Redis"),
            error.TrimEnd());
    }

    [Theory]
    [InlineData("")]
    [InlineData("# the services go here\nlogging:\n  level: info\n")]
    public async Task Start_NamedConfigFileWithoutSection_SaysSoAndExitsWith1(string content)
    {
        var file = Path.Combine(_directory, "config.yaml");
        await File.WriteAllTextAsync(file, content);

        var (exitCode, _, error) = await GatewayProcess.RunAsync(_directory, "--config", file, "--urls", Url());

        Assert.Equal(1, exitCode);
        Assert.Equal(
            string.Join(
                Environment.NewLine,
                "Start-up failed: The configuration has 1 error(s):",
                $"  service_discovery: the section is missing from {file} (file empty or without a service_discovery: section)"),
            error.TrimEnd());
    }

    [Fact]
    public async Task Start_PortInUse_SaysWhichAddressAndExitsWith1()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)occupied.LocalEndpoint).Port}";

        var (exitCode, output, error) = await GatewayProcess.RunAsync(_directory, "--urls", url);

        Assert.Equal(1, exitCode);
        Assert.Equal($"Start-up failed: Failed to bind to address {url}: address already in use.", error.TrimEnd());
        Assert.False(GatewayProcess.HasStackTrace(output), output);
    }

    [Fact]
    public async Task Start_RedisUnreachable_SaysSoAndExitsWith1()
    {
        var nobody = FreePort.Next();

        var (exitCode, output, error) = await GatewayProcess.RunAsync(
            _directory, "--urls", Url(), "--Cluster:Provider=Redis", $"--Cluster:RedisConnectionString=127.0.0.1:{nobody},connectTimeout=2000");

        Assert.Equal(1, exitCode);
        Assert.StartsWith(
            "Start-up failed: It was not possible to connect to the redis server(s) of Cluster:RedisConnectionString: check the address and that Redis runs and accepts connections from this host.",
            error,
            StringComparison.Ordinal);
        Assert.DoesNotContain("abortConnect", error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, Count(error + output, "not possible to connect"));
        Assert.False(GatewayProcess.HasStackTrace(error), error);

        // Orleans logged the same exception with its stack trace once per layer it passed while starting.
        Assert.False(GatewayProcess.HasStackTrace(output), output);
        Assert.DoesNotContain("RedisConnectionException", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Url() => $"http://127.0.0.1:{FreePort.Next()}";

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
