namespace TradingAgents.Actors.Health;

/// <summary>
/// The statistics of one instance that the seed's health-aware score reads (latency, failure count),
/// with the rules that keep an idle instance from being judged forever by its last calls: a passing
/// probe resets the failure count and, while no calls arrive, pulls the latency toward what the probe
/// saw; without probes, an idle instance's failure count halves every interval. Pure; the instance
/// grain applies what comes in.
/// </summary>
internal sealed class ScoreStatistics
{
    /// <summary>Weight of the newest sample in the latency average; about the last five calls dominate.</summary>
    public const double EwmaAlpha = 0.3;

    /// <summary>Share of the gap to the probe's latency kept per idle interval.</summary>
    public const double IdleDecay = 0.5;

    private double _ewmaLatencyMs;
    private bool _hasCallSample;
    private bool _outcomeSinceTick;
    private bool _idleBeforeProbe;

    /// <summary>EWMA of call latency in milliseconds; 0 until <see cref="Measured"/>.</summary>
    public double EwmaLatencyMs => Measured ? _ewmaLatencyMs : 0;

    /// <summary>True once a call latency sample or a passing probe exists.</summary>
    public bool Measured { get; private set; }

    /// <summary>Failures since the last success or passing probe (the score's failure count).</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>Calls that ended with an answer (successes, failures, backpressure).</summary>
    public long CompletedCalls { get; private set; }

    /// <summary><paramref name="count"/> successful calls whose latencies add up to <paramref name="totalLatency"/>.</summary>
    public void RecordSuccesses(int count, TimeSpan totalLatency)
    {
        count = Math.Max(1, count);

        // n samples of the same value m move the average to m + (1 - α)^n × (average - m); the first
        // call sample replaces a probe's seed.
        var meanMs = totalLatency.TotalMilliseconds / count;
        _ewmaLatencyMs = _hasCallSample ? meanMs + (Math.Pow(1 - EwmaAlpha, count) * (_ewmaLatencyMs - meanMs)) : meanMs;
        _hasCallSample = true;
        Measured = true;
        ConsecutiveFailures = 0;
        Completed(count);
    }

    /// <summary>
    /// <paramref name="count"/> failed calls that took <paramref name="totalLatency"/> together. A failure
    /// slower than the average is latency evidence too (a call cut at a 30 s timeout says the instance
    /// takes at least 30 s), so it moves the average up like a sample; a fast failure (connection
    /// refused) leaves it, since it says nothing about how fast the instance answers.
    /// </summary>
    public void RecordFailures(int count, TimeSpan totalLatency = default)
    {
        count = Math.Max(1, count);
        ConsecutiveFailures = (int)Math.Min(int.MaxValue, (long)ConsecutiveFailures + count);
        var meanMs = totalLatency.TotalMilliseconds / count;
        if (Measured && meanMs > _ewmaLatencyMs)
        {
            _ewmaLatencyMs = meanMs + (Math.Pow(1 - EwmaAlpha, count) * (_ewmaLatencyMs - meanMs));
        }

        Completed(count);
    }

    /// <summary><paramref name="count"/> calls the instance answered with backpressure: neither success nor failure.</summary>
    public void RecordBackpressure(int count) => Completed(Math.Max(1, count));

    /// <summary>
    /// One health interval has passed (the probe of this interval, if any, starts now). Without probing,
    /// an instance that got no call in the whole interval has its failure count halved.
    /// </summary>
    public void Tick(bool probing)
    {
        _idleBeforeProbe = !_outcomeSinceTick;
        if (!probing && _idleBeforeProbe)
        {
            ConsecutiveFailures /= 2;
        }

        _outcomeSinceTick = false;
    }

    /// <summary>
    /// A probe passed after <paramref name="latency"/>: failures are forgotten; the latency is seeded when
    /// nothing is measured yet, and halves its gap to the probe's when no call came in the interval
    /// before the probe nor during it.
    /// </summary>
    public void ProbePassed(TimeSpan latency)
    {
        ConsecutiveFailures = 0;
        var probeMs = Math.Max(0, latency.TotalMilliseconds);
        if (!Measured)
        {
            _ewmaLatencyMs = probeMs;
        }
        else if (_idleBeforeProbe && !_outcomeSinceTick)
        {
            _ewmaLatencyMs = probeMs + (IdleDecay * (_ewmaLatencyMs - probeMs));
        }

        Measured = true;
    }

    private void Completed(int count)
    {
        CompletedCalls += count;
        _outcomeSinceTick = true;
    }
}
