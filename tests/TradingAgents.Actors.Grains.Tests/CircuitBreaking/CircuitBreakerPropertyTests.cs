using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.CircuitBreaking;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.CircuitBreaking;

/// <summary>
/// Random interleavings of outcomes from several reporters, aborts, backpressure, late results of older
/// generations, trial acquisitions and time, checked step by step against a small model of the rules:
/// the circuit opens only after failure_threshold failures of one reporter stream with no success of that
/// stream between them (or a failed trial); it closes only on a trial success; a cancelled call changes
/// nothing but its lease; outstanding trial leases never exceed half_open_max_calls.
/// </summary>
public sealed class CircuitBreakerPropertyTests
{
    private const int Threshold = 5;
    private const int MaxTrials = 3;
    private static readonly TimeSpan LeaseLifetime = TimeSpan.FromSeconds(20);
    private static readonly string[] Reporters = ["gw-1", "gw-2", "gw-3"];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 25)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomInterleavings_FollowTheRules(int seed)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new CircuitBreakerOptions { FailureThreshold = Threshold, RecoveryTimeout = TimeSpan.FromSeconds(30), HalfOpenMaxCalls = MaxTrials };
        var breaker = new CircuitBreaker(options, time, LeaseLifetime, firstLeaseId: 1);
        var model = new Model();
        var everGranted = new List<long>();
        var opened = 0;
        var closed = 0;

        for (var step = 0; step < 3000; step++)
        {
            // Time first: the lazy open -> half-open is the only change time alone may make.
            if (random.Next(10) == 0)
            {
                time.Advance(TimeSpan.FromSeconds(random.Next(0, 16)));
            }

            var now = time.GetUtcNow();
            if (breaker.Update())
            {
                Assert.Equal(CircuitState.Open, model.State);
                Assert.True(now >= model.OpenUntil, $"seed {seed} step {step}: half-open before the open period ended");
                model.Transition(CircuitState.HalfOpen);
            }

            model.DropExpired(now);
            var action = random.Next(100);
            var reporter = Reporters[random.Next(Reporters.Length)];
            var generation = random.Next(10) < 7 ? model.Generation : model.Generation - random.Next(1, 4);
            var leaseId = PickLease(random, model, everGranted);
            var expected = model.State;
            if (action < 12)
            {
                var granted = breaker.AcquireTrials(reporter, random.Next(1, 4));
                var room = model.State == CircuitState.HalfOpen ? MaxTrials - model.Leases.Count : 0;
                Assert.True(granted.Count <= room, $"seed {seed} step {step}: {granted.Count} leases granted with room for {room}");
                foreach (var lease in granted)
                {
                    Assert.DoesNotContain(lease.Id, everGranted);
                    everGranted.Add(lease.Id);
                    model.Leases[lease.Id] = lease.Expiry;
                }
            }
            else
            {
                var kind = action switch
                {
                    < 50 => OutcomeKind.Failure,
                    < 80 => OutcomeKind.Success,
                    < 92 => OutcomeKind.Cancelled,
                    _ => OutcomeKind.Backpressure,
                };
                var trialsBefore = breaker.ActiveTrials;
                breaker.Record(reporter, kind, 1, generation, leaseId, "HTTP 500");
                expected = model.Apply(reporter, kind, generation, leaseId);
                if (kind is OutcomeKind.Cancelled or OutcomeKind.Backpressure)
                {
                    Assert.Equal(model.State, breaker.State);
                    Assert.InRange(trialsBefore - breaker.ActiveTrials, 0, 1);
                }
            }

            if (expected != model.State)
            {
                opened += expected == CircuitState.Open ? 1 : 0;
                closed += expected == CircuitState.Closed ? 1 : 0;
                model.Transition(expected, now + options.RecoveryTimeout);
            }

            Assert.Equal(model.State, breaker.State);
            Assert.Equal(model.Generation, breaker.Generation);
            Assert.Equal(model.Leases.Count, breaker.ActiveTrials);
            Assert.InRange(breaker.ActiveTrials, 0, MaxTrials);
            Assert.Equal(model.LongestRun, breaker.ConsecutiveFailures);
        }

        // The walk must have exercised every transition, or it proves little.
        Assert.True(opened > 3 && closed > 0, $"seed {seed}: opened {opened}, closed {closed}");
    }

    private static long PickLease(Random random, Model model, List<long> everGranted) => random.Next(10) switch
    {
        < 4 => 0,
        < 8 when model.Leases.Count > 0 => model.Leases.Keys.ElementAt(random.Next(model.Leases.Count)),
        _ when everGranted.Count > 0 => everGranted[random.Next(everGranted.Count)],
        _ => 0,
    };

    /// <summary>The rules, written as plainly as possible.</summary>
    private sealed class Model
    {
        public CircuitState State { get; private set; } = CircuitState.Closed;

        public long Generation { get; private set; }

        public DateTimeOffset OpenUntil { get; private set; }

        public Dictionary<string, int> Runs { get; } = [];

        public Dictionary<long, DateTimeOffset> Leases { get; } = [];

        public int LongestRun => State == CircuitState.Closed && Runs.Count > 0 ? Runs.Values.Max() : 0;

        public void DropExpired(DateTimeOffset now)
        {
            foreach (var (id, expiry) in Leases.Where(l => l.Value <= now).ToList())
            {
                Leases.Remove(id);
            }
        }

        /// <summary>The state the outcome should lead to.</summary>
        public CircuitState Apply(string reporter, OutcomeKind kind, long generation, long leaseId)
        {
            if (generation != Generation)
            {
                return State;
            }

            if (State == CircuitState.Closed)
            {
                if (kind == OutcomeKind.Success)
                {
                    Runs.Remove(reporter);
                }
                else if (kind == OutcomeKind.Failure)
                {
                    Runs[reporter] = Runs.GetValueOrDefault(reporter) + 1;
                    return Runs[reporter] >= Threshold ? CircuitState.Open : State;
                }

                return State;
            }

            if (State == CircuitState.HalfOpen && leaseId != 0 && Leases.Remove(leaseId))
            {
                return kind switch
                {
                    OutcomeKind.Success => CircuitState.Closed,
                    OutcomeKind.Failure => CircuitState.Open,
                    _ => State,
                };
            }

            return State;
        }

        public void Transition(CircuitState to, DateTimeOffset openUntil = default)
        {
            State = to;
            Generation++;
            Runs.Clear();
            Leases.Clear();
            if (to == CircuitState.Open)
            {
                OpenUntil = openUntil;
            }
        }
    }
}
