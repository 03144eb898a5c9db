namespace LicenceOps.Tenants.Features;

/// <summary>The fields an update really changed, as the audit log records them: { field: { from, to } }.</summary>
internal sealed class ChangeSet
{
    private readonly Dictionary<string, object> changes = new(StringComparer.Ordinal);

    public bool Any => changes.Count > 0;

    public IReadOnlyCollection<string> Fields => changes.Keys;

    public ChangeSet Compare<T>(string field, T before, T after)
    {
        if (!EqualityComparer<T>.Default.Equals(before, after))
        {
            changes[field] = new { from = before, to = after };
        }
        return this;
    }

    public ChangeSet CompareSets(string field, IEnumerable<string> before, IEnumerable<string> after)
    {
        var from = before.Order(StringComparer.Ordinal).ToList();
        var to = after.Order(StringComparer.Ordinal).ToList();
        if (!from.SequenceEqual(to, StringComparer.Ordinal))
        {
            changes[field] = new { from, to };
        }
        return this;
    }

    public IReadOnlyDictionary<string, object> ToAudit() => changes;
}
