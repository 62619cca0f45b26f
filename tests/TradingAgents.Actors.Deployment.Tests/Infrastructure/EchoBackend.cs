using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>A real HTTP backend on a loopback address that answers <c>/health</c> and echoes its name for every other path.</summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private EchoBackend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public string Address { get; private set; } = string.Empty;

    /// <summary>Requests other than health checks.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Starts on <paramref name="address"/>:<paramref name="port"/>; throws when that is taken.</summary>
    public static async Task<EchoBackend> StartAsync(string name, string address, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{address}:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var backend = new EchoBackend(app, name);
        app.MapGet("/health", () => Results.Ok());
        app.MapFallback(() =>
        {
            Interlocked.Increment(ref backend._requests);
            return Results.Text(name);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        backend.Address = address;
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
