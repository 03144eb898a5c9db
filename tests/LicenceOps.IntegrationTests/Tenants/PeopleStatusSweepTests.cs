using Hangfire;
using Hangfire.Storage;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Tenants;
using LicenceOps.Tenants.Features.People;
using LicenceOps.Tenants.Jobs;
using static LicenceOps.IntegrationTests.Tenants.TenantsTestKit;

namespace LicenceOps.IntegrationTests.Tenants;

public sealed class PeopleStatusSweepTests
{
    [Test]
    public async Task Joiners_become_active_and_leavers_left_on_their_paris_date_once()
    {
        using var factory = new LicenceOpsFactory();
        using var staff = await factory.StaffClientAsync();
        var tenant = await CreateTenantAsync(staff);
        var joiner = await JoinAsync(staff, tenant, "joiner", new DateOnly(2026, 11, 25));
        var leaver = await JoinAsync(staff, tenant, "leaver", new DateOnly(2020, 1, 1));
        var later = await JoinAsync(staff, tenant, "later", new DateOnly(2020, 1, 1));
        await (await staff.PostAsync($"/api/tenants/{tenant.Id}/people/{leaver.Id}/leave", JsonBody(new { endDate = "2026-11-28" }))).ReadAsync<PersonView>();
        await (await staff.PostAsync($"/api/tenants/{tenant.Id}/people/{later.Id}/leave", JsonBody(new { endDate = "2026-12-31" }))).ReadAsync<PersonView>();
        var sweep = factory.Service<PeopleStatusSweep>();

        async Task<string> StatusAsync(PersonView person) =>
            (await (await staff.GetAsync($"/api/tenants/{tenant.Id}/people/{person.Id}")).ReadAsync<PersonView>()).Status;

        // 22:59 UTC on the 24th is 23:59 in Paris: still the 24th.
        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 22, 59, 0, TimeSpan.Zero));
        await sweep.RunAsync(CancellationToken.None);
        Assert.That(await StatusAsync(joiner), Is.EqualTo("joining"));

        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 23, 0, 0, TimeSpan.Zero));
        await sweep.RunAsync(CancellationToken.None);
        Assert.That(await StatusAsync(joiner), Is.EqualTo("active"));
        Assert.That(await StatusAsync(leaver), Is.EqualTo("leaving"));

        factory.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 23, 30, 0, TimeSpan.Zero));
        var result = await sweep.RunAsync(CancellationToken.None);
        var again = await sweep.RunAsync(CancellationToken.None);

        Assert.That(await StatusAsync(leaver), Is.EqualTo("left"));
        Assert.That(await StatusAsync(later), Is.EqualTo("leaving"));
        Assert.That(result.Left, Is.GreaterThanOrEqualTo(1));
        Assert.That(again, Is.EqualTo(new SweepResult(0, 0)), "a second run finds nothing left to do");
        var left = (await factory.PublishedAsync<PersonLeft>()).Where(e => e.TenantId == tenant.Id).ToList();
        Assert.That(left.Select(e => (e.PersonId, e.EndDate)), Is.EqualTo(new[] { (leaver.Id, new DateOnly(2026, 11, 28)) }));
        var audit = await AuditAsync(staff, leaver.Id);
        Assert.That((audit[0].Action, audit[0].ActorId), Is.EqualTo(("left", "system:" + TenantsModule.PeopleStatusJobId)));
        Assert.That((await AuditAsync(staff, joiner.Id))[0].Action, Is.EqualTo("activated"));
    }

    [Test]
    public async Task The_sweep_is_scheduled_hourly_in_paris_time()
    {
        using var factory = new LicenceOpsFactory();
        _ = factory.Server;

        using var connection = factory.Service<JobStorage>().GetConnection();
        var job = connection.GetRecurringJobs().Single(j => j.Id == TenantsModule.PeopleStatusJobId);

        Assert.That(job.Cron, Is.EqualTo("5 * * * *"));
        Assert.That(job.TimeZoneId, Is.EqualTo("Europe/Paris"));
    }

    private static HttpContent JsonBody(object value) => System.Net.Http.Json.JsonContent.Create(value);
}
