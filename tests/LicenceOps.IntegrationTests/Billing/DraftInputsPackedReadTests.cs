using Dapper;
using LicenceOps.Billing.Features.Runs;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;

namespace LicenceOps.IntegrationTests.Billing;

/// <summary>
/// On SQLite the invoice run reads a tenant's seat changes as one packed text (<see cref="PackedRows"/>) instead of column by
/// column. Both reads of the same rows must give the same values, field by field and in the same order: the seat-day
/// planning takes them as they come.
/// </summary>
public sealed class DraftInputsPackedReadTests
{
    [Test]
    public async Task The_packed_seat_changes_are_the_column_read_field_by_field()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var world = new BillingWorld(factory);
        var (first, second, without, elsewhere) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var end = new DateOnly(2026, 10, 31);
        await using (var connection = await world.Database.OpenAsync())
        {
            // Written as the consumers store them (fixed-width UTC instants, upper-case GUIDs), plus what older or hand-written
            // rows may hold: no recorded_at (rows older than that column), an instant in another ISO 8601 form, an instant with
            // an offset, and a change dated after the period (left out by both reads).
            var rows = new (Guid Tenant, int Assigned, string Effective, string Occurred, string? Recorded)[]
            {
                (first, 1, "2026-08-01", "2026-07-31T09:15:00.1234567Z", "2026-07-31T09:15:02.0000000Z"),
                (first, 0, "2026-09-14", "2026-09-14T17:00:00.0000000Z", null),
                (first, 1, "2026-10-31", "2026-10-30T23:59:59.9999999Z", "2026-11-01T00:00:00.0000001Z"),
                (first, 1, "2026-11-01", "2026-11-01T08:00:00.0000000Z", "2026-11-01T08:00:00.0000000Z"),
                (second, 1, "2024-02-29", "2024-02-29T12:00:00Z", "2024-02-29T12:00:00.5+02:00"),
                (second, 0, "2026-10-02", "2026-10-02T10:30:00.0000000Z", "2026-10-02T10:30:00.0000000Z"),
                (elsewhere, 1, "2026-08-01", "2026-08-01T00:00:00.0000000Z", null),
            };
            foreach (var (row, i) in rows.Select((r, i) => (r, i)))
            {
                await connection.ExecuteAsync(
                    """
                    INSERT INTO seat_changes (seat_id, tenant_id, subscription_id, assigned, effective_date, occurred_at, recorded_at)
                    VALUES (@seat, @tenant, @subscription, @assigned, @effective, @occurred, @recorded)
                    """,
                    new
                    {
                        seat = SqliteText.Of(new Guid($"00000000-0000-0000-0000-{9 - i:D12}")), tenant = SqliteText.Of(row.Tenant),
                        subscription = SqliteText.Of(Guid.NewGuid()), assigned = row.Assigned, effective = row.Effective, occurred = row.Occurred,
                        recorded = row.Recorded,
                    });
            }
        }

        // By tenant and subscription, each subscription's changes in the order read (what the planner is given).
        static List<string> Of(DraftInputs.SeatChanges rows) => rows.Select(r => string.Join('|', r.TenantId, r.Change.SeatId, r.SubscriptionId,
            r.Change.Assigned, r.Change.EffectiveDate.ToString("O"), r.Change.OccurredAt.ToString("O"), r.Change.OccurredAt.Offset,
            r.Change.RecordedAt?.ToString("O"), r.Change.RecordedAt?.Offset)).ToList();
        Guid[] tenants = [first, second, without];
        var (packed, columns) = await world.Database.WriteAsync(async uow => (
            Of(await DraftInputs.LoadSeatsAsync(uow, tenants, end)), Of(await DraftInputs.LoadSeatsByColumnAsync(uow, tenants, end))));

        Assert.That(packed, Is.EqualTo(columns));
        Assert.That(packed, Has.Count.EqualTo(5), "the first tenant's three changes up to the period's end and the second's two");
        Assert.That(packed.Count(r => r.EndsWith("||", StringComparison.Ordinal)), Is.EqualTo(1), "one change without recorded_at");
        Assert.That(packed, Has.One.Contains("|2024-02-29T10:00:00.5000000+00:00|00:00:00"), "the offset instant, read as UTC");
    }
}
