using k8s.Models;
using Microsoft.Extensions.Configuration;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Tests.Manifests;

/// <summary>The service-discovery options of a build's ConfigMap <c>config.yaml</c>, read as the gateway reads them.</summary>
public static class ManifestConfig
{
    /// <summary>The raw <c>config.yaml</c> of the build.</summary>
    public static string Yaml(KustomizeBuild build) =>
        build.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "service-discovery-config").Data["config.yaml"];

    /// <summary>Reads the ConfigMap's file; fails the test when it has errors.</summary>
    public static ServiceDiscoveryOptions Read(KustomizeBuild build)
    {
        var directory = Directory.CreateTempSubdirectory("ta-config-");
        try
        {
            var file = Path.Combine(directory.FullName, "config.yaml");
            File.WriteAllText(file, Yaml(build));
            var result = ServiceDiscoveryConfigurationReader.Read(new ConfigurationBuilder().AddServiceDiscoveryYaml(file, optional: false, reloadOnChange: false).Build());
            Assert.True(result.IsValid, result.FormatErrors());
            return result.Options;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
