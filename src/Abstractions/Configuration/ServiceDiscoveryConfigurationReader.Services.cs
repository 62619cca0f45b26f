using System.Globalization;
using Microsoft.Extensions.Configuration;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Configuration;

public static partial class ServiceDiscoveryConfigurationReader
{
    private static readonly string[] ServiceKeys =
        ["service_name", "port", "port_name", "health_path", "weight", "timeout", "attempt_timeout", "algorithm", "forward_paths", "endpoints", "retry_budget",
        "max_ejection_percent", "panic_threshold", "panic_mode", "slow_start", "slow_start_aggression", "slow_start_min_weight_percent"];

    private static readonly string[] EndpointKeys = ["address", "host", "port", "zone", "node", "weight", "name"];

    private static void ReadServices(SectionReader reader, IConfigurationSection section, Dictionary<string, ServiceOptions> services, RetryBudgetOptions retryBudget)
    {
        if (!reader.ExpectMap(section, keys: null))
        {
            return;
        }

        // Kubernetes name -> logical name that claimed it first, so that two logical names cannot feed one Service's endpoints.
        var claimed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in section.GetChildren())
        {
            var name = entry.Key;
            if (!SectionReader.IsDnsLabel(name))
            {
                // Configuration keys are case-insensitive, so names differing only by case would merge silently; lowercase labels rule that out.
                reader.Error(entry.Path, $"'{name}' is not a valid service name; expected a lowercase DNS label (a-z, 0-9, '-', at most 63 characters)");
            }

            var service = new ServiceOptions();
            services[name] = service;
            if (!reader.ExpectMap(entry, ServiceKeys))
            {
                continue;
            }

            service.ServiceName = reader.DnsLabel(entry, "service_name", optional: true);
            service.Port = reader.Int(entry, "port", min: 1, max: 65535, optional: true);
            service.PortName = reader.NonEmptyString(entry, "port_name") ?? service.PortName;
            service.HealthPath = reader.Path(entry, "health_path") ?? service.HealthPath;
            service.Weight = reader.Int(entry, "weight", min: 1) ?? service.Weight;
            service.Timeout = reader.Seconds(entry, "timeout", optional: true);
            service.AttemptTimeout = reader.Seconds(entry, "attempt_timeout", optional: true);
            if (service.AttemptTimeout is { } attempt && service.Timeout is { } total && attempt > total)
            {
                reader.Error(ConfigurationPath.Combine(entry.Path, "attempt_timeout"),
                    $"{attempt.TotalSeconds} s must not exceed the service's timeout ({total.TotalSeconds} s), the deadline of the whole request");
            }
            service.Algorithm = reader.Algorithm(entry, "algorithm", optional: true);
            service.ForwardPaths = ReadForwardPaths(reader, entry.GetSection("forward_paths"));
            ReadFleetControls(reader, entry, service.Fleet);
            ReadEndpoints(reader, entry.GetSection("endpoints"), service.Endpoints);
            service.RetryBudget = ReadServiceRetryBudget(reader, entry.GetSection("retry_budget"), retryBudget);

            var kubernetesName = service.ServiceName ?? name;
            if (!claimed.TryAdd(kubernetesName, name))
            {
                var path = service.ServiceName is null ? entry.Path : ConfigurationPath.Combine(entry.Path, "service_name");
                reader.Error(path, $"service '{kubernetesName}' is already configured as '{claimed[kubernetesName]}'; each Kubernetes service may back one logical service only");
            }
        }
    }

    private static List<string>? ReadForwardPaths(SectionReader reader, IConfigurationSection section)
    {
        if (!section.Exists())
        {
            return null;
        }

        var entries = section.GetChildren().ToList();
        if (section.Value is not null || entries.Count == 0 || entries.Any(static e => !int.TryParse(e.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            reader.Error(section.Path, "expected a list of path prefixes such as /api (remove the key to forward every path)");
            return null;
        }

        var prefixes = new List<string>();
        foreach (var entry in entries.OrderBy(static e => int.Parse(e.Key, CultureInfo.InvariantCulture)))
        {
            var text = entry.Value?.Trim();
            if (string.IsNullOrEmpty(text) || !text.StartsWith('/') || text.Contains('?', StringComparison.Ordinal) || text.Contains('%', StringComparison.Ordinal))
            {
                reader.Error(entry.Path, $"'{entry.Value}' is not a path prefix; expected one starting with '/', without '?' or '%' escapes");
                continue;
            }

            if (text.Split('/').Any(static segment => segment is "." or ".."))
            {
                reader.Error(entry.Path, $"'{text}' has a '.' or '..' segment");
                continue;
            }

            // "/api/" and "/api" mean the same whole-segment prefix.
            prefixes.Add(text.Length > 1 ? text.TrimEnd('/') : text);
        }

        return prefixes;
    }

    private static void ReadEndpoints(SectionReader reader, IConfigurationSection section, List<StaticEndpointOptions> endpoints)
    {
        if (!section.Exists() || (section.Value is { } text && SectionReader.IsEmpty(text)))
        {
            return;
        }

        var entries = section.GetChildren().ToList();
        if (section.Value is not null || entries.Any(static e => !int.TryParse(e.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            reader.Error(section.Path, "expected a list of 'host:port' strings or maps with address (or host and port), zone, node and weight");
            return;
        }

        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries.OrderBy(static e => int.Parse(e.Key, CultureInfo.InvariantCulture)))
        {
            var endpoint = entry.Value is not null ? ReadEndpointText(reader, entry) : ReadEndpointMap(reader, entry);
            if (endpoint is null)
            {
                continue;
            }

            var id = EndpointAddress.Format(endpoint.Host, endpoint.Port);
            if (!seen.TryAdd(id, entry.Path))
            {
                reader.Error(entry.Path, $"endpoint {id} is already listed at {seen[id]}");
                continue;
            }

            endpoints.Add(endpoint);
        }
    }

    private static StaticEndpointOptions? ReadEndpointText(SectionReader reader, IConfigurationSection entry)
    {
        if (!EndpointAddress.TryParse(entry.Value, out var host, out var port, out var error))
        {
            reader.Error(entry.Path, error!);
            return null;
        }

        if (!SectionReader.IsHost(host))
        {
            reader.Error(entry.Path, $"'{host}' is not a host name or IP address");
            return null;
        }

        return new StaticEndpointOptions { Host = host, Port = port };
    }

    private static StaticEndpointOptions? ReadEndpointMap(SectionReader reader, IConfigurationSection entry)
    {
        if (!reader.ExpectMap(entry, EndpointKeys))
        {
            return null;
        }

        var errorsBefore = reader.Errors.Count;
        var zone = reader.String(entry, "zone");
        var node = reader.String(entry, "node");
        var weight = reader.Int(entry, "weight", min: 1, optional: true);
        var name = reader.String(entry, "name");
        var address = entry.GetSection("address");
        string? host = null;
        int? port = null;
        if (address.Exists())
        {
            if (entry.GetSection("host").Exists() || entry.GetSection("port").Exists())
            {
                reader.Error(entry.Path, "set either address or host and port, not both");
                return null;
            }

            var parsed = ReadEndpointText(reader, address);
            host = parsed?.Host;
            port = parsed?.Port;
        }
        else
        {
            host = reader.NonEmptyString(entry, "host");
            port = reader.Int(entry, "port", min: 1, max: 65535);
            if (host is not null)
            {
                // Accept "[::1]" as well as "::1" in the host field.
                host = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
                if (!SectionReader.IsHost(host))
                {
                    reader.Error(ConfigurationPath.Combine(entry.Path, "host"), $"'{host}' is not a host name or IP address");
                    host = null;
                }
            }
            else if (!entry.GetSection("host").Exists())
            {
                reader.Error(entry.Path, "has neither address nor host; expected address: host:port, or host and port");
            }

            if (host is not null && port is null && !entry.GetSection("port").Exists())
            {
                reader.Error(entry.Path, "has host but no port");
            }
        }

        return host is null || port is null || reader.Errors.Count != errorsBefore
            ? null
            : new StaticEndpointOptions { Host = host, Port = port.Value, Zone = zone, Node = node, Weight = weight, Name = name };
    }
}
