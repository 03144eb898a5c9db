using System.Collections.Concurrent;
using LicenceOps.Seats.Domain.Reconciliation;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Reconciliation;

/// <summary>
/// What Seats records for each vendor account as its last comparison's own writes left it, kept in this process with the data
/// versions it is exactly as new as (ADR 0052). A comparison needs Seats' rows again when the vendor's reading changed even
/// though nothing in Seats did (the day's activity reported, a member renamed, a time rule flipping): when the tenant's and
/// the all-tenants versions of scope <c>reconciliation</c> have not moved since that last comparison committed, the rows are
/// exactly these, and reading them again (a few hundred thousand values at the reseller's scale) is skipped.
/// <para>
/// Only a cache: an account that is not here, or whose versions moved (any write to a table of the scope, whoever makes it:
/// ADR 0036), has its rows read as before. Nothing is kept across restarts or shared between hosts. Entries are immutable
/// once stored: a comparison that uses one builds a new one for what it wrote.
/// </para>
/// </summary>
public sealed class RememberedInputs(IOptions<SeatsOptions> options)
{
    /// <summary>
    /// One account's inputs, with the versions read in the transaction that wrote them (after its last write, so exactly these
    /// rows) and the evaluation day they were read for (a stored usage row dated after it would not be among them).
    /// </summary>
    internal sealed record Entry(
        Guid TenantId, long TenantVersion, long AllTenantsVersion, DateOnly Day, AccountInputs Inputs, TenantPolicy Policy,
        IReadOnlyList<BaselineRow> Baselines)
    {
        /// <summary>The seats, usage rows and findings held: what the memory bound counts.</summary>
        public int Size => Inputs.Seats.Count + Inputs.UsageEntries + Inputs.Findings.Count + Inputs.OtherTools.Count;
    }

    private readonly ConcurrentDictionary<Guid, Entry> entries = new();
    private readonly Lock sizing = new();
    private long held;

    /// <summary>The account's inputs when they are still exactly what its rows hold: same tenant, same versions, a day not before theirs.</summary>
    internal Entry? Find(Guid accountId, Guid tenantId, long tenantVersion, long allTenantsVersion, DateOnly today) =>
        entries.TryGetValue(accountId, out var e) && e.TenantId == tenantId && e.TenantVersion == tenantVersion
        && e.AllTenantsVersion == allTenantsVersion && e.Day <= today
            ? e
            : null;

    /// <summary>
    /// Keeps <paramref name="entry"/> for <paramref name="accountId"/> in place of what was kept. Called once the transaction
    /// that wrote those rows has committed. Beyond <see cref="ReconciliationOptions.RememberedInputsMaxRows"/> rows in all, other
    /// accounts' entries are dropped first (any: they are only a shortcut).
    /// </summary>
    internal void Remember(Guid accountId, Entry entry)
    {
        var limit = options.Value.Reconciliation.RememberedInputsMaxRows;
        if (limit <= 0 || entry.Size > limit)
        {
            Forget(accountId);
            return;
        }
        lock (sizing)
        {
            held += entry.Size - (entries.TryGetValue(accountId, out var old) ? old.Size : 0);
            entries[accountId] = entry;
            // Only over the bound, and over the dictionary itself: its Keys property copies every key under all of its locks, which
            // every comparison's commit paid (a thousand accounts' keys each time) while the bound was far away.
            if (held <= limit)
            {
                return;
            }
            foreach (var (other, _) in entries)
            {
                if (held <= limit)
                {
                    break;
                }
                if (other != accountId && entries.TryRemove(other, out var dropped))
                {
                    held -= dropped.Size;
                }
            }
        }
    }

    /// <summary>Drops what is kept for <paramref name="accountId"/>.</summary>
    public void Forget(Guid accountId)
    {
        lock (sizing)
        {
            if (entries.TryRemove(accountId, out var dropped))
            {
                held -= dropped.Size;
            }
        }
    }

    /// <summary>The rows kept in all (seats, usage rows, findings, other tools), for tests and the bench.</summary>
    public long Rows
    {
        get
        {
            lock (sizing)
            {
                return held;
            }
        }
    }
}
