using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Seats.Features.Findings;
using LicenceOps.Seats.Reconciliation;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// No SQL Server runs here, so the statements of ADR 0055 (last seen read through the account, frozen when a sighting ends) are at
/// least parsed as SQL Server 2022 would.
/// </summary>
public sealed class FindingSightingsSqlServerTests
{
    private static IEnumerable<TestCaseData> Statements() =>
    [
        new TestCaseData(FindingRow.SelectSql + " WHERE id = @findingId AND tenant_id = @tenantId").SetName("a finding read with its last seen"),
        new TestCaseData($"UPDATE findings SET {FindingSightings.FreezeSql} WHERE id IN @ids AND seen_by_account = 1").SetName("last seen frozen"),
        new TestCaseData($"UPDATE findings SET status = 'resolved', updated_at = @now, {FindingSightings.FreezeSql} WHERE id = @id").SetName("resolved and frozen"),
    ];

    [TestCaseSource(nameof(Statements))]
    public void Parses_as_tsql(string sql) => TSqlStatements.AssertParses(sql);
}
