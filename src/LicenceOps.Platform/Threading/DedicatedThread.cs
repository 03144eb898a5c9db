using System.Collections.Concurrent;

namespace LicenceOps.Platform.Threading;

/// <summary>
/// Runs an asynchronous loop on a thread of its own instead of the thread pool's, its continuations included: every await in
/// the loop that does not complete at once resumes on that thread (a synchronization context the thread pumps), so the loop
/// never holds a pool thread. For CPU-bound loops that step synchronously for seconds, one per core (ADR 0093): on the pool
/// they kept work queued behind them — requests, timers' callbacks, the dispatchers' passes — waiting for up to two seconds
/// until the pool added a thread (docs/performance.md, the lead's section of session 30). On threads of their own the loops
/// share the cores with the pool's work through the operating system's scheduler instead.
/// </summary>
public static class DedicatedThread
{
    /// <summary>
    /// Starts <paramref name="loop"/> on a new background thread named <paramref name="name"/>; the task completes as the
    /// loop's does (its exception or cancellation included), once the thread has run everything posted to it.
    /// </summary>
    public static Task RunAsync(string name, Func<Task> loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var context = new PumpedContext();
            var previous = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(context);
            try
            {
                var task = loop();
                // Completing the queue ends the pump once the loop's last continuation has run on this thread.
                task.ContinueWith(static (_, state) => ((PumpedContext)state!).Complete(), context,
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                context.Pump();
                if (task.IsFaulted)
                {
                    done.SetException(task.Exception!.InnerExceptions);
                }
                else if (task.IsCanceled)
                {
                    done.SetCanceled();
                }
                else
                {
                    done.SetResult();
                }
            }
            catch (Exception e)
            {
                // The loop threw before its first await, or a continuation threw past the loop (async void): the caller's.
                done.TrySetException(e);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(previous);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>The continuations posted to the thread, run in order by <see cref="Pump"/> until <see cref="Complete"/>.</summary>
    private sealed class PumpedContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> posted = new();

        public override void Post(SendOrPostCallback d, object? state)
        {
            try
            {
                posted.Add((d, state));
            }
            catch (InvalidOperationException)
            {
                // The loop is over and its thread gone: something it started and did not await still resumes, on the pool.
                ThreadPool.QueueUserWorkItem(static s => s.d(s.state), (d, state), preferLocal: false);
            }
        }

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("A dedicated thread's loop is only ever posted to.");

        public override SynchronizationContext CreateCopy() => this;

        public void Complete() => posted.CompleteAdding();

        public void Pump()
        {
            foreach (var (callback, state) in posted.GetConsumingEnumerable())
            {
                callback(state);
            }
        }
    }
}
