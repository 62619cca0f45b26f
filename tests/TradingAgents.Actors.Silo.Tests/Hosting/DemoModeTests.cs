using TradingAgents.Actors.Silo.Hosting;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>Which configuration file <c>--demo</c> uses and names: the one on the command line, else the sample.</summary>
public sealed class DemoModeTests
{
    [Theory]
    [InlineData("--config", "/tmp/x.yaml")]
    [InlineData("--config=/tmp/x.yaml")]
    [InlineData("--ServiceDiscovery:ConfigFile", "/tmp/x.yaml")]
    [InlineData("--ServiceDiscovery:ConfigFile=/tmp/x.yaml")]
    [InlineData("--config", "/tmp/other.yaml", "--config=/tmp/x.yaml")]
    public void NamedConfig_FileOnCommandLine_ReturnsTheOneInForce(params string[] config)
    {
        string[] args = ["--urls", "http://127.0.0.1:8080", .. config, "--Cluster:SiloPort", "11112"];

        Assert.Equal("/tmp/x.yaml", DemoMode.NamedConfig(args));
    }

    [Fact]
    public void NamedConfig_NoFileOnCommandLine_ReturnsNull()
    {
        Assert.Null(DemoMode.NamedConfig(["--urls", "http://127.0.0.1:8080", "--config"]));
    }
}
