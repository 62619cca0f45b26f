using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Configuration;

/// <summary>
/// Builds <see cref="ServiceDiscoveryOptions"/> with <see cref="ServiceDiscoveryConfigurationReader"/>
/// and validates them. Until one valid configuration has been read, errors fail validation (and so
/// start-up). After that, a reload with errors, or one that lost the whole section (a half-written
/// or unparsable file), is rejected: the options keep the last valid configuration and the errors are
/// logged, because a typo in a live ConfigMap must not take every endpoint away from a running fleet.
/// Where the file sets no <c>namespace</c>, the pod's own namespace (<c>POD_NAMESPACE</c>, from the
/// downward API) is watched, so that a deployment into another namespace needs no config edit.
/// </summary>
internal sealed partial class ServiceDiscoveryOptionsSetup(IConfiguration configuration, ILogger<ServiceDiscoveryOptionsSetup> logger)
    : IConfigureOptions<ServiceDiscoveryOptions>, IValidateOptions<ServiceDiscoveryOptions>
{
    /// <summary>The environment variable (a configuration key) that holds the pod's namespace.</summary>
    public const string PodNamespaceKey = "POD_NAMESPACE";

    private readonly ConditionalWeakTable<ServiceDiscoveryOptions, IReadOnlyList<string>> _errors = [];
    private readonly Lock _gate = new();
    private IConfiguration? _lastValid;
    private bool _lastValidHadSection;
    private string? _lastRejection;

    /// <inheritdoc />
    public void Configure(ServiceDiscoveryOptions options)
    {
        var section = configuration.GetSection(ServiceDiscoveryOptions.SectionName);
        var errors = ServiceDiscoveryConfigurationReader.Read(section, new ServiceDiscoveryOptions());
        var exists = section.Exists();
        IConfigurationSection source;
        lock (_gate)
        {
            if (errors.Count == 0 && (exists || !_lastValidHadSection))
            {
                _lastValid = Snapshot(section);
                _lastValidHadSection = exists;
                _lastRejection = null;
                source = section;
            }
            else if (_lastValid is null)
            {
                _errors.AddOrUpdate(options, errors);
                source = section;
            }
            else
            {
                if (errors.Count == 0)
                {
                    errors = [$"{ServiceDiscoveryOptions.SectionName}: the section is gone (file missing, empty or unparsable)"];
                }

                var message = string.Join(Environment.NewLine, errors);
                if (!string.Equals(message, _lastRejection, StringComparison.Ordinal))
                {
                    _lastRejection = message;
                    LogReloadRejected(logger, errors.Count, message);
                }

                source = _lastValid.GetSection(ServiceDiscoveryOptions.SectionName);
            }
        }

        if (configuration[PodNamespaceKey] is { Length: > 0 } podNamespace)
        {
            // The reader overwrites this only when the section names a namespace.
            options.Namespace = podNamespace;
        }

        ServiceDiscoveryConfigurationReader.Read(source, options);
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ServiceDiscoveryOptions options) =>
        _errors.TryGetValue(options, out var errors) && errors.Count > 0
            ? ValidateOptionsResult.Fail(ServiceDiscoveryConfigurationResult.FormatErrors(errors))
            : ValidateOptionsResult.Success;

    /// <summary>A copy of the section's keys, so a rejected reload can be answered with the last valid tree.</summary>
    private static IConfiguration Snapshot(IConfigurationSection section) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(section.AsEnumerable().Where(static pair => pair.Value is not null))
            .Build();

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Rejected a reload of the service discovery configuration with {Count} error(s); keeping the last valid configuration:\n{Errors}")]
    private static partial void LogReloadRejected(ILogger logger, int count, string errors);
}
