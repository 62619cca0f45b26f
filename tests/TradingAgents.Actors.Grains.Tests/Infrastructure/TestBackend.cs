using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// A real Kestrel backend on 127.0.0.1 with an ephemeral port whose <c>/health</c> answer the test
/// controls: a status code, or a hang until released.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _healthCalls;

    private TestBackend(WebApplication app) => _app = app;

    /// <summary>Status code returned by /health and every other path.</summary>
    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    /// <summary>When set, requests wait until <see cref="ReleaseHung"/> or their cancellation.</summary>
    public bool Hang { get; set; }

    public int Port { get; private set; }

    public int HealthCalls => Volatile.Read(ref _healthCalls);

    public static async Task<TestBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var backend = new TestBackend(app);
        app.Run(backend.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        backend.Port = new Uri(address).Port;
        return backend;
    }

    public void ReleaseHung()
    {
        Hang = false;
        Interlocked.Exchange(ref _release, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseHung();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path == "/health")
        {
            Interlocked.Increment(ref _healthCalls);
        }

        if (Hang)
        {
            await Volatile.Read(ref _release).Task.WaitAsync(context.RequestAborted);
        }

        context.Response.StatusCode = (int)Status;
        await context.Response.WriteAsync("{}", context.RequestAborted);
    }
}
