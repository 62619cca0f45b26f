using Microsoft.Extensions.Configuration;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Tests.Configuration;

/// <summary>A temporary directory for YAML files, removed afterwards.</summary>
internal sealed class YamlFiles : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("ta-config-").FullName;

    public string Write(string yaml, string name = "config.yaml")
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>Builds configuration from <paramref name="yaml"/> through the YAML provider, as a silo would.</summary>
    public IConfigurationRoot Load(string yaml) =>
        new ConfigurationBuilder().AddServiceDiscoveryYaml(Write(yaml), optional: false, reloadOnChange: false).Build();

    /// <summary>Reads a <c>service_discovery:</c> tree whose body is <paramref name="body"/> (indented by two spaces).</summary>
    public ServiceDiscoveryConfigurationResult ReadBody(string body) =>
        ServiceDiscoveryConfigurationReader.Read(Load("service_discovery:\n" + body));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    /// <summary>The repository root, found by walking up to the solution file.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TradingAgents.Actors.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("TradingAgents.Actors.sln not found above " + AppContext.BaseDirectory);
    }
}
