namespace LicenceOps.Platform.Data;

/// <summary>
/// New primary keys for rows (ADR 0045). A version 7 GUID starts with its creation time in milliseconds, so its stored text
/// (<see cref="SqliteText.Of"/>: upper-case hex, most significant digits first) sorts by creation time: rows written together
/// land on the last pages of every index on their id instead of on random pages. On SQLite each page a transaction
/// touches is written again to the WAL at commit: a reconciliation opening 33,000 findings with their audit rows wrote
/// 208 MB of WAL with random ids and 90 MB with these (docs/performance.md). The remaining 74 bits are random, so two
/// processes never collide. Not for secrets or tokens: those stay fully random (<see cref="Guid.NewGuid"/> or
/// <c>RandomNumberGenerator</c>).
/// </summary>
public static class RowIds
{
    public static Guid New() => Guid.CreateVersion7();
}
