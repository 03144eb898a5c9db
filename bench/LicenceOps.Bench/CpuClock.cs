using System.Runtime.InteropServices;

namespace LicenceOps.Bench;

/// <summary>
/// Linux's CPU clocks in nanoseconds (<c>clock_gettime</c>): the calling thread's, and the process's. .NET's own
/// <c>Process.TotalProcessorTime</c> counts 10 ms ticks, too coarse for one PDF rendering or a 100 ms slice of a run.
/// </summary>
internal static class CpuClock
{
    private const int ProcessCpuTime = 2; // CLOCK_PROCESS_CPUTIME_ID
    private const int ThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

    /// <summary>The calling thread's CPU time; 0 where the clock cannot be read.</summary>
    public static long ThreadNanoseconds() => Read(ThreadCpuTime) ?? 0;

    /// <summary>The process's CPU time (every thread); the coarse .NET figure where the clock cannot be read.</summary>
    public static TimeSpan Process() =>
        Read(ProcessCpuTime) is { } ns ? TimeSpan.FromTicks(ns / 100) : System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    private static long? Read(int clock) => ClockGetTime(clock, out var now) == 0 ? now.Seconds * 1_000_000_000 + now.Nanoseconds : null;

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds, Nanoseconds;
    }
}
