using System.Net;

namespace TradingAgents.Actors.Client.Calls;

/// <summary>
/// A service answered a call made by <see cref="ServiceCaller.CallAsync{T}"/> with a status that is not
/// a success (after any retries). Carries the status, the instance that answered and the start of the body.
/// </summary>
public sealed class ServiceCallException : HttpRequestException
{
    /// <summary>The longest part of a response body kept in <see cref="ResponseBody"/>.</summary>
    public const int MaxBodyLength = 2048;

    /// <summary>Creates the exception.</summary>
    /// <param name="service">Logical service name.</param>
    /// <param name="instanceId">The instance (<c>host:port</c>) that answered, when known.</param>
    /// <param name="statusCode">The response status.</param>
    /// <param name="responseBody">The response body (cut to <see cref="MaxBodyLength"/> characters).</param>
    public ServiceCallException(string service, string? instanceId, HttpStatusCode statusCode, string? responseBody)
        : base(FormatMessage(service, instanceId, statusCode, responseBody), null, statusCode)
    {
        Service = service;
        InstanceId = instanceId;
        ResponseBody = Truncate(responseBody);
    }

    /// <summary>Logical service name.</summary>
    public string Service { get; }

    /// <summary>The instance (<c>host:port</c>) that answered, when known.</summary>
    public string? InstanceId { get; }

    /// <summary>The start of the response body, for error details such as a validation message.</summary>
    public string? ResponseBody { get; }

    private static string FormatMessage(string service, string? instanceId, HttpStatusCode statusCode, string? body)
    {
        var from = instanceId is null ? $"Service '{service}'" : $"Service '{service}' (instance {instanceId})";
        var text = Truncate(body);
        return string.IsNullOrWhiteSpace(text)
            ? $"{from} answered {(int)statusCode} {statusCode}."
            : $"{from} answered {(int)statusCode} {statusCode}: {text}";
    }

    private static string? Truncate(string? body) =>
        body is { Length: > MaxBodyLength } ? body[..MaxBodyLength] : body;
}
