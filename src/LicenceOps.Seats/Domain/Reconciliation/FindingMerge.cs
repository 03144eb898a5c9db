namespace LicenceOps.Seats.Domain.Reconciliation;

/// <summary>A stored finding as the merge needs it.</summary>
public sealed record ExistingFinding(Guid Id, string Kind, string SubjectKey, string Status, Guid? VendorAccountId);

public enum FindingChangeKind
{
    /// <summary>A cause never seen before: insert, open, publish.</summary>
    Open,

    /// <summary>A cause that had gone (auto-closed or resolved) is back: open again, publish again.</summary>
    Reopen,

    /// <summary>The cause is still there: refresh text, effect and last seen; the status someone chose stays.</summary>
    Refresh,

    /// <summary>The cause is gone: close with the reason.</summary>
    AutoClose,
}

public sealed record FindingChange(FindingChangeKind Kind, PlannedFinding? Planned, ExistingFinding? Existing);

/// <summary>
/// Turns a run's planned findings into changes of stored ones, keyed by (kind, subject key), so a rerun never duplicates.
/// Only kinds the run could evaluate, from the same vendor account (or scope), may close: a reading that cannot see
/// activity must not close inactive-seat findings.
/// </summary>
public static class FindingMerge
{
    public static IReadOnlyList<FindingChange> Merge(
        IReadOnlyList<ExistingFinding> existing, IReadOnlyList<PlannedFinding> planned, IReadOnlyCollection<string> evaluatedKinds, Guid? scopeAccountId)
    {
        var stored = existing.ToDictionary(e => (e.Kind, e.SubjectKey));
        var changes = new List<FindingChange>();
        var seen = new HashSet<(string, string)>();
        foreach (var p in planned)
        {
            if (!seen.Add((p.Kind, p.SubjectKey)))
            {
                continue;
            }
            if (!stored.TryGetValue((p.Kind, p.SubjectKey), out var e))
            {
                changes.Add(new FindingChange(FindingChangeKind.Open, p, null));
            }
            else if (FindingStatuses.IsLive(e.Status))
            {
                changes.Add(new FindingChange(FindingChangeKind.Refresh, p, e));
            }
            else
            {
                changes.Add(new FindingChange(FindingChangeKind.Reopen, p, e));
            }
        }
        foreach (var e in existing)
        {
            if (FindingStatuses.IsLive(e.Status) && e.VendorAccountId == scopeAccountId && evaluatedKinds.Contains(e.Kind) && !seen.Contains((e.Kind, e.SubjectKey)))
            {
                changes.Add(new FindingChange(FindingChangeKind.AutoClose, null, e));
            }
        }
        return changes;
    }
}
