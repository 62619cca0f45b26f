using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Silo.Gateway;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Gateway;

public sealed class ShutdownLogQuietingTests
{
    [Fact]
    public void Quiet_OnceTheSiloLeaves_PlacementAndMessagingErrorsGoButMembershipAndCriticalStay()
    {
        using var logs = new CollectingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs));
        services.AddSingleton<ShutdownLogQuieting>();
        services.AddSingleton<IOptionsChangeTokenSource<LoggerFilterOptions>>(static sp => sp.GetRequiredService<ShutdownLogQuieting>());
        services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>>(static sp => sp.GetRequiredService<ShutdownLogQuieting>());
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<ILoggerFactory>();
        var messaging = factory.CreateLogger("Orleans.Messaging");
        var grain = factory.CreateLogger("Orleans.Grain");
        var polly = factory.CreateLogger("Polly");
        var membership = factory.CreateLogger("Orleans.Runtime.MembershipService.MembershipTableManager");

        messaging.LogError("before");
        provider.GetRequiredService<ShutdownLogQuieting>().Quiet();
        messaging.LogError("failed to address message");
        grain.LogError("error while selecting a migration destination");
        polly.LogWarning("placement retry");
        membership.LogError("could not leave the cluster");
        messaging.LogCritical("critical still shown");

        Assert.Equal(["before", "could not leave the cluster", "critical still shown"], logs.Entries.Select(e => e.Message));
    }
}
