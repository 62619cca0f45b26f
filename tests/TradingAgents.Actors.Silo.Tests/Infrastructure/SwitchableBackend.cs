using System.Globalization;
using System.Net;
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
/// A real Kestrel backend on 127.0.0.1 whose answers the test switches: <c>/health</c> can hang (accept
/// the request and never answer, until the switch is turned off or the backend stops), and API requests
/// can answer 429 with a <c>Retry-After</c>. API answers carry <see cref="InstanceHeader"/>.
/// </summary>
internal sealed class SwitchableBackend : IAsyncDisposable
{
    public const string InstanceHeader = "X-Test-Instance";

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _healthRelease = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _hangHealth;
    private volatile string? _tooManyRequestsRetryAfter;
    private volatile bool _hangApi;
    private long _apiRequests;
    private long _healthProbes;
    private long _healthHanging;

    private SwitchableBackend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public Uri Address { get; private set; } = null!;

    public string InstanceId => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Address.Port}");

    /// <summary>API requests received (not <c>/health</c>).</summary>
    public long ApiRequests => Interlocked.Read(ref _apiRequests);

    /// <summary><c>/health</c> requests received.</summary>
    public long HealthProbes => Interlocked.Read(ref _healthProbes);

    /// <summary><c>/health</c> requests received while it hangs (answered or not).</summary>
    public long HealthProbesHung => Interlocked.Read(ref _healthHanging);

    /// <summary>While on, <c>/health</c> requests are accepted and never answered.</summary>
    public bool HangHealth
    {
        get => _hangHealth;
        set
        {
            _hangHealth = value;
            if (!value)
            {
                Interlocked.Exchange(ref _healthRelease, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
    }

    /// <summary>While on, API requests are accepted and never answered (until the caller gives up or the backend stops).</summary>
    public bool HangApi
    {
        get => _hangApi;
        set => _hangApi = value;
    }

    /// <summary>While set, API requests are answered 429 with this <c>Retry-After</c> value.</summary>
    public string? TooManyRequestsRetryAfter
    {
        get => _tooManyRequestsRetryAfter;
        set => _tooManyRequestsRetryAfter = value;
    }

    public static async Task<SwitchableBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var backend = new SwitchableBackend(app, name);
        app.Run(backend.AnswerAsync);
        await app.StartAsync();
        backend.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        HangHealth = false;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        if (context.Request.Path == "/health")
        {
            Interlocked.Increment(ref _healthProbes);
            if (_hangHealth)
            {
                Interlocked.Increment(ref _healthHanging);
                using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
                try
                {
                    await Volatile.Read(ref _healthRelease).Task.WaitAsync(both.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            await context.Response.WriteAsync("healthy");
            return;
        }

        Interlocked.Increment(ref _apiRequests);
        if (_hangApi)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, both.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.Headers[InstanceHeader] = Name;
        if (_tooManyRequestsRetryAfter is { } retryAfter)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = retryAfter;
            await context.Response.WriteAsync("slow down");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"instance\":\"{Name}\"}}");
    }
}
