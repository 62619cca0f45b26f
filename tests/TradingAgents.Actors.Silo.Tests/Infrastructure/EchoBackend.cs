using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// A real Kestrel backend on 127.0.0.1 that answers every request with what it received: the raw
/// request target and the headers. <c>/hang</c> waits until <see cref="Release"/>.
/// <c>/hop</c> answers with a header its <c>Connection</c> header names.
/// </summary>
internal sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _hanging = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EchoBackend(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>Completes when a <c>/hang</c> request has arrived.</summary>
    public Task Hanging => _hanging.Task;

    public static async Task<EchoBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var backend = new EchoBackend(app);
        app.Run(backend.AnswerAsync);
        await app.StartAsync();
        backend.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        return backend;
    }

    public void Release() => _released.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        if (context.Request.Path == "/hang")
        {
            _hanging.TrySetResult();
            await _released.Task.WaitAsync(context.RequestAborted);
        }

        if (context.Request.Path == "/hop")
        {
            context.Response.Headers.Connection = "X-Backend-Hop";
            context.Response.Headers["X-Backend-Hop"] = "for the gateway only";
            context.Response.Headers["X-Backend-Kept"] = "for the client";
        }

        var echo = new Dictionary<string, object>
        {
            ["rawTarget"] = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget,
            ["headers"] = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(echo));
    }
}
