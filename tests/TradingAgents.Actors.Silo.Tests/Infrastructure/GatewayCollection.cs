namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>Gateway tests start whole silos; running them one at a time keeps a 2-core machine responsive.</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection
{
    public const string Name = "Gateway";
}
