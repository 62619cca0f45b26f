using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Configuration;

/// <summary>
/// Builds <see cref="ServiceDiscoveryOptions"/> with <see cref="ServiceDiscoveryConfigurationReader"/>
/// and validates them. Until one valid configuration has been read, errors fail validation (and so
/// start-up). After that, a reload with errors, a YAML syntax error, or one that lost the whole section
/// (a half-written or deleted file) is rejected: the options keep the last valid configuration, the
/// problem is logged once and recorded in <see cref="ConfigurationReloadStatus"/>, because a typo in a
/// live ConfigMap must not take every endpoint away from a running fleet. A good reload logs one line
/// saying what changed and clears a recorded failure.
/// Each reading of the configuration is judged once (options are built more than once per reading:
/// the monitor, <see cref="IOptions{TOptions}"/>, snapshots), so one edit logs one line; a reading
/// rejected with the same errors as the rejection before it is not logged or counted again.
/// Where the file sets no <c>namespace</c>, the pod's own namespace (<c>POD_NAMESPACE</c>, from the
/// downward API) is watched, so that a deployment into another namespace needs no config edit.
/// </summary>
internal sealed partial class ServiceDiscoveryOptionsSetup(
    IConfiguration configuration,
    ConfigurationReloadStatus status,
    TimeProvider timeProvider,
    ILogger<ServiceDiscoveryOptionsSetup> logger)
    : IConfigureOptions<ServiceDiscoveryOptions>, IValidateOptions<ServiceDiscoveryOptions>
{
    /// <summary>The environment variable (a configuration key) that holds the pod's namespace.</summary>
    public const string PodNamespaceKey = "POD_NAMESPACE";

    private readonly ConditionalWeakTable<ServiceDiscoveryOptions, IReadOnlyList<string>> _errors = [];
    private readonly Lock _gate = new();
    private object? _judgedReading;
    private IConfiguration? _inForce;
    private IReadOnlyList<string> _startupErrors = [];
    private IConfiguration? _lastValid;
    private ServiceDiscoveryOptions? _lastValidOptions;
    private bool _lastValidHadSection;

    /// <inheritdoc />
    public void Configure(ServiceDiscoveryOptions options)
    {
        IConfiguration source;
        IReadOnlyList<string> errors;
        lock (_gate)
        {
            // The reload token is replaced on every reload, so it identifies one reading.
            var reading = configuration.GetReloadToken();
            if (!ReferenceEquals(reading, _judgedReading) || _inForce is null)
            {
                Judge();
                _judgedReading = reading;
            }

            source = _inForce!;
            errors = _startupErrors;
        }

        if (errors.Count > 0)
        {
            _errors.AddOrUpdate(options, errors);
        }

        if (configuration[PodNamespaceKey] is { Length: > 0 } podNamespace)
        {
            // The reader overwrites this only when the section names a namespace.
            options.Namespace = podNamespace;
        }

        ServiceDiscoveryConfigurationReader.Read(source.GetSection(ServiceDiscoveryOptions.SectionName), options);
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ServiceDiscoveryOptions options) =>
        _errors.TryGetValue(options, out var errors) && errors.Count > 0
            ? ValidateOptionsResult.Fail(ServiceDiscoveryConfigurationResult.FormatErrors(errors))
            : ValidateOptionsResult.Success;

    private void Judge()
    {
        var section = configuration.GetSection(ServiceDiscoveryOptions.SectionName);
        var read = new ServiceDiscoveryOptions();
        var errors = ServiceDiscoveryConfigurationReader.Read(section, read);
        var exists = section.Exists();
        var snapshot = Snapshot(section);
        var now = timeProvider.GetUtcNow();
        var file = YamlProviders().Select(static p => p.FilePath).FirstOrDefault();

        if (_lastValid is null || _lastValidOptions is null)
        {
            // A file named explicitly (--config, SERVICE_DISCOVERY_CONFIG) that is empty or lacks the
            // section would start a gateway with no services; a reload of such a file is rejected too.
            if (errors.Count == 0 && !exists && YamlProviders().FirstOrDefault(static p => !p.Source.Optional) is { } named)
            {
                errors = [$"{ServiceDiscoveryOptions.SectionName}: the section is missing from {named.FilePath} (file empty or without a {ServiceDiscoveryOptions.SectionName}: section)"];
            }

            _inForce = snapshot;
            _startupErrors = errors;
            if (errors.Count == 0)
            {
                Accept(snapshot, read, exists);
                status.Loaded(file, now, reload: false);
            }

            return;
        }

        var syntaxErrors = YamlProviders()
            .Where(static p => p.ReloadError is not null)
            .Select(static p => $"{Path.GetFileName(p.FilePath)}: {p.ReloadError}")
            .ToList();
        if (syntaxErrors.Count > 0)
        {
            errors = syntaxErrors;
        }
        else if (errors.Count == 0 && !exists && _lastValidHadSection)
        {
            errors = [$"{ServiceDiscoveryOptions.SectionName}: the section is gone (file missing or empty)"];
        }

        if (errors.Count > 0 && status.Current.ReloadFailure is { } last && last.Errors.SequenceEqual(errors, StringComparer.Ordinal))
        {
            // The same bad file read again (one copy raises more than one file-change event, and
            // a polling watcher sees it again): it was logged and counted when first rejected.
            _inForce = _lastValid;
            return;
        }

        if (errors.Count > 0)
        {
            var inForceSince = status.Current.LoadedAt ?? now;
            var reason = syntaxErrors.Count > 0
                ? $"YAML syntax error: {syntaxErrors[0]}"
                : errors.Count == 1 ? errors[0] : $"{errors.Count} errors, first: {errors[0]}";
            status.Rejected(new ConfigurationReloadFailure(now, reason, errors));
            LogReloadRejected(logger, errors.Count, inForceSince, string.Join("; ", errors));
            _inForce = _lastValid;
            return;
        }

        var failureCleared = status.Current.ReloadFailure;
        var changes = ConfigurationChanges.Describe(_lastValid, _lastValidOptions, snapshot, read);
        _inForce = snapshot;
        Accept(snapshot, read, exists);
        if (changes is not null)
        {
            status.Loaded(file, now, reload: true);
            LogReloaded(logger, changes + (failureCleared is null ? string.Empty : $" (the reload failure of {failureCleared.At:O} is cleared)"));
        }
        else
        {
            status.Unchanged(now);
            if (failureCleared is not null)
            {
                LogReloadRecovered(logger, failureCleared.At, status.Current.LoadedAt ?? now);
            }
        }
    }

    private void Accept(IConfiguration snapshot, ServiceDiscoveryOptions read, bool exists)
    {
        _lastValid = snapshot;
        _lastValidOptions = read;
        _lastValidHadSection = exists;
    }

    private IEnumerable<ServiceDiscoveryYamlProvider> YamlProviders() =>
        configuration is IConfigurationRoot root ? root.Providers.OfType<ServiceDiscoveryYamlProvider>() : [];

    /// <summary>A copy of the section's keys, so a rejected reload can be answered with the last valid tree.</summary>
    private static IConfiguration Snapshot(IConfigurationSection section) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(section.AsEnumerable().Where(static pair => pair.Value is not null))
            .Build();

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Configuration reload rejected, keeping the configuration read at {InForceSince:O}: {Count} problem(s): {Errors}")]
    private static partial void LogReloadRejected(ILogger logger, int count, DateTimeOffset inForceSince, string errors);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Configuration reloaded: {Changes}")]
    private static partial void LogReloaded(ILogger logger, string changes);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Configuration reload succeeded with no changes to the configuration read at {InForceSince:O}; the reload failure of {FailedAt:O} is cleared")]
    private static partial void LogReloadRecovered(ILogger logger, DateTimeOffset failedAt, DateTimeOffset inForceSince);
}
