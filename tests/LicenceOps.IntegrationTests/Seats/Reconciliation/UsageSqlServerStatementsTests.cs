using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Jobs;
using LicenceOps.Seats.Reconciliation;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// No SQL Server runs here, so the statements of ADR 0044 (usage stored as changes, the member list's hash, retention) and the
/// writer's read of a group's accounts are at least parsed as SQL Server 2022 would, after Dapper's expansion of <c>IN @list</c>.
/// </summary>
public sealed class UsageSqlServerStatementsTests
{
    private static IEnumerable<TestCaseData> Statements() =>
        ReconciliationInputs.SqlServerStatements.Select((sql, i) => new TestCaseData(sql).SetName($"ReconciliationInputs statement {i + 1}"))
            .Append(new TestCaseData(UsageRetentionJob.SupersededSql).SetName("UsageRetentionJob superseded rows"))
            .Append(new TestCaseData(UsageRetentionJob.ReleasedSql).SetName("UsageRetentionJob released seats' rows"))
            .Append(new TestCaseData(ReconciliationRunner.StandingSql(SqlDialect.SqlServer))
                .SetName("ReconciliationRunner a group's accounts held, with their last comparisons"))
            .Append(new TestCaseData(ReconciliationFingerprint.WithAccountSql)
                .SetName("ReconciliationFingerprint an account with its last comparison and the current versions"));

    [TestCaseSource(nameof(Statements))]
    public void Parses_as_tsql(string sql) => TSqlStatements.AssertParses(sql);
}
