using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>
/// The CSV member export of a vendor without an admin API, and the take-over of a new client's estate (from a CSV or the
/// connected API): dry run first, apply queues a take-over job that records (TakeOverJobTests follow the job itself), bad
/// input is a problem that changes nothing, other tenants see 404.
/// </summary>
public sealed class MemberExportAndTakeOverTests
{
    private static LicenceOpsFactory factory = null!;
    private static HttpClient staff = null!;

    [OneTimeSetUp]
    public static async Task Start()
    {
        factory = new LicenceOpsFactory(new Dictionary<string, string?> { ["Seats:Vendors:RetryBaseDelaySeconds"] = "0.05" });
        staff = await factory.StaffClientAsync();
    }

    [OneTimeTearDown]
    public static void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private static Task<Guid> CsvAccountAsync(Guid tenantId) => TakeOverJobKit.CsvAccountAsync(staff, tenantId);

    private static Task<(Guid Subscription, Guid Account)> ConnectedPerplexityAsync(Guid tenantId, int quantity) =>
        TakeOverJobKit.ConnectedPerplexityAsync(factory, staff, tenantId, quantity);

    private static Task<long> MembersAsync(Guid account) =>
        SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM vendor_members WHERE vendor_account_id = @account", new { account });

    private static Task<long> SeatsOfAsync(Guid subscription) =>
        SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM seats WHERE subscription_id = @subscription", new { subscription });

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        return JsonDocument.Parse(text).RootElement;
    }

    [Test]
    public async Task A_member_export_is_a_dry_run_until_applied_and_a_new_export_replaces_the_list()
    {
        var tenantId = Guid.NewGuid();
        var account = await CsvAccountAsync(tenantId);
        const string export = "Email,Status,Last Active,Role\nanna@client.example,active,2026-11-20,admin\nben@client.example,pending,never,member\ncarl@client.example,deactivated,2026-01-02,member\n";

        var dry = await SeatsKit.BodyAsync(await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/member-export", Csv(export)));
        Assert.That(dry.GetProperty("applied").GetBoolean(), Is.False);
        Assert.That(dry.GetProperty("members").GetInt32(), Is.EqualTo(3));
        Assert.That(dry.GetProperty("byStatus").GetProperty("invited").GetInt32(), Is.EqualTo(1));
        Assert.That(dry.GetProperty("rows")[0].Str("lastActiveOn"), Is.EqualTo("2026-11-20"));
        Assert.That(await MembersAsync(account), Is.Zero, "a dry run stores nothing");

        var applied = await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/member-export?apply=true", Csv(export));
        Assert.That(applied.StatusCode, Is.EqualTo(HttpStatusCode.OK), await applied.Content.ReadAsStringAsync());
        Assert.That((await SeatsKit.BodyAsync(applied)).GetProperty("applied").GetBoolean(), Is.True);
        Assert.That(await MembersAsync(account), Is.EqualTo(3));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM audit_log WHERE entity_id = @account AND action = 'member_export_imported'",
            new { account }), Is.EqualTo(1));

        await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/member-export?apply=true", Csv("email,status\nanna@client.example,active\n"));
        Assert.That(await MembersAsync(account), Is.EqualTo(1), "the export is the whole list: ben and carl are gone");
    }

    [Test]
    public async Task Row_errors_are_listed_by_a_dry_run_and_an_apply_with_errors_stores_nothing()
    {
        var tenantId = Guid.NewGuid();
        var account = await CsvAccountAsync(tenantId);
        await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/member-export?apply=true", Csv("email,status\nkept@client.example,active\n"));
        const string bad = "email,status\nok@client.example,active\nnot-an-email,active\nok@client.example,banned\n";

        var dry = await SeatsKit.BodyAsync(await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/member-export", Csv(bad)));
        Assert.That(dry.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("row").GetInt32()), Is.EqualTo(new[] { 3, 4 }));

        var refused = await ProblemAsync(await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/member-export?apply=true", Csv(bad)),
            HttpStatusCode.UnprocessableEntity);
        Assert.That(refused.GetProperty("errors").GetArrayLength(), Is.EqualTo(2));
        Assert.That(refused.Str("detail"), Does.Contain("row 3").And.Contain("Nothing was stored"));
        var noBody = await ProblemAsync(await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/member-export?apply=true", Csv("")),
            HttpStatusCode.BadRequest);
        Assert.That(noBody.Str("detail"), Does.Contain("text/csv"));
        var huge = new string('x', 5 * 1024 * 1024 + 10);
        await ProblemAsync(await staff.PostAsync($"/api/tenants/{tenantId}/vendor-accounts/{account}/member-export?apply=true", Csv("email,status\n" + huge)),
            HttpStatusCode.RequestEntityTooLarge);

        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM vendor_members WHERE vendor_account_id = @account AND email = 'kept@client.example'",
            new { account }), Is.EqualTo(1), "the stored list is untouched");
        Assert.That(await MembersAsync(account), Is.EqualTo(1));
    }

    [Test]
    public async Task Taking_over_an_estate_matches_people_seats_them_from_the_vendor_dates_and_reports_the_rest()
    {
        var tenantId = Guid.NewGuid();
        var (sub, account) = await ConnectedPerplexityAsync(tenantId, quantity: 3);
        var anna = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        var ben = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        var export = $"email,status,joined,last active\np{anna:N}@EXAMPLE.test,active,2025-06-01,2026-11-20\np{ben:N}@example.test,invited,2026-03-04,\n" +
                     "shadow@gmail.example,active,2026-02-01,2026-11-01\n";

        var dry = await SeatsKit.BodyAsync(await staff.PostAsync($"/api/tenants/{tenantId}/subscriptions/{sub}/take-over", Csv(export)));
        Assert.That(dry.GetProperty("applied").GetBoolean(), Is.False);
        Assert.That(dry.Str("source"), Is.EqualTo("csv"));
        Assert.That(dry.GetProperty("seatsToCreate").GetInt32(), Is.EqualTo(2));
        Assert.That(dry.GetProperty("byOutcome").GetProperty("unmatched").GetInt32(), Is.EqualTo(1));
        Assert.That(await SeatsOfAsync(sub), Is.Zero, "a dry run seats nobody");

        var applied = await TakeOverJobKit.AppliedAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub}/take-over?apply=true", Csv(export));
        Assert.That((applied.Str("state"), applied.GetProperty("seatsCreated").GetInt32()), Is.EqualTo(("succeeded", 2)), applied.ToString());
        Assert.That(applied.GetProperty("unmatchedMembers").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "shadow@gmail.example" }));
        var seats = (await SeatsKit.GetItemsAsync(staff, $"/api/tenants/{tenantId}/seats?subscriptionId={sub}")).EnumerateArray().ToList();
        Assert.That(seats, Has.Count.EqualTo(2));
        var annaSeat = seats.Single(s => s.Id("personId") == anna);
        Assert.That(annaSeat.Str("status"), Is.EqualTo("active"));
        Assert.That(annaSeat.Str("assignedOn"), Is.EqualTo("2026-01-01"), "the vendor's 2025 date is before the term: the term start");
        var benSeat = seats.Single(s => s.Id("personId") == ben);
        Assert.That((benSeat.Str("status"), benSeat.Str("assignedOn")), Is.EqualTo(("invited", "2026-03-04")));
        Assert.That(await MembersAsync(account), Is.EqualTo(3), "the member list is kept for reconciliation, shadow user included");

        var again = await TakeOverJobKit.AppliedAsync(staff, $"/api/tenants/{tenantId}/subscriptions/{sub}/take-over?apply=true", Csv(export));
        Assert.That(again.GetProperty("byOutcome").GetProperty("already_seated").GetInt32(), Is.EqualTo(2), "taking over twice seats nobody twice");
        Assert.That(await SeatsOfAsync(sub), Is.EqualTo(2));
    }

    [Test]
    public async Task A_take_over_beyond_the_free_seats_or_with_row_errors_changes_nothing()
    {
        var tenantId = Guid.NewGuid();
        var (sub, account) = await ConnectedPerplexityAsync(tenantId, quantity: 1);
        var anna = await SeatsKit.PersonJoinsAsync(factory, tenantId);
        var ben = await SeatsKit.PersonJoinsAsync(factory, tenantId);

        var tooMany = await ProblemAsync(await staff.PostAsync($"/api/tenants/{tenantId}/subscriptions/{sub}/take-over?apply=true",
            Csv($"email,status\np{anna:N}@example.test,active\np{ben:N}@example.test,active\n")), HttpStatusCode.Conflict);
        Assert.That(tooMany.Str("detail"), Does.Contain("raise the committed quantity by 1"));
        await ProblemAsync(await staff.PostAsync($"/api/tenants/{tenantId}/subscriptions/{sub}/take-over?apply=true",
            Csv($"email,status\np{anna:N}@example.test,active\nnope,active\n")), HttpStatusCode.UnprocessableEntity);

        Assert.That(await SeatsOfAsync(sub), Is.Zero);
        Assert.That(await MembersAsync(account), Is.Zero);
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM audit_log WHERE entity_id = @sub AND action = 'estate_taken_over'", new { sub }), Is.Zero);
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM take_over_jobs WHERE subscription_id = @sub", new { sub }), Is.Zero, "no job queued");
    }

    [Test]
    public async Task Without_a_body_the_take_over_reads_the_api_and_a_manual_vendor_asks_for_the_export()
    {
        var tenantId = Guid.NewGuid();
        await using var openAi = await FakeVendorServer.StartAsync();
        openAi.On("GET", "/v1/organization/users", FakeReply.Json(FakeVendorServer.Fixture("openai_organization_users_list.json")));
        openAi.On("GET", "/v1/organization/invites", FakeReply.Json("""{"object":"list","data":[],"has_more":false}"""));
        var chatGpt = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "chatgpt-business-annual", quantity: 5);
        var created = await staff.PostAsJsonAsync($"/api/tenants/{tenantId}/vendor-accounts", new
        {
            vendorCode = "openai", connector = "openai", displayName = "Client ChatGPT", baseAddress = openAi.BaseAddress.AbsoluteUri, secret = "sk-admin-take-over",
        });
        var openAiAccount = (await SeatsKit.BodyAsync(created)).Id();
        (await staff.PutAsJsonAsync($"/api/tenants/{tenantId}/subscriptions/{chatGpt.Id()}/vendor-account", new { vendorAccountId = openAiAccount })).EnsureSuccessStatusCode();

        var read = await SeatsKit.BodyAsync(await staff.PostAsync($"/api/tenants/{tenantId}/subscriptions/{chatGpt.Id()}/take-over", null));
        Assert.That(read.Str("source"), Is.EqualTo("openai"));
        Assert.That(read.GetProperty("lines").GetArrayLength(), Is.GreaterThan(0));
        Assert.That(read.GetProperty("lines").EnumerateArray().Select(l => l.Str("outcome")), Is.All.EqualTo("unmatched"), "nobody of this tenant yet");

        var manual = await SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "midjourney-pro-monthly", quantity: 2);
        var problem = await ProblemAsync(await staff.PostAsync($"/api/tenants/{tenantId}/subscriptions/{manual.Id()}/take-over", null), HttpStatusCode.Conflict);
        Assert.That(problem.Str("detail"), Does.Contain("text/csv"));
    }

    [Test]
    public async Task Another_tenants_subscription_cannot_be_taken_over_and_clients_are_refused()
    {
        var owner = Guid.NewGuid();
        var (sub, account) = await ConnectedPerplexityAsync(owner, quantity: 2);
        var other = Guid.NewGuid();
        var csv = "email,status\nsomeone@client.example,active\n";

        await ProblemAsync(await staff.PostAsync($"/api/tenants/{other}/subscriptions/{sub}/take-over", Csv(csv)), HttpStatusCode.NotFound);
        await ProblemAsync(await staff.PostAsync($"/api/tenants/{other}/subscriptions/{sub}/take-over?apply=true", Csv(csv)), HttpStatusCode.NotFound);
        await ProblemAsync(await staff.PostAsync($"/api/tenants/{other}/vendor-accounts/{account}/member-export?apply=true", Csv(csv)), HttpStatusCode.NotFound);
        using var client = await factory.ClientUserAsync(owner);
        Assert.That((await client.PostAsync($"/api/tenants/{owner}/subscriptions/{sub}/take-over", Csv(csv))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await client.PostAsync($"/api/tenants/{owner}/vendor-accounts/{account}/member-export", Csv(csv))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await MembersAsync(account), Is.Zero);
    }
}
