using System.Diagnostics;

namespace LicenceOps.Bench;

/// <summary>
/// Waits until this process has been quiet (under 10 % of a core over a quarter of a second), so a measured phase is not
/// charged with work an earlier one left running: the host's start-up, a WAL checkpoint of a large write (the checkpointer
/// runs every 250 ms, ADR 0037), a background GC. What was waited out is returned, so the bench prints it and a tail that
/// grows with the work shows (ADR 0054 for the invoice run; the same rule for every pass of the reconciliation bench).
/// </summary>
internal static class QuietProcess
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);

    public static async Task<(double CpuSeconds, double Seconds)> WaitAsync(TimeSpan atMost)
    {
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < atMost)
        {
            var windowCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            await Task.Delay(Window);
            if ((Process.GetCurrentProcess().TotalProcessorTime - windowCpuBefore).TotalSeconds < Window.TotalSeconds / 10)
            {
                break;
            }
        }
        return ((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds, clock.Elapsed.TotalSeconds);
    }
}
