using LicenceOps.Platform.Data;

namespace LicenceOps.Seats.Reconciliation;

/// <summary>
/// When a finding was last seen, and by which run, without a write per finding on every comparison (ADR 0055). A comparison
/// records itself once on its vendor account (<c>last_compared_at</c>, <c>last_compared_run_id</c>); a finding with
/// <c>seen_by_account = 1</c> has been seen by every comparison of its account since its own <c>last_seen_at</c> /
/// <c>last_run_id</c> were written, so its last seen is its account's last comparison. A finding that stops following has its
/// own columns frozen at that comparison first (<see cref="FreezeSql"/>), while the account still holds the previous one.
/// </summary>
internal static class FindingSightings
{
    /// <summary>A finding's last seen as the API shows it (an expression on a row of <c>findings</c>, named as such).</summary>
    public const string LastSeenAtSql = """
        CASE WHEN findings.seen_by_account = 1
             THEN COALESCE((SELECT a.last_compared_at FROM vendor_accounts a WHERE a.id = findings.vendor_account_id), findings.last_seen_at)
             ELSE findings.last_seen_at END
        """;

    /// <summary>The run that last saw the finding, as the API shows it.</summary>
    public const string LastRunIdSql = """
        CASE WHEN findings.seen_by_account = 1
             THEN COALESCE((SELECT a.last_compared_run_id FROM vendor_accounts a WHERE a.id = findings.vendor_account_id), findings.last_run_id)
             ELSE findings.last_run_id END
        """;

    /// <summary>
    /// SET clauses that stop a finding following its account: its own columns take the values shown until now (the account's last
    /// comparison, before this transaction records another). Every write that ends a sighting uses them: an auto-close, a status set
    /// by hand or by the account's deletion, a comparison that no longer evaluates its kind.
    /// </summary>
    public const string FreezeSql = $"last_seen_at = {LastSeenAtSql}, last_run_id = {LastRunIdSql}, seen_by_account = 0";

    /// <summary>
    /// Records a comparison of <paramref name="accountId"/> as the one its following findings were last seen by. After the findings'
    /// writes of the same comparison (a freeze reads the previous one). Never for a confirmed run: it compared nothing (ADR 0036).
    /// </summary>
    /// <param name="membersRead">
    /// The comparison read the vendor's whole member list (an API connector): the account's <c>members_read_at</c> moves in the same
    /// write (<see cref="Features.VendorAccounts.MemberSnapshot.TouchAsync"/>'s column), one statement per comparison where two updated the same row.
    /// </param>
    public static Task RecordComparisonAsync(UnitOfWork uow, Guid accountId, Guid runId, bool membersRead) =>
        uow.ExecuteBoundAsync(membersRead ? RecordWithMembersSql : RecordSql, new { accountId, runId, now = uow.Now });

    private const string RecordSql = "UPDATE vendor_accounts SET last_compared_at = @now, last_compared_run_id = @runId WHERE id = @accountId";

    private const string RecordWithMembersSql =
        "UPDATE vendor_accounts SET last_compared_at = @now, last_compared_run_id = @runId, members_read_at = @now WHERE id = @accountId";
}
