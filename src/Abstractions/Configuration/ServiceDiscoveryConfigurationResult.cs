namespace TradingAgents.Actors.Configuration;

/// <summary>What <see cref="ServiceDiscoveryConfigurationReader"/> made of a <c>service_discovery:</c> tree.</summary>
/// <param name="Options">The options read; keys that were wrong keep their defaults.</param>
/// <param name="Errors">One line per bad key, each starting with the key's full path; empty when the tree is valid.</param>
public sealed record ServiceDiscoveryConfigurationResult(ServiceDiscoveryOptions Options, IReadOnlyList<string> Errors)
{
    /// <summary>True when no key was wrong.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>
    /// All errors as one message, one line each, headed by how many there are; empty when valid.
    /// This is the text start-up fails with.
    /// </summary>
    public string FormatErrors() => FormatErrors(Errors);

    internal static string FormatErrors(IReadOnlyList<string> errors) =>
        errors.Count == 0
            ? string.Empty
            : $"The {ServiceDiscoveryOptions.SectionName} configuration has {errors.Count} error(s):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}";
}
