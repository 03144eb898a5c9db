namespace LicenceOps.Platform.Data;

/// <summary>
/// A first-come, first-served turn at one SQLite database's write lock, taken by <see cref="ModuleDatabase.WriteAsync{T}"/>
/// before it begins its transaction. SQLite's own busy handler is not fair: a waiting writer sleeps and retries, so a
/// chunked job that commits and immediately begins its next chunk takes the lock again before the sleeper wakes, and other
/// writes of the module can wait for the whole job (up to busy_timeout). Queuing in process first means a writer that
/// arrives during a chunk is served before that job's next chunk: a chunked job yields between chunks by construction.
/// <para>
/// Re-entrant within one async flow: a write started while the same flow holds this gate (e.g. a test's
/// <see cref="ModuleDatabase.BeforeStatement"/> playing another writer) does not wait for itself; it meets SQLite's own
/// lock as before. Waiting is bounded by the same 30 s as SQLite's busy_timeout, so a stuck holder fails writers with
/// the same kind of error it did before, never silently hangs them. Only for SQLite: SQL Server locks rows, and its
/// writers must stay concurrent. Other processes writing the same file are not queued here (they never were fair).
/// </para>
/// </summary>
public sealed class WriteGate
{
    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly AsyncLocal<Holder?> held = new();
    private int waiting;

    /// <summary>How long a writer waits for its turn before failing, as SQLite's busy_timeout would.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(SqliteSession.BusyTimeoutMilliseconds);

    /// <summary>Writers queued for their turn right now (diagnostics and tests).</summary>
    public int Waiting => Volatile.Read(ref waiting);

    /// <summary>
    /// Whether a write (or the background checkpointer's restart pass, ADR 0088) holds the turn right now: a writer that
    /// arrives waits. A hint, already stale when read; an invoice run's workers read it to render rather than queue.
    /// </summary>
    public bool Held => turn.CurrentCount == 0;

    /// <summary>
    /// Waits for this flow's turn; dispose the answer to hand the turn to the next writer in line. The wait is queued
    /// before this method first yields, so a caller that got the task back is already in line. Pass the answer to
    /// <see cref="OwnedByThisFlow"/> in the method that writes, so writes nested in it know the turn is theirs.
    /// </summary>
    public async ValueTask<IDisposable> EnterAsync(CancellationToken ct)
    {
        if (held.Value is { Active: true } mine && mine.Gate == this)
        {
            return Reentry.Instance;
        }
        Interlocked.Increment(ref waiting);
        bool entered;
        try
        {
            entered = await turn.WaitAsync(MaxWait, ct);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
        if (!entered)
        {
            throw new TimeoutException(
                $"No turn at the database's write lock within {MaxWait.TotalSeconds:0} s: another write held it all that time (the same limit as SQLite's busy_timeout).");
        }
        return new Holder(this);
    }

    /// <summary>
    /// Marks <paramref name="turn"/> as held by the calling flow and what it starts. Separate from <see cref="EnterAsync"/>
    /// because an async method's changes to an AsyncLocal do not flow back to its caller.
    /// </summary>
    public IDisposable OwnedByThisFlow(IDisposable turn)
    {
        if (turn is Holder holder)
        {
            held.Value = holder;
        }
        return turn;
    }

    private sealed class Holder(WriteGate gate) : IDisposable
    {
        public WriteGate Gate => gate;

        // The flow's AsyncLocal copy may outlive the write (a task started inside it): it stops counting once released.
        public bool Active { get; private set; } = true;

        public void Dispose()
        {
            if (Active)
            {
                Active = false;
                gate.turn.Release();
            }
        }
    }

    private sealed class Reentry : IDisposable
    {
        public static readonly Reentry Instance = new();

        public void Dispose()
        {
        }
    }
}
