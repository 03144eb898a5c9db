using System.Globalization;
using System.Runtime.InteropServices;

namespace LicenceOps.Bench;

/// <summary>
/// The process's context switches so far (every thread, the exited ones too), from getrusage. A voluntary one is a thread
/// that went to sleep waiting (a lock, a channel, an idle thread-pool worker, I/O) and was woken later: hand-offs between
/// threads cost a wake-up each, kernel time that no phase of ours shows. Involuntary ones are preemptions: they move with the
/// machine's load, the voluntary ones mostly with the code. The minor page faults ride along (the reconciliation bench prints
/// them per pass): like the waits, they follow the code (what it allocates on fresh pages), not the load.
/// </summary>
internal readonly record struct ThreadWaits(long Voluntary, long Involuntary, long PageFaults)
{
    public static ThreadWaits Now() => GetRUsage(0, out var usage) == 0 ? new(usage.Nvcsw, usage.Nivcsw, usage.Minflt) : default;

    /// <summary>
    /// The process's minor page faults so far: pages touched for the first time since the kernel mapped them (fresh memory
    /// for the GC's gen 0, a new malloc arena page). On this VM a first touch costs the kernel 6–7 µs per 4 KiB page
    /// (feat/i16ok), so a run that faults more than its floor shows it here.
    /// </summary>
    public static long MinorPageFaults() => Now().PageFaults;

    public static ThreadWaits operator -(ThreadWaits a, ThreadWaits b) => new(a.Voluntary - b.Voluntary, a.Involuntary - b.Involuntary, a.PageFaults - b.PageFaults);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Voluntary:N0} thread waits ({Involuntary:N0} preemptions), {PageFaults:N0} minor page faults");

    // RUSAGE_SELF = 0; Linux x64 layout: two timevals, then fourteen longs of which the last two are the switch counts.
    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, out RUsage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UtimeSec, UtimeUsec, StimeSec, StimeUsec;
        public long Maxrss, Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }
}
