using System.Net;
using System.Net.Http.Json;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Seats.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats;

/// <summary>
/// ADR 0044: usage rows are stored as changes, so the retention job may not simply drop rows older than the cutoff: an old row
/// can be a held seat's state to this day. It drops what a later row dated on or before the cutoff supersedes, and the old
/// rows of seats released before the cutoff. Retention 30 days on 23 Nov 2026: cutoff 24 Oct 2026.
/// </summary>
public sealed class UsageRetentionTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;
    private Guid tenantId;
    private Guid subscriptionId;

    [SetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Seats:Reconciliation:UsageRetentionDays"] = "30" });
        staff = await factory.StaffClientAsync();
        tenantId = Guid.NewGuid();
        await factory.EnsureIdentityKnowsTenantAsync(tenantId);
        var response = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/subscriptions", new
        {
            planCode = "chatgpt-business-annual", vendorAccountId = $"ws-{Guid.NewGuid():N}", committedQuantity = 10, termStart = "2026-03-01",
            renewalDate = "2027-03-01", salePricePerSeatEur = 25m, autoIncreasePolicy = "require_staff_approval",
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        subscriptionId = (await SeatsKit.BodyAsync(response)).Id();
    }

    [TearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    /// <summary>A seat (released on <paramref name="releasedOn"/> when given) with usage rows on <paramref name="days"/>, each with its own values.</summary>
    private async Task<Guid> SeatAsync(string? releasedOn, params string[] days)
    {
        var seatId = Guid.NewGuid();
        var personId = Guid.NewGuid();
        await using var connection = await SeatsKit.Db(factory).OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO seats (id, tenant_id, subscription_id, person_id, status, assigned_on, released_on, created_at, updated_at)
            VALUES (@seatId, @tenantId, @subscriptionId, @personId, @status, '2026-03-01', @releasedOn, @now, @now)
            """,
            new { seatId, tenantId, subscriptionId, personId, status = releasedOn is null ? "active" : "released", releasedOn, now = factory.Clock.GetUtcNow() });
        await UsageHistoryKit.AddAsync(factory, days.Select(day => new UsageHistoryKit.Row(seatId, day, tenantId, subscriptionId, personId, day, true)).ToArray());
        return seatId;
    }

    private async Task<string[]> DaysAsync(Guid seatId) =>
        (await SeatsKit.Db(factory).QueryAsync<string>($"SELECT day FROM {UsageHistoryKit.Rows} WHERE seat_id = @seatId ORDER BY day", new { seatId })).ToArray();

    [Test]
    public async Task Retention_keeps_each_held_seats_state_at_the_cutoff_and_drops_what_it_supersedes_and_released_seats_old_rows()
    {
        var changedAcrossTheCutoff = await SeatAsync(null, "2026-10-01", "2026-10-10", "2026-10-30");
        var unchangedForMonths = await SeatAsync(null, "2026-06-01");
        var changedOnTheCutoff = await SeatAsync(null, "2026-09-01", "2026-10-24");
        var releasedBeforeTheCutoff = await SeatAsync("2026-10-01", "2026-09-01", "2026-09-20");
        var releasedAfterTheCutoff = await SeatAsync("2026-11-01", "2026-09-01", "2026-10-05");
        var recent = await SeatAsync(null, "2026-11-01", "2026-11-20");

        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<UsageRetentionJob>().RunAsync(CancellationToken.None);
        }

        var (across, months, onCutoff, releasedBefore, releasedAfter, late) = (await DaysAsync(changedAcrossTheCutoff), await DaysAsync(unchangedForMonths),
            await DaysAsync(changedOnTheCutoff), await DaysAsync(releasedBeforeTheCutoff), await DaysAsync(releasedAfterTheCutoff), await DaysAsync(recent));
        Assert.Multiple(() =>
        {
            Assert.That(across, Is.EqualTo(new[] { "2026-10-10", "2026-10-30" }),
                "1 Oct is superseded by 10 Oct, which is still the seat's state on the cutoff day");
            Assert.That(months, Is.EqualTo(new[] { "2026-06-01" }), "a held seat's only row is its state: kept however old");
            Assert.That(onCutoff, Is.EqualTo(new[] { "2026-10-24" }));
            Assert.That(releasedBefore, Is.Empty, "released before the cutoff: its old rows go");
            Assert.That(releasedAfter, Is.EqualTo(new[] { "2026-10-05" }), "still held on the cutoff day: its state then stays");
            Assert.That(late, Is.EqualTo(new[] { "2026-11-01", "2026-11-20" }), "nothing after the cutoff is touched");
        });
    }
}
