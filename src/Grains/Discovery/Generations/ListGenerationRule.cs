namespace TradingAgents.Actors.Discovery;

/// <summary>
/// How the silos agree on the generation of their lists, so that a list made after the API server's
/// resourceVersions went back (etcd restore, rebuilt cluster) replaces what the grains hold, while a
/// silo that has not noticed yet cannot roll a grain back.
/// </summary>
/// <remarks>
/// <para>
/// A watcher knows that versions went back only from its own history: lists are consistent reads, so
/// within one history of the API server a later list of the same watcher never has a lower
/// resourceVersion than anything it saw before. A lower one is proof, not a guess; a lower version
/// seen by a silo without history (just started) or delivered late by a slow silo proves nothing and
/// moves nothing.
/// </para>
/// <para>
/// The proof moves the generation on once for the whole fleet: the first watcher that reports it at
/// the current generation moves it; the others, still at the old number, adopt the new one with their
/// next list. The new number is at least the time of the move in Unix milliseconds, so that if the
/// holder of the number is lost (its silo died) and a later move starts again from a watcher's number,
/// it still lands above every earlier generation. Callers report their number on every call, so a
/// holder that starts again learns the current generation from the first caller that has it.
/// </para>
/// </remarks>
public sealed class ListGenerationRule
{
    /// <summary>The current generation; 0 until versions were ever seen to go back.</summary>
    public long Current { get; private set; }

    /// <summary>Applies one report and returns the generation the reporter's list belongs to.</summary>
    public long Agree(long known, bool versionsWentBack, DateTimeOffset now)
    {
        if (known > Current)
        {
            Current = known;
        }

        if (versionsWentBack && known == Current)
        {
            Current = Math.Max(Current + 1, now.ToUnixTimeMilliseconds());
        }

        return Current;
    }
}
