namespace LicenceOps.Billing.Features.Runs;

/// <summary>What one worker of an issuing invoice run does next (<see cref="RunScheduler.Next"/>).</summary>
internal enum RunStep
{
    /// <summary>Take the serial token and draft, number and record the next batch of tenants.</summary>
    Draft,

    /// <summary>Take the serial token and store the PDFs rendered so far, in one transaction.</summary>
    Store,

    /// <summary>Render the next issued document of the backlog.</summary>
    Render,

    /// <summary>Nothing this worker can do until another one finishes its step.</summary>
    Wait,

    /// <summary>Nothing left to draft, render or store: this worker stops.</summary>
    Done,
}

/// <summary>
/// What the workers of an issuing run share, as one worker sees it when it chooses its next step.
/// </summary>
/// <param name="TokenFree">No worker holds the serial token (drafting and storing are Billing writes, one at a time).</param>
/// <param name="DraftingOver">Every pending tenant was taken, or the run stopped drafting (lease lost, drafting failed).</param>
/// <param name="Backlog">Issued documents waiting for a renderer.</param>
/// <param name="Rendered">Rendered PDFs waiting to be stored.</param>
/// <param name="GateHeld">Another Billing write holds the database's write gate (the mail dispatcher's, the background
/// checkpointer's restart pass of ADR 0088): a draft or a store started now would wait for it with its core idle.</param>
internal readonly record struct RunState(bool TokenFree, bool DraftingOver, int Backlog, int Rendered, bool GateHeld = false);

/// <param name="LowWater">Below this many documents in the backlog, drafting the next batch comes first, so the renderers do
/// not run dry while it runs.</param>
/// <param name="StoreAt">From this many rendered PDFs waiting, storing them comes before rendering more.</param>
internal readonly record struct RunLimits(int LowWater, int StoreAt)
{
    /// <summary>
    /// A batch runs up to 40 ms (<see cref="BillingOptions.RunBatchMilliseconds"/>), eight renders of about 5 ms: the backlog
    /// keeps that much for every worker, so the others still have work when the drafting one comes back. Storing waits for
    /// 16 PDFs (about 800 KB, a few milliseconds of writing) so its transactions are few.
    /// </summary>
    public static RunLimits For(int workers) => new(LowWater: 8 * Math.Max(1, workers), StoreAt: 16);
}

/// <summary>
/// The decision of an issuing run's workers (ADR 0068): a run is worked by one worker per core and no other thread, so no
/// runnable thread of the run waits behind a busy core while another core idles; each worker takes whatever is most urgent.
/// Pure: the workers' shell (<see cref="InvoiceRunWorkers"/>) applies it under its lock, and it is tested without a database.
/// </summary>
internal static class RunScheduler
{
    public static RunStep Next(RunState state, RunLimits limits)
    {
        // The write gate is held by another writer: a draft or a store would wait behind it on this worker's core while the
        // backlog has work for that core (the checkpointer's restart pass holds it for its fsyncs, ADR 0088). Render one and
        // choose again; with nothing to render, queue at the gate as before.
        if (state.GateHeld && state.Backlog > 0)
        {
            return RunStep.Render;
        }
        // The renderers must never run dry: refill the backlog before it empties, while the others render what is left.
        if (state.TokenFree && !state.DraftingOver && state.Backlog < limits.LowWater)
        {
            return RunStep.Draft;
        }
        // Rendered PDFs are memory until stored (and lost in a crash, to be rendered again): store once enough wait.
        if (state.TokenFree && state.Rendered >= limits.StoreAt)
        {
            return RunStep.Store;
        }
        if (state.Backlog > 0)
        {
            return RunStep.Render;
        }
        // Nothing to render: store what is rendered rather than sit idle (and at the end of the run, the last few).
        if (state.TokenFree && state.Rendered > 0)
        {
            return RunStep.Store;
        }
        // Whatever another worker is still rendering or storing, that worker stores or has stored itself.
        return state.DraftingOver && state.Rendered == 0 ? RunStep.Done : RunStep.Wait;
    }
}
