using System.Globalization;
using TradingAgents.DemoServices.Hosting;

namespace TradingAgents.DemoServices.Cli;

/// <summary>The parsed command line of the standalone demo services.</summary>
internal sealed record DemoCommandLine(bool Help, bool All, DemoServiceKind Service, int Port, string InstanceName, string Host)
{
    public const string Usage = """
        Usage:
          TradingAgents.DemoServices --service <name> [--port <port>] [--instance <name>] [--host <address>]
          TradingAgents.DemoServices --all [--host <address>]

        Options:
          --service   analysis-engine | data-service | llm-service | memory-service
          --port      TCP port, 0 for an ephemeral one (default: the service's port: 8005, 8003, 8004, 8006)
          --instance  name reported in the X-Instance header (default: <service>-1)
          --host      IP address to bind (default 127.0.0.1; wildcards are refused)
          --all       3 instances of each service on 8005/8015/8025, 8003/8013/8023, 8004/8014/8024, 8006/8016/8026
          --help      this text
        """;

    private static readonly string[] Options = ["--service", "--port", "--instance", "--host", "--all", "--help"];

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> says what was wrong.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out DemoCommandLine? commandLine, out string? error)
    {
        commandLine = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = Split(args[i]);
            if (!Options.Contains(name))
            {
                error = $"Unknown option '{args[i]}'; accepted: {string.Join(", ", Options)}.";
                return false;
            }

            if (name is "--all" or "--help")
            {
                if (inlineValue is not null)
                {
                    error = $"{name} takes no value.";
                    return false;
                }

                flags.Add(name);
                continue;
            }

            var value = inlineValue ?? (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null);
            if (string.IsNullOrWhiteSpace(value))
            {
                error = $"{name} needs a value.";
                return false;
            }

            if (!values.TryAdd(name, value))
            {
                error = $"{name} is given more than once.";
                return false;
            }
        }

        var host = values.GetValueOrDefault("--host", "127.0.0.1");
        if (!HostAddress.TryParse(host, out _, out error))
        {
            error = $"--host: {error}";
            return false;
        }

        if (flags.Contains("--help"))
        {
            commandLine = new DemoCommandLine(Help: true, All: false, default, 0, string.Empty, host);
            return true;
        }

        if (flags.Contains("--all"))
        {
            var conflicting = new[] { "--service", "--port", "--instance" }.FirstOrDefault(values.ContainsKey);
            if (conflicting is not null)
            {
                error = $"--all starts the whole standard fleet and cannot be combined with {conflicting}.";
                return false;
            }

            commandLine = new DemoCommandLine(Help: false, All: true, default, 0, string.Empty, host);
            return true;
        }

        if (!values.TryGetValue("--service", out var serviceName))
        {
            error = $"--service is required (or --all); accepted: {string.Join(", ", DemoServiceNames.All)}.";
            return false;
        }

        if (!DemoServiceNames.TryParse(serviceName, out var service))
        {
            error = $"--service: {DemoServiceNames.UnknownMessage(serviceName)}";
            return false;
        }

        var port = DemoServiceNames.DefaultPort(service);
        if (values.TryGetValue("--port", out var portText)
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            error = $"--port: '{portText}' is not a port; use 0 (ephemeral) to 65535.";
            return false;
        }

        var instance = values.GetValueOrDefault("--instance", $"{DemoServiceNames.Of(service)}-1");
        if (instance.Length > 128 || !instance.All(c => c is > ' ' and <= '~'))
        {
            error = $"--instance: '{instance}' must be 1 to 128 visible ASCII characters without spaces.";
            return false;
        }

        commandLine = new DemoCommandLine(Help: false, All: false, service, port, instance, host);
        error = null;
        return true;
    }

    // Accepts both "--port 8003" and "--port=8003".
    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }
}
