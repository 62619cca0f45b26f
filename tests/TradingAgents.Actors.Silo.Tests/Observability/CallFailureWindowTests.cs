using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.Silo.Gateway;
using TradingAgents.Actors.Silo.Observability;

namespace TradingAgents.Actors.Tests.Observability;

public sealed class CallFailureWindowTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void FailureRate_NoCall_IsZeroAsTheSeedsMaxOneCalls()
    {
        Assert.Equal(0, new CallFailureWindow(_time).FailureRate("data-service"));
    }

    [Fact]
    public void FailureRate_OneFailureInFourCalls_IsAQuarter()
    {
        var window = new CallFailureWindow(_time);
        window.Record("data-service", failed: true);
        window.Record("data-service", failed: false);
        window.Record("data-service", failed: false);
        window.Record("data-service", failed: false);
        window.Record("llm-service", failed: true);

        Assert.Equal(0.25, window.FailureRate("data-service"));
        Assert.Equal(1, window.FailureRate("llm-service"));
    }

    [Fact]
    public void FailureRate_FailuresOlderThan60Seconds_NoLongerCount()
    {
        var window = new CallFailureWindow(_time);
        window.Record("data-service", failed: true);
        window.Record("data-service", failed: true);
        _time.Advance(TimeSpan.FromSeconds(30));
        window.Record("data-service", failed: false);
        window.Record("data-service", failed: false);
        Assert.Equal(0.5, window.FailureRate("data-service"));

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(0, window.FailureRate("data-service"));
        Assert.Equal([new("data-service", 0.0)], window.FailureRates());
    }

    [Theory]
    [InlineData(GatewayResult.Forwarded, 200, false)]
    [InlineData(GatewayResult.Forwarded, 404, false)]
    [InlineData(GatewayResult.Forwarded, 503, true)]
    [InlineData(GatewayResult.NoSelectableInstance, 503, true)]
    [InlineData(GatewayResult.TimedOut, 504, true)]
    [InlineData(GatewayResult.BadGateway, 502, true)]
    public void IsFailure_ServiceCall_CountsServerSideFailures(GatewayResult result, int status, bool failed)
    {
        var completion = new GatewayCompletion("data-service", "GET", status, result, 1, TimeSpan.FromMilliseconds(5));

        Assert.Equal(failed, MetricsGatewayObserver.IsFailure(completion));
    }

    [Theory]
    [InlineData(GatewayResult.UnknownService, 404)]
    [InlineData(GatewayResult.Draining, 503)]
    [InlineData(GatewayResult.Rejected, 413)]
    [InlineData(GatewayResult.ClientAborted, 499)]
    public void IsFailure_NotAServiceCall_IsNotCounted(GatewayResult result, int status)
    {
        var completion = new GatewayCompletion("data-service", "GET", status, result, 0, TimeSpan.FromMilliseconds(5));

        Assert.Null(MetricsGatewayObserver.IsFailure(completion));
    }
}
