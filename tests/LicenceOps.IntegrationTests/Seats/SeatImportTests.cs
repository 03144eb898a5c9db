using System.Net;
using System.Text;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Seats;

public sealed class SeatImportTests
{
    [Test]
    public async Task A_dry_run_writes_nothing_a_bad_file_imports_nothing_and_apply_dates_the_seats()
    {
        using var factory = new LicenceOpsFactory();
        using var staff = await factory.StaffClientAsync(Roles.StaffAgent);
        var tenantId = Guid.NewGuid();
        var sub = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, quantity: 2);
        var anna = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        var ben = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        var good = $"email,plan,start_date,vendor_member_id\np{anna:N}@example.test,chatgpt-business-annual,2026-03-01,user-1\np{ben:N}@example.test,chatgpt-business-annual,2026-05-15,\n";
        var bad = good + "nobody@example.test,chatgpt-business-annual,2026-05-15,\n";
        var before = await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM seats WHERE tenant_id = @tenantId", new { tenantId });

        var dryRun = await Post(staff, tenantId, "dry-run", good);
        var refused = await Post(staff, tenantId, "apply", bad);
        Assert.That(dryRun.StatusCode, Is.EqualTo(HttpStatusCode.OK), await dryRun.Content.ReadAsStringAsync());
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("\"row\":4").And.Contain("nobody@example.test"));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM seats WHERE tenant_id = @tenantId", new { tenantId }), Is.EqualTo(before));

        var applied = await Post(staff, tenantId, "apply", good);
        Assert.That(applied.StatusCode, Is.EqualTo(HttpStatusCode.OK), await applied.Content.ReadAsStringAsync());
        var seats = await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/seats");
        Assert.That(seats.GetProperty("items").EnumerateArray().Select(s => s.Str("assignedOn")).Order(), Is.EqualTo(new[] { "2026-03-01", "2026-05-15" }));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM seats WHERE tenant_id = @tenantId AND vendor_member_id = 'user-1'", new { tenantId }), Is.EqualTo(1));
        Assert.That(sub.Id(), Is.Not.EqualTo(Guid.Empty));
    }

    private static Task<HttpResponseMessage> Post(HttpClient staff, Guid tenantId, string mode, string csv) =>
        staff.PostAsync($"/api/tenants/{tenantId}/seats/import?mode={mode}", new StringContent(csv, Encoding.UTF8, "text/csv"));
}
