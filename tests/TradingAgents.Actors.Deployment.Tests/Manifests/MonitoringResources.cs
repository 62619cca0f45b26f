using k8s;
using k8s.Models;

namespace TradingAgents.Actors.Tests.Manifests;

// The Prometheus Operator CRDs, only as far as these manifests use them: strict deserialization
// rejects any field not declared here, so a typo in a CRD object fails the test.

/// <summary>monitoring.coreos.com/v1 PrometheusRule.</summary>
public sealed class PrometheusRuleResource : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public V1ObjectMeta Metadata { get; set; } = new();

    public PrometheusRuleSpec Spec { get; set; } = new();
}

/// <summary>The spec of a PrometheusRule.</summary>
public sealed class PrometheusRuleSpec
{
    public List<PrometheusRuleGroup> Groups { get; set; } = [];
}

/// <summary>A rule group.</summary>
public sealed class PrometheusRuleGroup
{
    public string Name { get; set; } = string.Empty;

    public string? Interval { get; set; }

    public List<PrometheusRuleEntry> Rules { get; set; } = [];
}

/// <summary>An alerting or recording rule.</summary>
public sealed class PrometheusRuleEntry
{
    public string? Alert { get; set; }

    public string? Record { get; set; }

    public string Expr { get; set; } = string.Empty;

    public string? For { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }
}

/// <summary>monitoring.coreos.com/v1 ServiceMonitor.</summary>
public sealed class ServiceMonitorResource : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public V1ObjectMeta Metadata { get; set; } = new();

    public ServiceMonitorSpec Spec { get; set; } = new();
}

/// <summary>The spec of a ServiceMonitor.</summary>
public sealed class ServiceMonitorSpec
{
    public V1LabelSelector Selector { get; set; } = new();

    public ServiceMonitorNamespaceSelector? NamespaceSelector { get; set; }

    public List<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
}

/// <summary>Which namespaces a ServiceMonitor looks in.</summary>
public sealed class ServiceMonitorNamespaceSelector
{
    public List<string>? MatchNames { get; set; }

    public bool? Any { get; set; }
}

/// <summary>One scrape endpoint of a ServiceMonitor.</summary>
public sealed class ServiceMonitorEndpoint
{
    public string Port { get; set; } = string.Empty;

    public string? Path { get; set; }

    public string? Interval { get; set; }

    public string? ScrapeTimeout { get; set; }

    public bool? HonorLabels { get; set; }
}
