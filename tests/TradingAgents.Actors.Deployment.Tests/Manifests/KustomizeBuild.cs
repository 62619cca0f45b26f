using System.Diagnostics;
using k8s;
using k8s.Models;

namespace TradingAgents.Actors.Tests.Manifests;

/// <summary>The objects of one <c>kubectl kustomize</c> root, deserialized strictly into typed models.</summary>
public sealed class KustomizeBuild
{
    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        ["v1/Namespace"] = typeof(V1Namespace),
        ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
        ["v1/ConfigMap"] = typeof(V1ConfigMap),
        ["v1/Service"] = typeof(V1Service),
        ["v1/Secret"] = typeof(V1Secret),
        ["networking.k8s.io/v1/NetworkPolicy"] = typeof(V1NetworkPolicy),
        ["apps/v1/Deployment"] = typeof(V1Deployment),
        ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
        ["autoscaling/v2/HorizontalPodAutoscaler"] = typeof(V2HorizontalPodAutoscaler),
        ["rbac.authorization.k8s.io/v1/Role"] = typeof(V1Role),
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = typeof(V1RoleBinding),
        ["monitoring.coreos.com/v1/PrometheusRule"] = typeof(PrometheusRuleResource),
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(ServiceMonitorResource),
    };

    private KustomizeBuild(string root, IReadOnlyList<object> objects)
    {
        Root = root;
        Objects = objects;
    }

    public string Root { get; }

    public IReadOnlyList<object> Objects { get; }

    public IEnumerable<T> OfType<T>() => Objects.OfType<T>();

    /// <summary>Runs <c>kubectl kustomize k8s/<paramref name="root"/></c> and loads every document.</summary>
    public static Task<KustomizeBuild> LoadAsync(string root) => LoadAsync(root, Path.Combine(RepositoryRoot(), "k8s", root));

    /// <summary>
    /// Builds a throwaway overlay of <paramref name="resources"/> and <paramref name="components"/> (paths
    /// relative to <c>k8s/</c>). It lives inside <c>k8s/</c> because Kustomize loads nothing outside the
    /// kustomization's directory tree.
    /// </summary>
    public static async Task<KustomizeBuild> LoadOverlayAsync(IEnumerable<string> resources, IEnumerable<string> components)
    {
        var directory = Directory.CreateDirectory(Path.Combine(RepositoryRoot(), "k8s", ".test-overlay-" + Guid.NewGuid().ToString("N")));
        try
        {
            var yaml = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
                + string.Concat(resources.Select(r => $"  - ../{r}\n"))
                + "components:\n"
                + string.Concat(components.Select(c => $"  - ../{c}\n"));
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "kustomization.yaml"), yaml);
            return await LoadAsync(string.Join("+", resources.Concat(components)), directory.FullName);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<KustomizeBuild> LoadAsync(string root, string directory)
    {
        var yaml = await KustomizeAsync(directory);
        var documents = yaml.Split("\n---\n", StringSplitOptions.RemoveEmptyEntries);
        var objects = new List<object>();
        foreach (var document in documents)
        {
            // One document at a time, so a failure names the object it is about.
            try
            {
                objects.AddRange(KubernetesYaml.LoadAllFromString(document, Types, strict: true));
            }
            catch (Exception e)
            {
                var head = string.Join(" ", document.Split('\n').Where(l => l.StartsWith("kind:", StringComparison.Ordinal) || l.StartsWith("  name:", StringComparison.Ordinal)));
                throw new InvalidOperationException($"k8s/{root}: the object ({head}) is not a known kind or has unknown or mistyped fields: {e.Message}", e);
            }
        }

        return new KustomizeBuild(root, objects);
    }

    /// <summary>The directory holding <c>TradingAgents.Actors.sln</c>.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TradingAgents.Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No TradingAgents.Actors.sln above {AppContext.BaseDirectory}.");
    }

    private static async Task<string> KustomizeAsync(string directory)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl was not found on PATH: the manifest tests need it for 'kubectl kustomize' (any kubectl from v1.27 on).", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kubectl kustomize {directory} failed ({process.ExitCode}): {await error}");
            }

            return await output;
        }
    }
}
