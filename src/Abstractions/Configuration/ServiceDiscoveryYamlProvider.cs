using System.Globalization;
using NetEscapades.Configuration.Yaml;
using YamlDotNet.Core;

namespace TradingAgents.Actors.Configuration;

/// <summary>
/// Reads <c>config.yaml</c>. The first reading fails as usual (start-up reports it); a later reading
/// that cannot be parsed keeps the keys of the last one that could and records why in
/// <see cref="ReloadError"/>, which <see cref="ServiceDiscoveryOptionsSetup"/> turns into a rejected
/// reload. Without this the file provider would swap in an empty key set and say nothing about why.
/// </summary>
internal sealed class ServiceDiscoveryYamlProvider(ServiceDiscoveryYamlSource source) : YamlConfigurationProvider(source)
{
    private volatile string? _reloadError;
    private bool _parsedOnce;

    /// <summary>Why the latest reading of the file could not be parsed; null when it was.</summary>
    public string? ReloadError => _reloadError;

    /// <summary>The file's path, for messages.</summary>
    public string? FilePath => Source.Path is { } path ? Source.FileProvider?.GetFileInfo(path).PhysicalPath ?? path : null;

    /// <inheritdoc />
    public override void Load(Stream stream)
    {
        try
        {
            base.Load(stream);
            _parsedOnce = true;
            _reloadError = null;
        }
        catch (Exception exception) when (_parsedOnce && exception is not OutOfMemoryException)
        {
            // base.Load assigns Data only after a successful parse, so the last good keys stay.
            _reloadError = Describe(exception);
        }
    }

    /// <summary>
    /// The parser's own words where it has them (with YamlDotNet's line and column); YamlDotNet 18 also
    /// fails some malformed input with a bare <see cref="InvalidOperationException"/>, which says nothing
    /// about YAML, so that case is named for what it is.
    /// </summary>
    private static string Describe(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is YamlException yaml)
            {
                return string.Create(CultureInfo.InvariantCulture, $"line {yaml.Start.Line}, column {yaml.Start.Column}: {OneLine(yaml.Message)}");
            }
        }

        return exception is FormatException
            ? OneLine(exception.Message)
            : $"not valid YAML ({OneLine(exception.Message)})";
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
