using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Silo.Hosting;
using TradingAgents.Actors.Silo.Observability;

namespace TradingAgents.Actors.Tests.Hosting;

public sealed class OperatorAccessMiddlewareTests
{
    [Theory]
    [InlineData("127.0.0.1", false, null, null, 200)]
    [InlineData("::1", false, null, null, 200)]
    [InlineData("198.51.100.23", false, null, null, 403)]
    [InlineData("198.51.100.23", true, null, null, 200)]
    [InlineData("198.51.100.23", false, "s3cret", "Bearer s3cret", 200)]
    [InlineData("198.51.100.23", false, "s3cret", "Bearer wrong", 403)]
    [InlineData("198.51.100.23", false, "s3cret", null, 403)]
    public async Task InvokeAsync_ClientAndSettings_AllowsOrRefuses(string remote, bool allowRemote, string? token, string? authorization, int expected)
    {
        foreach (var path in OperatorSurfaces.Prefixes)
        {
            var (status, reached) = await InvokeAsync(path + "/x", remote, 8080, new DashboardAccessOptions { AllowRemote = allowRemote, Token = token }, new ManagementOptions(), authorization);

            Assert.Equal(expected, status);
            Assert.Equal(expected == 200, reached);
        }
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/ready")]
    [InlineData("/data-service/api/v1/data/stock")]
    [InlineData("/apis/other")]
    public async Task InvokeAsync_ClientPath_PassesFromAnyClient(string path)
    {
        var (status, reached) = await InvokeAsync(path, "198.51.100.23", 8080, new DashboardAccessOptions(), new ManagementOptions { Port = 9091 }, authorization: null);

        Assert.Equal(200, status);
        Assert.True(reached);
    }

    [Theory]
    [InlineData("127.0.0.1", 8080, 404)]
    [InlineData("198.51.100.23", 8080, 404)]
    [InlineData("198.51.100.23", 9091, 200)]
    [InlineData("127.0.0.1", 9091, 200)]
    public async Task InvokeAsync_ManagementPort_OperatorPathsOnlyThere(string remote, int localPort, int expected)
    {
        var (status, reached) = await InvokeAsync("/api/discovery/services", remote, localPort, new DashboardAccessOptions { AllowRemote = true }, new ManagementOptions { Port = 9091 }, authorization: null);

        Assert.Equal(expected, status);
        Assert.Equal(expected == 200, reached);
    }

    private static async Task<(int Status, bool Reached)> InvokeAsync(
        string path, string remote, int localPort, DashboardAccessOptions access, ManagementOptions management, string? authorization)
    {
        var reached = false;
        var middleware = new OperatorAccessMiddleware(
            _ =>
            {
                reached = true;
                return Task.CompletedTask;
            },
            new StaticMonitor<DashboardAccessOptions>(access),
            new StaticMonitor<ManagementOptions>(management),
            new StaticMonitor<MetricsOptions>(new MetricsOptions()),
            NullLogger<OperatorAccessMiddleware>.Instance);
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Connection.LocalPort = localPort;
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        await middleware.InvokeAsync(context);
        return (context.Response.StatusCode, reached);
    }

    private sealed class StaticMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
