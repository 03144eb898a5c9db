using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hangfire;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// One Hangfire recurring job per vendor account (ADR 0027), read back from the host's job storage: created with the
/// account, re-timed, turned off and on, removed with the account, re-created from the database after a restart, and
/// reconciling its own account only.
/// </summary>
public sealed class ReconciliationScheduleTests
{
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;
    private AnthropicWorkspace claude = null!;

    [SetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync();
        claude = await AnthropicWorkspace.StartAsync();
    }

    [TearDown]
    public async Task Stop()
    {
        staff.Dispose();
        factory.Dispose();
        await claude.DisposeAsync();
    }

    private object Claude(int? every = null) => new
    {
        vendorCode = "anthropic", connector = "anthropic", displayName = "Client Claude", baseAddress = claude.Server.BaseAddress.AbsoluteUri,
        secret = "sk-ant-admin-test", reconcileEveryMinutes = every,
    };

    private async Task<JsonElement> CreateAsync(Guid tenantId, object body)
    {
        await factory.EnsureIdentityKnowsTenantAsync(tenantId);
        var created = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts", body);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return await SeatsKit.BodyAsync(created);
    }

    private async Task<HttpResponseMessage> ScheduleAsync(Guid tenantId, Guid accountId, object body) =>
        await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts/{accountId}/reconciliation-schedule", body);

    private static Hangfire.Storage.RecurringJobDto? JobOf(LicenceOpsFactory host, Guid accountId) =>
        SeatsKit.RecurringJobs(host).SingleOrDefault(j => j.Id == ReconciliationScheduler.JobId(accountId));

    private Task<long> RunsAsync(Guid accountId, string trigger = "schedule") =>
        SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM reconciliation_runs WHERE vendor_account_id = @accountId AND trigger_kind = @trigger", new { accountId, trigger });

    [Test]
    public async Task A_new_account_gets_its_job_at_the_default_interval_and_a_change_of_interval_or_a_switch_off_updates_or_removes_it()
    {
        var tenantId = Guid.NewGuid();
        var account = await CreateAsync(tenantId, Claude());
        var id = account.Id();

        var job = JobOf(factory, id);
        Assert.That(job, Is.Not.Null, "the account's job exists as soon as the account does");
        Assert.That(job!.Cron, Is.EqualTo(ReconciliationCron.For(60, id)), "hourly by default (Seats:Reconciliation:IntervalMinutes)");
        Assert.That(job.Error, Is.Null);
        Assert.That(job.NextExecution, Is.Not.Null, "Hangfire accepted the cron");
        Assert.That(job.Job.Type.Name, Is.EqualTo("VendorAccountReconciliationJob"));
        Assert.That(job.Job.Args[0], Is.EqualTo(id));
        var view = account.GetProperty("reconciliation");
        Assert.That(view.GetProperty("intervalMinutes").GetInt32(), Is.EqualTo(60));
        Assert.That(view.GetProperty("intervalIsDefault").GetBoolean(), Is.True);
        Assert.That(view.Str("cron"), Is.EqualTo(job.Cron));
        Assert.That(view.Str("jobId"), Is.EqualTo($"seats:reconcile:{id}"));

        var quarter = await ScheduleAsync(tenantId, id, new { intervalMinutes = 15 });
        Assert.That(quarter.StatusCode, Is.EqualTo(HttpStatusCode.OK), await quarter.Content.ReadAsStringAsync());
        Assert.That(JobOf(factory, id)!.Cron, Is.EqualTo(ReconciliationCron.For(15, id)));
        Assert.That((await SeatsKit.BodyAsync(quarter)).GetProperty("reconciliation").GetProperty("intervalIsDefault").GetBoolean(), Is.False);
        Assert.That((await SeatsKit.GetAsync(staff, $"/api/tenants/{tenantId}/vendor-accounts/{id}")).GetProperty("reconciliation").GetProperty("intervalMinutes").GetInt32(),
            Is.EqualTo(15));

        var off = await SeatsKit.BodyAsync(await ScheduleAsync(tenantId, id, new { intervalMinutes = 15, enabled = false }));
        Assert.That(JobOf(factory, id), Is.Null, "turned off: no job");
        Assert.That(off.GetProperty("reconciliation").Str("notScheduledBecause"), Does.Contain("turned off"));
        Assert.That((await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{id}/reconcile", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "a manual run still works");

        await ScheduleAsync(tenantId, id, new { intervalMinutes = 1440, enabled = true });
        Assert.That(JobOf(factory, id)!.Cron, Is.EqualTo(ReconciliationCron.For(1440, id)));
        await ScheduleAsync(tenantId, id, new { intervalMinutes = (int?)null });
        Assert.That(JobOf(factory, id)!.Cron, Is.EqualTo(ReconciliationCron.For(60, id)), "null goes back to the default");
        Assert.That(await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM audit_log WHERE entity_id = @id AND action = 'reconciliation_schedule_changed'", new { id }), Is.EqualTo(4));

        var seven = await CreateAsync(tenantId, Claude(every: 20));
        Assert.That(JobOf(factory, seven.Id())!.Cron, Is.EqualTo(ReconciliationCron.For(20, seven.Id())), "an interval given at creation");
    }

    [TestCase(7)]
    [TestCase(45)]
    [TestCase(0)]
    [TestCase(-60)]
    [TestCase(2880)]
    public async Task An_interval_a_cron_cannot_repeat_evenly_is_refused_and_changes_nothing(int minutes)
    {
        var tenantId = Guid.NewGuid();
        var id = (await CreateAsync(tenantId, Claude())).Id();
        var cron = JobOf(factory, id)!.Cron;

        var problem = await SeatsKit.BodyAsync(await AssertBadRequestAsync(await ScheduleAsync(tenantId, id, new { intervalMinutes = minutes })));
        Assert.That(problem.GetProperty("errors").GetProperty("intervalMinutes")[0].GetString(), Does.Contain("5, 6, 10, 12, 15, 20, 30, 60"));
        Assert.That(JobOf(factory, id)!.Cron, Is.EqualTo(cron));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM vendor_accounts WHERE id = @id AND reconcile_every_minutes IS NULL", new { id }),
            Is.EqualTo(1));

        var accounts = await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM vendor_accounts");
        await AssertBadRequestAsync(await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts", Claude(every: minutes)));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM vendor_accounts"), Is.EqualTo(accounts));
    }

    private static async Task<HttpResponseMessage> AssertBadRequestAsync(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        return response;
    }

    [Test]
    public async Task A_csv_account_is_scheduled_once_it_holds_a_member_export()
    {
        var tenantId = Guid.NewGuid();
        var csv = await CreateAsync(tenantId, new { vendorCode = "perplexity", connector = "csv", displayName = "Client Perplexity" });
        Assert.That(JobOf(factory, csv.Id()), Is.Null, "nothing to read yet");
        Assert.That(csv.GetProperty("reconciliation").Str("notScheduledBecause"), Does.Contain("no member export"));

        var export = await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{csv.Id()}/member-export?apply=true",
            new StringContent("email,status,last active\neve@client.test,active,2026-11-20\n", Encoding.UTF8, "text/csv"));
        Assert.That(export.StatusCode, Is.EqualTo(HttpStatusCode.OK), await export.Content.ReadAsStringAsync());
        Assert.That(JobOf(factory, csv.Id())?.Cron, Is.EqualTo(ReconciliationCron.For(60, csv.Id())));
    }

    [Test]
    public async Task Deleting_an_account_removes_its_job_and_closes_its_findings_and_is_refused_while_a_subscription_is_connected()
    {
        var tenantId = Guid.NewGuid();
        var sub = (await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "claude-team-standard-monthly", quantity: 3)).Id();
        var id = (await CreateAsync(tenantId, Claude())).Id();
        (await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{sub}/vendor-account", new { vendorAccountId = id })).EnsureSuccessStatusCode();
        claude.Users["zoe@client.test"] = ("Zoe Client", new DateOnly(2026, 11, 20));
        await SeatsKit.RunRecurringJobAsync(factory, ReconciliationScheduler.JobId(id));
        var open = await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM findings WHERE vendor_account_id = @id AND status = 'open'", new { id });
        Assert.That(open, Is.GreaterThan(0), "the shadow user, the unverified settings and quantity");

        await SeatsKit.AssertProblemAsync(await staff.DeleteAsync($"/api/tenants/{tenantId}/vendor-accounts/{id}"), HttpStatusCode.Conflict);
        Assert.That(JobOf(factory, id), Is.Not.Null, "refused: nothing changed");

        (await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{sub}/vendor-account", new { vendorAccountId = (Guid?)null })).EnsureSuccessStatusCode();
        var deleted = await staff.DeleteAsync($"/api/tenants/{tenantId}/vendor-accounts/{id}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await deleted.Content.ReadAsStringAsync());
        Assert.That(JobOf(factory, id), Is.Null);
        Assert.That((await staff.GetAsync($"/api/tenants/{tenantId}/vendor-accounts/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM findings WHERE vendor_account_id = @id AND status = 'auto_closed'", new { id }),
            Is.EqualTo(open));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM audit_log WHERE entity_id = @id AND action = 'deleted'", new { id }), Is.EqualTo(1));
        await SeatsKit.AssertProblemAsync(await staff.DeleteAsync($"/api/tenants/{tenantId}/vendor-accounts/{id}"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task The_job_reconciles_its_own_account_only_and_a_job_that_outlived_its_account_removes_itself()
    {
        var tenantId = Guid.NewGuid();
        var mine = (await CreateAsync(tenantId, Claude())).Id();
        var other = (await CreateAsync(tenantId, Claude())).Id();
        claude.Users["ann@client.test"] = ("Ann Client", new DateOnly(2026, 11, 20));

        await SeatsKit.RunRecurringJobAsync(factory, ReconciliationScheduler.JobId(mine));
        Assert.That(await RunsAsync(mine), Is.EqualTo(1), "a scheduled run of its account");
        Assert.That(await RunsAsync(other), Is.Zero, "the other account is not read");
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM reconciliation_runs WHERE vendor_account_id = @mine AND state = 'succeeded'",
            new { mine }), Is.EqualTo(1));

        // A job whose account row is gone (removed behind the API's back, e.g. a restored backup) cleans up after itself.
        var ghost = Guid.NewGuid();
        factory.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<LicenceOps.Seats.Jobs.VendorAccountReconciliationJob>(
            ReconciliationScheduler.JobId(ghost), j => j.RunAsync(ghost, CancellationToken.None), "0 * * * *");
        await SeatsKit.RunRecurringJobAsync(factory, ReconciliationScheduler.JobId(ghost));
        Assert.That(JobOf(factory, ghost), Is.Null);
        Assert.That(await RunsAsync(ghost), Is.Zero);
    }

    [Test]
    public async Task A_job_reads_its_account_once_with_its_run_and_leaves_the_job_store_alone()
    {
        // ADR 0085: a job's run costs what a scheduled run of its account costs, nothing more: no read of its own before the run's
        // first statement, no write to the job store (registering and re-timing jobs is the scheduler's, after each change and at start).
        var tenantId = Guid.NewGuid();
        var id = (await CreateAsync(tenantId, Claude())).Id();
        claude.Users["ann@client.test"] = ("Ann Client", new DateOnly(2026, 11, 20));
        // The entry as a store that another host wrote may hold it: a run must not rewrite it (the schedule's own cron is hourly).
        const string storeCron = "0 3 * * *";
        factory.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<LicenceOps.Seats.Jobs.VendorAccountReconciliationJob>(
            ReconciliationScheduler.JobId(id), j => j.RunAsync(id, CancellationToken.None), storeCron);

        await SeatsKit.RunRecurringJobAsync(factory, ReconciliationScheduler.JobId(id));
        Assert.That(await RunsAsync(id), Is.EqualTo(1), "the job ran its account");
        Assert.That(JobOf(factory, id)?.Cron, Is.EqualTo(storeCron), "a run does not write the job store");

        // Both confirmed (same reading, same records): the job's run and a scheduled RunAsync of the same account run the same statements.
        // Counted on the pool's connections once the first run's events are dispatched (the dispatcher's statements are not the runs').
        for (var wait = 0; wait < 100 && await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM outbox_messages WHERE dispatched_at IS NULL") > 0; wait++)
        {
            await Task.Delay(50);
        }
        await Task.Delay(300);
        // The pool counts every statement of the module, and background work (the outbox's and mail's sweeps, the checkpointer's
        // reads) may land inside either window: it only ever adds statements, so each side is taken as its fewest over five tries.
        var db = SeatsKit.Db(factory);
        long Count()
        {
            var statistics = db.SqlitePool!.Statistics();
            return statistics.Compiled + statistics.Reused;
        }
        long jobFewest = long.MaxValue, directFewest = long.MaxValue;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var before = Count();
            await SeatsKit.RunRecurringJobAsync(factory, ReconciliationScheduler.JobId(id));
            var afterJob = Count();
            using (var scope = factory.Services.CreateScope())
            {
                var run = await scope.ServiceProvider.GetRequiredService<ReconciliationRunner>().RunAsync(tenantId, id, RunTriggers.Schedule, CancellationToken.None);
                Assert.That(run?.Outcome, Is.EqualTo(ReconciliationFingerprint.Confirmed));
            }
            jobFewest = Math.Min(jobFewest, afterJob - before);
            directFewest = Math.Min(directFewest, Count() - afterJob);
        }
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM reconciliation_runs WHERE vendor_account_id = @id AND outcome = 'confirmed'", new { id }),
            Is.EqualTo(10));
        Assert.That(jobFewest, Is.EqualTo(directFewest),
            "the job's confirmed run runs the statements of a scheduled run of its account, and no read of its own");
    }

    [Test]
    public async Task A_job_whose_account_was_turned_off_behind_the_schedulers_back_removes_itself_without_reading_its_vendor()
    {
        var tenantId = Guid.NewGuid();
        var id = (await CreateAsync(tenantId, Claude())).Id();
        claude.Users["ann@client.test"] = ("Ann Client", new DateOnly(2026, 11, 20));
        // Turned off without the scheduler hearing of it (a crash between the commit and the job's removal; ADR 0027).
        await SeatsKit.Db(factory).WriteAsync(uow => uow.ExecuteAsync("UPDATE vendor_accounts SET scheduled_reconciliation = 0 WHERE id = @id", new { id }));
        claude.Server.Requests.Clear();

        await SeatsKit.RunRecurringJobAsync(factory, ReconciliationScheduler.JobId(id));
        Assert.That(JobOf(factory, id), Is.Null, "the job removed itself");
        Assert.That(await RunsAsync(id), Is.Zero, "nothing recorded");
        Assert.That(claude.Server.Requests, Is.Empty, "the vendor was not read");
    }

    [Test]
    public async Task A_restarted_host_re_creates_every_job_from_the_database_drops_strays_and_runs_overdue_accounts_soon()
    {
        // A host over a data directory this test owns, so that it outlives the first host.
        var directory = LicenceOpsFactory.NewDataDirectory();
        staff.Dispose();
        factory.Dispose();
        factory = new LicenceOpsFactory(dataDirectory: directory);
        staff = await factory.StaffClientAsync();
        try
        {
            await RestartAsync();
        }
        finally
        {
            staff.Dispose();
            factory.Dispose();
            LicenceOpsFactory.DeleteQuietly(directory);
        }
    }

    private async Task RestartAsync()
    {
        var tenantId = Guid.NewGuid();
        var hourly = (await CreateAsync(tenantId, Claude())).Id();
        var quarter = (await CreateAsync(tenantId, Claude(every: 15))).Id();
        var off = (await CreateAsync(tenantId, Claude())).Id();
        await ScheduleAsync(tenantId, off, new { enabled = false });
        await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{hourly}/reconcile", null);
        var directory = factory.DataDirectory;
        staff.Dispose();
        factory.Dispose();

        // The embedded job store lived in memory: the new host starts with none, and must rebuild them from vendor_accounts.
        factory = new LicenceOpsFactory(dataDirectory: directory);
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        staff = await factory.StaffClientAsync();
        Assert.That(JobOf(factory, hourly)?.Cron, Is.EqualTo(ReconciliationCron.For(60, hourly)));
        Assert.That(JobOf(factory, quarter)?.Cron, Is.EqualTo(ReconciliationCron.For(15, quarter)));
        Assert.That(JobOf(factory, off), Is.Null);

        // One catch-up job for every overdue account (ADR 0059), which decides when it runs which accounts are still overdue.
        var monitoring = factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var catchUps = monitoring.ScheduledJobs(0, 100).Where(j => j.Value.Job.Type == typeof(LicenceOps.Seats.Jobs.ReconciliationCatchUpJob)).ToList();
        Assert.That(catchUps, Has.Count.EqualTo(1), "overdue accounts: one catch-up job shortly after the start");
        Assert.That(catchUps[0].Value.EnqueueAt, Is.EqualTo(DateTime.UtcNow.AddMinutes(2)).Within(TimeSpan.FromMinutes(1)), "Hangfire schedules on its own clock");
        async Task CatchUpAsync()
        {
            using var scope = factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<LicenceOps.Seats.Jobs.ReconciliationCatchUpJob>().RunAsync(CancellationToken.None);
        }
        await CatchUpAsync();
        Assert.That(await RunsAsync(quarter), Is.EqualTo(1), "never reconciled: runs once shortly after the start");
        Assert.That(await RunsAsync(hourly), Is.Zero, "reconciled 10 minutes ago: waits for its hour");
        Assert.That(await RunsAsync(hourly, "manual"), Is.EqualTo(1));
        Assert.That(await RunsAsync(off), Is.Zero, "turned off: never caught up");
        await CatchUpAsync();
        Assert.That(await RunsAsync(quarter), Is.EqualTo(1), "caught up: no longer overdue, so a second catch-up leaves it to its cron time");

        // A store that outlives the database's truth (SQL Server keeps jobs across restarts): strays go at the next start.
        var stray = Guid.NewGuid();
        factory.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<LicenceOps.Seats.Jobs.VendorAccountReconciliationJob>(
            ReconciliationScheduler.JobId(stray), j => j.RunAsync(stray, CancellationToken.None), "0 * * * *");
        using (var scope = factory.Services.CreateScope())
        {
            Assert.That(await scope.ServiceProvider.GetRequiredService<ReconciliationScheduler>().SynchroniseAllAsync(CancellationToken.None),
                Is.EqualTo(SeatsKit.RecurringJobs(factory).Count(j => j.Id.StartsWith(ReconciliationScheduler.JobPrefix, StringComparison.Ordinal))));
        }
        Assert.That(JobOf(factory, stray), Is.Null);
        Assert.That(JobOf(factory, hourly), Is.Not.Null);
    }

    [Test]
    public async Task Another_tenants_account_cannot_be_rescheduled_deleted_or_given_a_purchased_quantity()
    {
        var owner = Guid.NewGuid();
        var other = Guid.NewGuid();
        await factory.EnsureIdentityKnowsTenantAsync(other);
        var id = (await CreateAsync(owner, Claude())).Id();
        var cron = JobOf(factory, id)!.Cron;
        using var ownerAdmin = await factory.ClientUserAsync(owner);

        await SeatsKit.AssertProblemAsync(await staff.PutAsJsonAsync($"/api/tenants/{other}/vendor-accounts/{id}/reconciliation-schedule",
            new { intervalMinutes = 5 }), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await staff.DeleteAsync($"/api/tenants/{other}/vendor-accounts/{id}"), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await staff.PostAsJsonAsync($"/api/tenants/{other}/vendor-accounts/{id}/purchased-quantities",
            new { quantity = 3, source = "invoice" }), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await staff.GetAsync($"/api/tenants/{other}/vendor-accounts/{id}/purchased-quantities"), HttpStatusCode.NotFound);
        Assert.That((await ownerAdmin.PutAsJsonAsync($"/api/tenants/{owner}/vendor-accounts/{id}/reconciliation-schedule", new { intervalMinutes = 5 })).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden), "staff only, even for the client's own account");
        Assert.That((await ownerAdmin.DeleteAsync($"/api/tenants/{owner}/vendor-accounts/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await ownerAdmin.GetAsync($"/api/tenants/{owner}/vendor-accounts/{id}/purchased-quantities")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(JobOf(factory, id)!.Cron, Is.EqualTo(cron));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM purchased_quantity_observations WHERE vendor_account_id = @id", new { id }), Is.Zero);
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM vendor_accounts WHERE id = @id", new { id }), Is.EqualTo(1));
    }

    [Test]
    public async Task The_overview_shows_schedule_last_run_next_run_and_open_findings_to_staff_only()
    {
        var tenantId = Guid.NewGuid();
        var id = (await CreateAsync(tenantId, Claude(every: 30))).Id();
        var other = (await CreateAsync(Guid.NewGuid(), Claude())).Id();
        claude.Users["zoe@client.test"] = ("Zoe", null);
        var run = await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{id}/reconcile", null);
        Assert.That(run.StatusCode, Is.EqualTo(HttpStatusCode.OK), await run.Content.ReadAsStringAsync());

        var page = await SeatsKit.GetAsync(staff, $"/api/vendor-accounts?tenantId={tenantId}");
        var item = page.GetProperty("items").EnumerateArray().Single();
        Assert.That(item.GetProperty("account").Id(), Is.EqualTo(id), "filtered to the tenant");
        Assert.That(item.GetProperty("account").GetProperty("reconciliation").GetProperty("intervalMinutes").GetInt32(), Is.EqualTo(30));
        Assert.That(item.GetProperty("lastRun").Str("state"), Is.EqualTo("succeeded"));
        var next = item.GetProperty("nextRunAt").GetDateTimeOffset();
        Assert.That(next, Is.EqualTo(new DateTimeOffset(DateTime.SpecifyKind(JobOf(factory, id)!.NextExecution!.Value, DateTimeKind.Utc))), "Hangfire's next execution");
        Assert.That(item.GetProperty("openFindings").GetInt32(),
            Is.EqualTo(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM findings WHERE vendor_account_id = @id AND status = 'open'", new { id })));
        Assert.That(item.GetProperty("openFindings").GetInt32(), Is.GreaterThan(0), "zoe is an unknown member");
        Assert.That(item.GetProperty("allowedIntervalMinutes").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(ReconciliationCron.Allowed));

        var one = await SeatsKit.GetAsync(staff, $"/api/vendor-accounts/{other}");
        Assert.That(one.GetProperty("lastRun").ValueKind, Is.EqualTo(JsonValueKind.Null), "never run");
        Assert.That((await staff.GetAsync($"/api/vendor-accounts/{Guid.NewGuid()}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        // Staff only: a client user of the very tenant is refused both routes.
        using var client = await factory.ClientUserAsync(tenantId);
        Assert.That((await client.GetAsync($"/api/vendor-accounts?tenantId={tenantId}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await client.GetAsync($"/api/vendor-accounts/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
