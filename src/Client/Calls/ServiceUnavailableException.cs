using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Client.Calls;

/// <summary>
/// The discovery grains chose no instance of a service, so no request was sent. Derives from
/// <see cref="HttpRequestException"/> so that code written against <see cref="HttpClient"/> sees it
/// where it expects transport failures.
/// </summary>
public sealed class ServiceUnavailableException : HttpRequestException
{
    /// <summary>Creates the exception for <paramref name="service"/>.</summary>
    /// <param name="service">Logical service name that was asked for.</param>
    /// <param name="status">Why the selection produced no endpoint.</param>
    /// <param name="reason">The service grain's explanation, when it gave one.</param>
    public ServiceUnavailableException(string service, SelectionStatus status, string? reason)
        : base(FormatMessage(service, status, reason))
    {
        Service = service;
        Status = status;
        Reason = reason;
    }

    /// <summary>Logical service name that was asked for.</summary>
    public string Service { get; }

    /// <summary>Why the selection produced no endpoint (never <see cref="SelectionStatus.Selected"/>).</summary>
    public SelectionStatus Status { get; }

    /// <summary>The service grain's explanation, when it gave one.</summary>
    public string? Reason { get; }

    private static string FormatMessage(string service, SelectionStatus status, string? reason)
    {
        var what = status switch
        {
            SelectionStatus.UnknownService => $"Service '{service}' is unknown: it is neither configured nor discovered",
            SelectionStatus.NoEndpoints => $"Service '{service}' has no endpoints",
            SelectionStatus.NoneSelectable => $"No instance of service '{service}' can take traffic now",
            _ => $"No instance of service '{service}' was selected ({status})",
        };

        return string.IsNullOrWhiteSpace(reason) ? what + "." : $"{what}: {reason}";
    }
}
