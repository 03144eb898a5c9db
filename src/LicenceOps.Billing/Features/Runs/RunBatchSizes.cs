namespace LicenceOps.Billing.Features.Runs;

/// <summary>
/// How many tenants an invoice run takes in its next batch (one write transaction, drafted and issued set-based: ADR 0030,
/// 0042). Pure, so the sizes a run goes through are tested without a database.
/// </summary>
internal static class RunBatchSizes
{
    /// <summary>
    /// The first batch. An issuing run renders each document as soon as its batch commits, on one renderer per core, and
    /// nothing is rendered before the first batch commits: a full first batch (32 tenants, 40–80 ms) left every core but the
    /// drafting one idle for that long, a fixed cost per run that was 5–10 % of a 100-tenant run (ADR 0054). So it starts
    /// with one tenant per renderer, and <see cref="Next"/> doubles from there. Without renderers (a draft-only run), or
    /// with the ramp turned off, the first batch is full.
    /// </summary>
    public static int First(int most, int? renderers, bool rampUp) =>
        rampUp && renderers is > 0 ? Math.Min(most, renderers.Value) : most;

    /// <summary>
    /// The batch after one that took <paramref name="taken"/> tenants in <paramref name="took"/>. A set-based batch cannot
    /// stop half-way once it runs long, so when the last one ran longer than <paramref name="longest"/> the next takes as many
    /// tenants as its pace fits in that time, so other Billing writers never wait much longer; otherwise it doubles (the
    /// ramp from <see cref="First"/>, or back after a slow one), never beyond <paramref name="most"/> nor below one.
    /// </summary>
    public static int Next(int taken, TimeSpan took, int most, TimeSpan longest)
    {
        if (taken <= 0)
        {
            return most;
        }
        return took <= longest
            ? Math.Min(most, taken * 2)
            : Math.Clamp((int)(taken * (longest / took)), 1, most);
    }
}
