using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Platform.Paging;
using LicenceOps.Platform.Data;
using LicenceOps.Seats;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>
/// Applying an estate take-over queues a durable job: 202 with its location at once, progress while it runs, one seat
/// per matched member at the end, a second submission while one runs is a 409, a job another executor held is resumed
/// once its lease lapses, seats that ran out meanwhile are row errors, and every route stays within its tenant.
/// (InvoiceRun-style kill -9 of a real process: Crash/TakeOverCrashTests.)
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TakeOverJobTests
{
    private static LicenceOpsFactory factory = null!;
    private static HttpClient staff = null!;

    [OneTimeSetUp]
    public static async Task Start()
    {
        factory = new LicenceOpsFactory(new Dictionary<string, string?>
        {
            // One-row chunks make a few hundred members a job of hundreds of transactions, still running when the test looks.
            ["Seats:TakeOverChunkRows"] = "1",
            // A lapsed lease is noticed within a second.
            ["Seats:TakeOverLeaseSeconds"] = "3",
        });
        staff = await factory.StaffClientAsync();
    }

    [OneTimeTearDown]
    public static void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private static string Url(Guid tenantId, Guid sub, string rest = "take-over?apply=true") => $"/api/tenants/{tenantId}/subscriptions/{sub}/{rest}";

    private static async Task<Guid> ConnectedSubscriptionAsync(Guid tenantId, int quantity) =>
        (await TakeOverJobKit.ConnectedPerplexityAsync(factory, staff, tenantId, quantity)).Subscription;

    /// <summary>People joining as Tenants announces them, all at once; waits until Seats knows every one.</summary>
    private static async Task<IReadOnlyList<string>> PeopleAsync(Guid tenantId, int count)
    {
        var emails = Enumerable.Range(0, count).Select(i => $"member{i:D4}.{tenantId:N}@client.example").ToList();
        await Task.WhenAll(emails.Select(email => SeatsKit.PublishAsync(factory,
            new PersonJoined(Guid.NewGuid(), tenantId, email, "Taken Over", null, new DateOnly(2026, 1, 5), factory.Clock.GetUtcNow()))));
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM people WHERE tenant_id = @tenantId", new { tenantId }) == count,
            TimeSpan.FromMinutes(2), "Seats records every person");
        return emails;
    }

    private static Task<long> CountAsync(string sql, object param) => SeatsKit.CountAsync(factory, sql, param);

    [Test]
    public async Task A_large_take_over_is_accepted_at_once_runs_in_the_background_and_seats_every_member_once()
    {
        var tenantId = Guid.NewGuid();
        const int matched = 300, shadows = 40;
        var sub = await ConnectedSubscriptionAsync(tenantId, quantity: matched);
        var emails = await PeopleAsync(tenantId, matched);
        var csv = new StringBuilder("email,status,joined\n");
        foreach (var email in emails)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{email},active,2026-02-01\n");
        }
        for (var i = 0; i < shadows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"shadow{i}@gmail.example,active,2026-02-01\n");
        }

        var accepted = await staff.PostAsync(Url(tenantId, sub), Csv(csv.ToString()));
        var body = await SeatsKit.BodyAsync(accepted);
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), body.ToString());
        var location = accepted.Headers.Location!;
        Assert.That(location.ToString(), Is.EqualTo(Url(tenantId, sub, $"take-overs/{body.Id()}")));
        Assert.That((body.Str("state"), body.GetProperty("rowsTotal").GetInt32()), Is.EqualTo(("queued", matched + shadows)).Or.EqualTo(("running", matched + shadows)));

        // That the 202 came before the work was done is shown by its body (queued or running). A second submission while a
        // job runs is refused (409) in the lease test below, against a job whose lease another host holds: here the job
        // may finish before a second request gets SQLite's write lock, since the worker takes it again at once after
        // each chunk.

        var job = await TakeOverJobKit.FinishedAsync(staff, location, TimeSpan.FromMinutes(3));
        Assert.That(job.Str("state"), Is.EqualTo("succeeded"), job.ToString());
        Assert.That((job.GetProperty("rowsDone").GetInt32(), job.GetProperty("seatsCreated").GetInt32(), job.GetProperty("rowErrors").GetArrayLength()),
            Is.EqualTo((matched + shadows, matched, 0)));
        Assert.That(job.GetProperty("byOutcome").GetProperty("create_seat").GetInt32(), Is.EqualTo(matched));
        Assert.That(job.GetProperty("unmatchedMembers").GetArrayLength(), Is.EqualTo(shadows));
        Assert.That(job.GetProperty("startedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(job.GetProperty("finishedAt").ValueKind, Is.EqualTo(JsonValueKind.String));

        Assert.That(await CountAsync("SELECT COUNT(*) FROM seats WHERE subscription_id = @sub", new { sub }), Is.EqualTo(matched));
        Assert.That(await CountAsync("SELECT COUNT(DISTINCT person_id) FROM seats WHERE subscription_id = @sub", new { sub }), Is.EqualTo(matched), "one seat each");
        Assert.That(await CountAsync("SELECT occupied_seats FROM subscriptions WHERE id = @sub", new { sub }), Is.EqualTo(matched));
        var jobId = body.Id();
        Assert.That(await CountAsync("SELECT COUNT(*) FROM audit_log WHERE entity_id = @jobId AND action = 'chunk_applied'", new { jobId }),
            Is.EqualTo(matched + shadows), "one audited transaction per chunk (of one row)");
        Assert.That(await CountAsync("SELECT COUNT(*) FROM audit_log WHERE entity_id = @sub AND action = 'estate_taken_over'", new { sub }), Is.EqualTo(1));

        var list = await SeatsKit.GetItemsAsync(staff, Url(tenantId, sub, "take-overs"));
        Assert.That(list.EnumerateArray().Select(j => (j.Id(), j.Str("state"), j.GetProperty("seatsCreated").GetInt32())),
            Is.EqualTo(new[] { (jobId, "succeeded", matched) }));

        // Finished, the same file may be taken over again: everyone is already seated.
        var again = await TakeOverJobKit.AppliedAsync(staff, Url(tenantId, sub), Csv(csv.ToString()));
        Assert.That((again.GetProperty("seatsCreated").GetInt32(), again.GetProperty("byOutcome").GetProperty("already_seated").GetInt32()), Is.EqualTo((0, matched)));
    }

    [Test]
    public async Task A_job_whose_executor_died_is_resumed_when_its_lease_lapses_and_seats_that_ran_out_are_row_errors()
    {
        var tenantId = Guid.NewGuid();
        var sub = await ConnectedSubscriptionAsync(tenantId, quantity: 1);
        var emails = await PeopleAsync(tenantId, 2);
        // A job another host was working when it died: running, its lease still held for a while.
        var jobId = Guid.NewGuid();
        var db = SeatsKit.Db(factory);
        await SyntheticRows.InsertAsync(db, "take_over_jobs", new Dictionary<string, object?>
        {
            ["id"] = jobId, ["tenant_id"] = tenantId, ["subscription_id"] = sub, ["source"] = "csv", ["content_sha256"] = "elsewhere", ["state"] = "running",
            ["rows_total"] = 2, ["requested_by"] = "staff", ["requested_by_name"] = "Staff", ["created_at"] = factory.Clock.GetUtcNow(),
            ["started_at"] = factory.Clock.GetUtcNow(), ["attempts"] = 1, ["lease_owner"] = Guid.NewGuid(), ["lease_until"] = DateTimeOffset.UtcNow.AddHours(1),
        });
        for (var i = 0; i < 2; i++)
        {
            await SyntheticRows.InsertAsync(db, "take_over_job_rows", new Dictionary<string, object?>
            {
                ["job_id"] = jobId, ["row_no"] = i + 1, ["email"] = emails[i], ["vendor_status"] = "active", ["status"] = "pending",
            });
        }

        var refused = await staff.PostAsync(Url(tenantId, sub), Csv($"email,status\n{emails[0]},active\n"));
        var problem = await SeatsKit.BodyAsync(refused);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), problem.ToString());
        Assert.That(problem.Str("detail"), Does.Contain("another member list"));
        await Task.Delay(1500);
        Assert.That((await SeatsKit.BodyAsync(await staff.GetAsync(Url(tenantId, sub, $"take-overs/{jobId}")))).GetProperty("rowsDone").GetInt32(),
            Is.Zero, "nobody touches a job whose lease is held");

        await db.WriteAsync(uow => uow.ExecuteAsync("UPDATE take_over_jobs SET lease_until = @past WHERE id = @jobId",
            new { jobId, past = DateTimeOffset.UtcNow.AddSeconds(-1) }));
        var job = await TakeOverJobKit.FinishedAsync(staff, new Uri(Url(tenantId, sub, $"take-overs/{jobId}"), UriKind.Relative), TimeSpan.FromMinutes(1));

        Assert.That((job.Str("state"), job.GetProperty("attempts").GetInt32(), job.GetProperty("seatsCreated").GetInt32()), Is.EqualTo(("succeeded", 2, 1)), job.ToString());
        var error = job.GetProperty("rowErrors").EnumerateArray().Single();
        Assert.That((error.GetProperty("row").GetInt32(), error.Str("email")), Is.EqualTo((2, emails[1])));
        Assert.That(error.Str("reason"), Does.Contain("No free committed seat"));
        Assert.That(job.GetProperty("byOutcome").GetProperty("no_free_seat").GetInt32(), Is.EqualTo(1));
        Assert.That(await CountAsync("SELECT COUNT(*) FROM seats WHERE subscription_id = @sub", new { sub }), Is.EqualTo(1));
    }

    [Test]
    public async Task Take_over_jobs_stay_within_their_tenant_and_subscription_and_bad_input_queues_nothing()
    {
        var owner = Guid.NewGuid();
        var sub = await ConnectedSubscriptionAsync(owner, quantity: 2);
        var emails = await PeopleAsync(owner, 1);
        var job = await TakeOverJobKit.AppliedAsync(staff, Url(owner, sub), Csv($"email,status\n{emails[0]},active\n"));
        var jobId = job.Id();
        var other = Guid.NewGuid();
        var otherSub = await ConnectedSubscriptionAsync(other, quantity: 2);
        var sameTenantOtherSub = await ConnectedSubscriptionAsync(owner, quantity: 2);

        foreach (var url in new[]
                 {
                     Url(other, sub, $"take-overs/{jobId}"), Url(other, otherSub, $"take-overs/{jobId}"), Url(owner, sameTenantOtherSub, $"take-overs/{jobId}"),
                     Url(owner, sub, $"take-overs/{Guid.NewGuid()}"), Url(other, sub, "take-overs"),
                 })
        {
            await SeatsKit.AssertProblemAsync(await staff.GetAsync(url), HttpStatusCode.NotFound);
        }
        Assert.That((await SeatsKit.GetItemsAsync(staff, Url(other, otherSub, "take-overs"))).GetArrayLength(), Is.Zero, "another tenant's list does not show the job");
        using (var client = await factory.ClientUserAsync(owner))
        {
            Assert.That((await client.GetAsync(Url(owner, sub, $"take-overs/{jobId}"))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await client.GetAsync(Url(owner, sub, "take-overs"))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }

        // Bad input: a problem, and no job queued.
        await SeatsKit.AssertProblemAsync(await staff.PostAsync(Url(other, sub), Csv($"email,status\n{emails[0]},active\n")), HttpStatusCode.NotFound);
        await SeatsKit.AssertProblemAsync(await staff.PostAsync(Url(owner, sameTenantOtherSub), Csv("email,status\nnot-an-email,active\n")),
            HttpStatusCode.UnprocessableEntity);
        await SeatsKit.AssertProblemAsync(await staff.PostAsync(Url(owner, sameTenantOtherSub), new ByteArrayContent([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01])
        {
            Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv") },
        }), HttpStatusCode.BadRequest);
        await SeatsKit.AssertProblemAsync(await staff.PostAsync(Url(owner, sameTenantOtherSub), Csv(new string('x', 5 * 1024 * 1024 + 10))),
            HttpStatusCode.RequestEntityTooLarge);
        Assert.That(await CountAsync("SELECT COUNT(*) FROM take_over_jobs WHERE tenant_id = @owner", new { owner }), Is.EqualTo(1));
        Assert.That(await CountAsync("SELECT COUNT(*) FROM take_over_jobs WHERE tenant_id = @other", new { other }), Is.Zero);
    }
}
