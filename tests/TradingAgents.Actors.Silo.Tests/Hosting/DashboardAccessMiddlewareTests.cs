using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Silo.Hosting;

namespace TradingAgents.Actors.Tests.Hosting;

public sealed class DashboardAccessMiddlewareTests
{
    [Theory]
    [InlineData("127.0.0.1", false, null, null, 200)]
    [InlineData("::1", false, null, null, 200)]
    [InlineData("10.1.2.3", false, null, null, 403)]
    [InlineData("10.1.2.3", true, null, null, 200)]
    [InlineData("10.1.2.3", false, "s3cret", "Bearer s3cret", 200)]
    [InlineData("10.1.2.3", false, "s3cret", "Bearer wrong", 403)]
    [InlineData("10.1.2.3", false, "s3cret", null, 403)]
    public async Task InvokeAsync_ClientAndSettings_AllowsOrRefuses(string remote, bool allowRemote, string? token, string? authorization, int expected)
    {
        var options = new DashboardAccessOptions { AllowRemote = allowRemote, Token = token };
        var reached = false;
        var middleware = new DashboardAccessMiddleware(
            _ =>
            {
                reached = true;
                return Task.CompletedTask;
            },
            new StaticMonitor(options),
            NullLogger<DashboardAccessMiddleware>.Instance);
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        await middleware.InvokeAsync(context);

        Assert.Equal(expected, context.Response.StatusCode);
        Assert.Equal(expected == 200, reached);
    }

    private sealed class StaticMonitor(DashboardAccessOptions value) : IOptionsMonitor<DashboardAccessOptions>
    {
        public DashboardAccessOptions CurrentValue => value;

        public DashboardAccessOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<DashboardAccessOptions, string?> listener) => null;
    }
}
