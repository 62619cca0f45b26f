using Microsoft.Extensions.Configuration;
using NetEscapades.Configuration.Yaml;

namespace TradingAgents.Actors.Configuration;

/// <summary>
/// The <c>config.yaml</c> source: a YAML file source whose provider keeps its last parsed keys when a
/// reload finds a syntax error (see <see cref="ServiceDiscoveryYamlProvider"/>).
/// </summary>
internal sealed class ServiceDiscoveryYamlSource : YamlConfigurationSource
{
    /// <inheritdoc />
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new ServiceDiscoveryYamlProvider(this);
    }
}
