using TradingAgents.Actors.Client.Metrics;

namespace TradingAgents.Actors.Tests.Metrics;

public sealed class ServiceCallMetricsTests
{
    [Fact]
    public void Snapshot_NothingRecorded_IsZeroWithFailureRateZero()
    {
        var snapshot = new ServiceCallMetrics().Snapshot();

        Assert.Equal(ServiceCallCounts.Empty, snapshot.Total);
        Assert.Empty(snapshot.Services);
        Assert.Equal(0.0, snapshot.FailureRate);
        Assert.Equal(ServiceCallCounts.Empty, snapshot.For("data-service"));
    }

    [Fact]
    public void Snapshot_CountsPerServiceAndTotal()
    {
        var metrics = new ServiceCallMetrics();
        for (var i = 0; i < 4; i++)
        {
            metrics.RecordServiceCall("a");
            metrics.RecordDiscoveryCall("a");
        }

        metrics.RecordFailure("a");
        metrics.RecordRetry("a");
        metrics.RecordDiscoveryCall("a");
        metrics.RecordServiceCall("b");
        metrics.RecordDiscoveryCall("b");
        metrics.RecordFailure("b");

        var snapshot = metrics.Snapshot();

        Assert.Equal(new ServiceCallCounts(5, 4, 1, 1), snapshot.For("a"));
        Assert.Equal(0.25, snapshot.For("a").FailureRate);
        Assert.Equal(new ServiceCallCounts(1, 1, 1, 0), snapshot.For("b"));
        Assert.Equal(new ServiceCallCounts(6, 5, 2, 1), snapshot.Total);
        Assert.Equal(0.4, snapshot.FailureRate);
    }

    [Fact]
    public void RevokeFailure_AfterRecord_LeavesNoFailure()
    {
        var metrics = new ServiceCallMetrics();
        metrics.RecordServiceCall("a");
        metrics.RecordFailure("a");
        metrics.RecordRetry("a");
        metrics.RevokeFailure("a");

        Assert.Equal(new ServiceCallCounts(0, 1, 0, 1), metrics.Snapshot().For("a"));
    }

    [Fact]
    public async Task Record_FromManyThreads_LosesNoCount()
    {
        var metrics = new ServiceCallMetrics();

        await Parallel.ForAsync(0, 8, async (_, _) =>
        {
            await Task.Yield();
            for (var i = 0; i < 10_000; i++)
            {
                metrics.RecordServiceCall(i % 2 == 0 ? "a" : "b");
            }
        });

        var snapshot = metrics.Snapshot();
        Assert.Equal(40_000, snapshot.For("a").ServiceCalls);
        Assert.Equal(40_000, snapshot.For("b").ServiceCalls);
        Assert.Equal(80_000, snapshot.ServiceCalls);
    }
}
