using System.Net;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Seats;

/// <summary>
/// The savings ledger from a real reclaim: an inactive-seat finding worth 25 €/month is acted on through the findings API
/// on 23 Nov 2026; on 10 Jan 2027 the ledger shows what it saved in each month.
/// </summary>
public sealed class SavingsLedgerTests
{
    [Test]
    public async Task A_reclaimed_seat_saves_its_monthly_effect_from_the_next_day_month_by_month()
    {
        using var factory = new LicenceOpsFactory();
        using var staff = await factory.StaffClientAsync();
        var tenantId = Guid.NewGuid();
        var subscription = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-monthly", quantity: 3, salePrice: 25m);
        var personId = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        var seat = await SeatsKit.AssignAsync(staff, tenantId, subscription.Id(), personId);
        var reclaimable = await FindingAsync(factory, tenantId, "inactive_seat", seat.Id(), 2500, "open");
        var accepted = await FindingAsync(factory, tenantId, "overlapping_tools", null, 1200, "accepted");
        await FindingAsync(factory, tenantId, "inactive_seat", null, 900, "dismissed");

        var reclaim = await staff.PostAsync($"/api/tenants/{tenantId}/findings/{reclaimable}/reclaim", null);
        Assert.That(reclaim.StatusCode, Is.EqualTo(HttpStatusCode.OK), await reclaim.Content.ReadAsStringAsync());

        factory.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 10, 12, 0, 0, TimeSpan.Zero));
        using var client = await factory.ClientUserAsync(tenantId);
        var ledger = await SeatsKit.GetAsync(client, $"/api/tenants/{tenantId}/reports/savings?from=2026-11&to=2027-01");

        // 24–30 Nov: 7/30 × 25 = 5.83; December 25.00; 1–10 Jan: 10/31 × 25 = 8.06.
        var months = ledger.GetProperty("months").EnumerateArray().Select(m => (m.Str("month"), m.GetProperty("savedEur").GetDecimal())).ToList();
        Assert.That(months, Is.EqualTo(new[] { ("2026-11", 5.83m), ("2026-12", 25.00m), ("2027-01", 8.06m) }));
        Assert.That(ledger.GetProperty("totalSavedEur").GetDecimal(), Is.EqualTo(38.89m));
        var recommendation = ledger.GetProperty("recommendations").EnumerateArray().Single();
        Assert.That(recommendation.Id("findingId"), Is.EqualTo(reclaimable));
        Assert.That(recommendation.Str("actedOn"), Is.EqualTo("2026-11-23"));
        var pending = ledger.GetProperty("pending").EnumerateArray().Single();
        Assert.That((pending.Id("findingId"), pending.GetProperty("monthlyEffectEur").GetDecimal()), Is.EqualTo((accepted, 12.00m)));

        var other = await client.GetAsync($"/api/tenants/{Guid.NewGuid()}/reports/savings");
        await SeatsKit.AssertProblemAsync(other, HttpStatusCode.NotFound);
    }

    private static async Task<Guid> FindingAsync(LicenceOpsFactory factory, Guid tenantId, string kind, Guid? seatId, long cents, string status)
    {
        var id = Guid.NewGuid();
        await using var connection = await SeatsKit.Db(factory).OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO findings (id, tenant_id, kind, subject_key, status, status_changed_at, seat_id, summary, recommended_action, needs_client,
                monthly_effect_cents, effect_basis, first_seen_at, last_seen_at, opened_count, created_at, updated_at)
            VALUES (@id, @tenantId, @kind, @subject, @status, @now, @seatId, 'Seat idle for 45 days', 'Reclaim the seat', 0, @cents,
                '1 seat × sale price', @now, @now, 1, @now, @now)
            """,
            new { id, tenantId, kind, subject = $"seat:{seatId ?? Guid.NewGuid()}", status, seatId, cents, now = factory.Clock.GetUtcNow() });
        return id;
    }
}
