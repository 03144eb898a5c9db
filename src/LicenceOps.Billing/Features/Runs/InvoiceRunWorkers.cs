using System.Runtime.ExceptionServices;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Platform.Threading;

namespace LicenceOps.Billing.Features.Runs;

/// <summary>What one drafting step of a run issued (handed over once its transaction committed), and whether tenants remain.</summary>
internal sealed record RunDraft(IReadOnlyList<RenderRequest> Issued, bool More);

/// <summary>
/// Works an issuing invoice run with one worker per core and no other flow (ADR 0068). Each worker asks
/// <see cref="RunScheduler"/> what comes next and does it: draft the next batch or store the rendered PDFs, both holding the
/// serial token (one holder at a time: numbering is gapless in issue order, and Billing has one writer at a time anyway), or
/// render the next issued document. Before this, a run had a drafting flow, one renderer per core and a PDF writer: more
/// runnable threads than cores, so one of them often waited behind a busy core for milliseconds while the other core idled
/// (docs/performance.md, feat/i16cu).
/// <para>
/// Kept from then: the backlog of issued documents is bounded (drafting waits while it holds <see cref="RunLimits.LowWater"/>,
/// plus at most one batch), a render that fails is left for the document's first download, a store transaction that fails is
/// redone one document at a time, and a crash loses only renderings (a resumed run renders its issued documents that have no
/// stored PDF, handed in as the initial backlog). A drafting step that throws ends drafting: what was issued is still
/// rendered and stored, then the error is thrown. Cancellation (or any other error) stops every worker.
/// </para>
/// </summary>
internal sealed class InvoiceRunWorkers(InvoiceDocuments documents, Func<CancellationToken, Task<RunDraft>> draft, int workers, Func<bool>? gateHeld = null)
{
    /// <summary>About 1.7 MB of PDFs (50 KB each) in one transaction at most, a few milliseconds of writing.</summary>
    private const int MaxStoredPerTransaction = 32;

    private readonly RunLimits limits = RunLimits.For(workers);
    private readonly Lock gate = new();
    private readonly Queue<RenderRequest> backlog = new();
    private readonly List<InvoiceDocuments.RenderedDocument> rendered = [];
    private bool tokenFree = true;
    private bool draftingOver;
    private TaskCompletionSource changed = NewSignal();
    private bool anyWaiting;
    private ExceptionDispatchInfo? draftFailure;
    private ExceptionDispatchInfo? failure;

    /// <summary>
    /// Works the run to its end: every pending tenant drafted (unless drafting stopped), every issued document rendered and
    /// its PDF stored. <paramref name="resumed"/> are documents issued by an interrupted attempt, rendered unless stored.
    /// </summary>
    public async Task RunAsync(IEnumerable<RenderRequest> resumed, CancellationToken ct)
    {
        foreach (var request in resumed)
        {
            backlog.Enqueue(request);
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Each worker on a thread of its own (ADR 0093): a worker steps synchronously while its renders complete, and on the
        // pool the workers held its threads for the whole run, so requests and timers waited up to seconds behind them.
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, workers)).Select(i => DedicatedThread.RunAsync($"Invoice run worker {i + 1}", () => WorkAsync(stop))));
        failure?.Throw();
        draftFailure?.Throw();
    }

    private async Task WorkAsync(CancellationTokenSource stop)
    {
        var ct = stop.Token;
        try
        {
            while (true)
            {
                RunStep step;
                RenderRequest? request = null;
                List<InvoiceDocuments.RenderedDocument>? toStore = null;
                Task? wait = null;
                lock (gate)
                {
                    // Read only while the token is free: its holder's own write holds the gate then, and no other step needs it.
                    step = RunScheduler.Next(new RunState(tokenFree, draftingOver, backlog.Count, rendered.Count, tokenFree && gateHeld is not null && gateHeld()), limits);
                    switch (step)
                    {
                        case RunStep.Draft:
                            tokenFree = false;
                            break;
                        case RunStep.Store:
                            tokenFree = false;
                            toStore = rendered.Take(MaxStoredPerTransaction).ToList();
                            rendered.RemoveRange(0, toStore.Count);
                            break;
                        case RunStep.Render:
                            request = backlog.Dequeue();
                            break;
                        case RunStep.Wait:
                            anyWaiting = true;
                            wait = changed.Task;
                            break;
                        case RunStep.Done:
                            return;
                    }
                }

                switch (step)
                {
                    case RunStep.Draft:
                        await DraftAsync(ct);
                        break;
                    case RunStep.Store:
                        try
                        {
                            await documents.StoreRenderedAsync(toStore!, ct);
                        }
                        finally
                        {
                            Release();
                        }
                        break;
                    case RunStep.Render:
                        var document = await documents.RenderIssuedAsync(request!, ct);
                        if (document is not null)
                        {
                            lock (gate)
                            {
                                rendered.Add(document);
                                Changed();
                            }
                        }
                        break;
                    case RunStep.Wait:
                        await wait!.WaitAsync(ct);
                        break;
                }
            }
        }
        catch (Exception e)
        {
            // Cancelled, or something no step handles: every worker stops (the first error is the run's).
            lock (gate)
            {
                failure ??= ExceptionDispatchInfo.Capture(e);
            }
            await stop.CancelAsync();
        }
    }

    private async Task DraftAsync(CancellationToken ct)
    {
        RunDraft drafted;
        ExceptionDispatchInfo? failed = null;
        try
        {
            drafted = await draft(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // As when the run had a drafting loop of its own: drafting ends, what was issued is still rendered and stored,
            // then this is thrown.
            failed = ExceptionDispatchInfo.Capture(e);
            drafted = new RunDraft([], More: false);
        }
        lock (gate)
        {
            draftFailure ??= failed;
            foreach (var request in drafted.Issued)
            {
                backlog.Enqueue(request);
            }
            draftingOver = !drafted.More;
            tokenFree = true;
            Changed();
        }
    }

    private void Release()
    {
        lock (gate)
        {
            tokenFree = true;
            Changed();
        }
    }

    /// <summary>Under the lock: wakes the workers that found nothing to do, to choose again.</summary>
    private void Changed()
    {
        if (!anyWaiting)
        {
            return;
        }
        anyWaiting = false;
        var woken = changed;
        changed = NewSignal();
        woken.SetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
