using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Silo.Hosting;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Hosting;

public sealed class LogSilencerTests
{
    [Fact]
    public void BeginLeaving_PlacementAndMessagingErrorsGoButMembershipAndCriticalStay()
    {
        using var logs = new CollectingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs));
        services.AddSingleton<LogSilencer>();
        services.AddSingleton<IOptionsChangeTokenSource<LoggerFilterOptions>>(static sp => sp.GetRequiredService<LogSilencer>());
        services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>>(static sp => sp.GetRequiredService<LogSilencer>());
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<ILoggerFactory>();
        var messaging = factory.CreateLogger("Orleans.Messaging");
        var grain = factory.CreateLogger("Orleans.Grain");
        var polly = factory.CreateLogger("Polly");
        var membership = factory.CreateLogger("Orleans.Runtime.MembershipService.MembershipTableManager");

        messaging.LogError("before");
        provider.GetRequiredService<LogSilencer>().BeginLeaving();
        messaging.LogError("failed to address message");
        grain.LogError("error while selecting a migration destination");
        polly.LogWarning("placement retry");
        membership.LogError("could not leave the cluster");
        messaging.LogCritical("critical still shown");

        Assert.Equal(["before", "could not leave the cluster", "critical still shown"], logs.Entries.Select(e => e.Message));
    }
}
