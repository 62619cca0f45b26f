using System.Net;
using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>Checks the <c>Cluster</c> section and names every bad key at once.</summary>
internal sealed class ClusterHostingOptionsValidator : IValidateOptions<ClusterHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterHostingOptions options)
    {
        var failures = new List<string>();
        const string Section = ClusterHostingOptions.SectionName;
        var isLocalhost = string.Equals(options.Provider, ClusterHostingOptions.LocalhostProvider, StringComparison.OrdinalIgnoreCase);
        if (!isLocalhost && !options.UsesRedis)
        {
            failures.Add($"{Section}:Provider is '{options.Provider}'; expected Localhost or Redis.");
        }

        if (options.UsesRedis && string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            failures.Add($"{Section}:RedisConnectionString is required when {Section}:Provider is Redis.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add($"{Section}:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{Section}:ServiceId must not be empty.");
        }

        CheckPort(failures, "SiloPort", options.SiloPort);
        CheckPort(failures, "GatewayPort", options.GatewayPort);
        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add($"{Section}:SiloPort and {Section}:GatewayPort are both {options.SiloPort}; they must differ.");
        }

        if (options.AdvertisedIPAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
        {
            failures.Add($"{Section}:AdvertisedIPAddress '{address}' is not an IP address.");
        }

        if (options.ProbeTimeoutSeconds is <= 0 or > 60)
        {
            failures.Add($"{Section}:ProbeTimeoutSeconds is {options.ProbeTimeoutSeconds}; expected more than 0 and at most 60.");
        }

        if (options.MissedProbesLimit is < 1 or > 10)
        {
            failures.Add($"{Section}:MissedProbesLimit is {options.MissedProbesLimit}; expected 1..10.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPort(List<string> failures, string key, int port)
    {
        if (port is < 1 or > 65535)
        {
            failures.Add($"{ClusterHostingOptions.SectionName}:{key} is {port}; expected 1..65535.");
        }
    }
}
