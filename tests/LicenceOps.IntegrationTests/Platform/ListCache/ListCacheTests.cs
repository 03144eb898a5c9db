using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http.ListCache;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants;
using LicenceOps.Tenants.Features.Departments;
using LicenceOps.Tenants.Features.People;
using LicenceOps.Tenants.Features.Tenants;
using LicenceOps.Tenants.Jobs;
using static LicenceOps.IntegrationTests.Tenants.TenantsTestKit;

namespace LicenceOps.IntegrationTests.Platform.ListCache;

/// <summary>
/// The versioned list cache (ADR 0034) on real SQLite files: a cached page is served again (the <c>Age</c> header the
/// output cache adds to hits proves it), and any write of a row the list reads, through the API or not, makes the next
/// read fresh. Access is checked on hits too, and the key holds the caller, the route and every query parameter.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ListCacheTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    private ModuleDatabase<TenantsModule> Db => factory.Service<ModuleDatabase<TenantsModule>>();

    private static async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return (response, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static bool IsHit(HttpResponseMessage response) => response.Headers.Age is not null;

    /// <summary>Reads twice: the second answer is a hit with the same body. Returns the body.</summary>
    private static async Task<JsonElement> CachedAsync(HttpClient client, string url)
    {
        var (first, body) = await GetAsync(client, url);
        Assert.That(IsHit(first), Is.False, $"{url}: the first read after a change builds the page");
        var (second, again) = await GetAsync(client, url);
        Assert.That(IsHit(second), Is.True, $"{url}: the second read is served from the cache");
        Assert.That(again.GetRawText(), Is.EqualTo(body.GetRawText()));
        return body;
    }

    /// <summary>Asserts the next read is served from the cache.</summary>
    private static async Task HitAsync(HttpClient client, string url)
    {
        var (response, _) = await GetAsync(client, url);
        Assert.That(IsHit(response), Is.True, $"{url}: served from the cache");
    }

    /// <summary>The next read is built again (no hit) and satisfies <paramref name="fresh"/>.</summary>
    private static async Task<JsonElement> FreshAsync(HttpClient client, string url, Func<JsonElement, bool> fresh, string what)
    {
        var (response, body) = await GetAsync(client, url);
        Assert.That(fresh(body), Is.True, $"{url}: {what}; got {body.GetRawText()}");
        Assert.That(IsHit(response), Is.False, $"{url}: {what}, so this read was not served from the cache");
        return body;
    }

    private static List<string> Values(JsonElement page, string property) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(property).ToString()).ToList();

    [Test]
    public async Task People_a_join_through_the_API_makes_the_next_page_fresh()
    {
        var tenant = await CreateTenantAsync(staff);
        var first = await JoinAsync(staff, tenant, "anna", Today);
        var url = $"/api/tenants/{tenant.Id}/people";
        Assert.That(Values(await CachedAsync(staff, url), "id"), Is.EqualTo(new[] { first.Id.ToString() }));

        var second = await JoinAsync(staff, tenant, "bob", Today);

        await FreshAsync(staff, url, b => Values(b, "id").Contains(second.Id.ToString()) && b.GetProperty("total").GetInt64() == 2, "the joiner is listed");
        await CachedAsync(staff, url + "?limit=10");
    }

    [Test]
    public async Task People_a_status_change_by_the_nightly_sweep_makes_the_next_page_fresh()
    {
        var tenant = await CreateTenantAsync(staff);
        var joiner = await JoinAsync(staff, tenant, "later", Today.AddDays(1));
        var url = $"/api/tenants/{tenant.Id}/people";
        Assert.That(Values(await CachedAsync(staff, url), "status"), Is.EqualTo(new[] { "joining" }));

        // The job's own code on the module database, with a clock a day later (the factory clock stays put for the other tests).
        var tomorrow = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(factory.Clock.GetUtcNow().AddDays(1));
        var swept = await new PeopleStatusSweep(Db, tomorrow).RunAsync(CancellationToken.None);
        Assert.That(swept.Activated, Is.GreaterThanOrEqualTo(1));

        await FreshAsync(staff, url, b => Values(b, "status").SequenceEqual(["active"]), $"the sweep activated {joiner.Id}");
    }

    [Test]
    public async Task People_a_hand_run_update_in_the_module_database_makes_the_next_page_fresh()
    {
        var tenant = await CreateTenantAsync(staff);
        var person = await JoinAsync(staff, tenant, "carla", Today);
        var url = $"/api/tenants/{tenant.Id}/people";
        await CachedAsync(staff, url);

        await using (var connection = await Db.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE people SET first_name = 'Renamed' WHERE id = @id", new { id = person.Id });
        }

        await FreshAsync(staff, url, b => Values(b, "firstName").SequenceEqual(["Renamed"]), "the hand-run rename shows");
    }

    [Test]
    public async Task People_another_tenants_client_gets_404_while_the_page_is_cached_and_the_own_client_gets_only_its_own_entry()
    {
        var own = await CreateTenantAsync(staff);
        var other = await CreateTenantAsync(staff);
        await JoinAsync(staff, own, "dora", Today);
        var url = $"/api/tenants/{own.Id}/people";
        var staffPage = await CachedAsync(staff, url);

        using var stranger = await factory.ClientUserAsync(other.Id, Roles.ClientAdmin);
        for (var i = 0; i < 2; i++)
        {
            var response = await stranger.GetAsync(url);
            await response.ProblemAsync(HttpStatusCode.NotFound);
            Assert.That(IsHit(response), Is.False);
        }
        using var strangerViewer = await factory.ClientUserAsync(other.Id, Roles.ClientViewer);
        await (await strangerViewer.GetAsync(url)).ProblemAsync(HttpStatusCode.NotFound);

        // The tenant's own client may read the page, but gets an entry of its own, never staff's.
        using var viewer = await factory.ClientUserAsync(own.Id, Roles.ClientViewer);
        var (response1, body) = await GetAsync(viewer, url);
        Assert.That(IsHit(response1), Is.False, "the staff user's entry is not the client's");
        Assert.That(body.GetRawText(), Is.EqualTo(staffPage.GetRawText()));
        await CachedAsync(viewer, url + "?limit=7");
    }

    [Test]
    public async Task Tenants_a_client_never_gets_the_staff_page_of_every_tenant()
    {
        var own = await CreateTenantAsync(staff);
        await CreateTenantAsync(staff);
        var everyone = await CachedAsync(staff, "/api/tenants?limit=200");
        Assert.That(everyone.GetProperty("items").GetArrayLength(), Is.GreaterThan(1));

        using var client = await factory.ClientUserAsync(own.Id, Roles.ClientAdmin);
        var (response, body) = await GetAsync(client, "/api/tenants?limit=200");
        Assert.That(IsHit(response), Is.False);
        Assert.That(Values(body, "id"), Is.EqualTo(new[] { own.Id.ToString() }));
        await HitAsync(client, "/api/tenants?limit=200");
    }

    [Test]
    public async Task Tenants_a_new_tenant_and_a_hand_run_domain_change_make_the_next_page_fresh()
    {
        const string url = "/api/tenants?limit=200";
        await CreateTenantAsync(staff);
        await CachedAsync(staff, url);

        var created = await CreateTenantAsync(staff);
        await FreshAsync(staff, url, b => Values(b, "id").Contains(created.Id.ToString()), "the new tenant is listed");
        await HitAsync(staff, url);

        var domain = NewDomain();
        await using (var connection = await Db.OpenAsync())
        {
            await connection.ExecuteAsync("INSERT INTO tenant_domains (domain, tenant_id) VALUES (@domain, @id)", new { domain, id = created.Id });
        }
        await FreshAsync(staff, url,
            b => b.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == created.Id)
                .GetProperty("emailDomains").EnumerateArray().Any(d => d.GetString() == domain),
            "the hand-inserted domain shows");
    }

    [Test]
    public async Task Departments_a_create_through_the_API_and_a_hand_run_rename_make_the_next_page_fresh()
    {
        var tenant = await CreateTenantAsync(staff);
        var finance = await CreateDepartmentAsync(staff, tenant.Id, "Finance");
        var url = $"/api/tenants/{tenant.Id}/departments";
        await CachedAsync(staff, url);

        await CreateDepartmentAsync(staff, tenant.Id, "Legal");
        await FreshAsync(staff, url, b => Values(b, "name").SequenceEqual(["Finance", "Legal"]), "the new department is listed");
        await HitAsync(staff, url);

        await using (var connection = await Db.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE departments SET name = 'Audit', name_key = 'AUDIT' WHERE id = @id", new { id = finance.Id });
        }
        await FreshAsync(staff, url, b => Values(b, "name").SequenceEqual(["Audit", "Legal"]), "the hand-run rename shows");

        using var stranger = await factory.ClientUserAsync((await CreateTenantAsync(staff)).Id, Roles.ClientAdmin);
        await (await stranger.GetAsync(url)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Cursors_limits_and_filters_are_different_entries()
    {
        var tenant = await CreateTenantAsync(staff);
        foreach (var name in new[] { "e1", "e2", "e3" })
        {
            await JoinAsync(staff, tenant, name, Today);
        }
        await JoinAsync(staff, tenant, "e4", Today.AddDays(3));
        var url = $"/api/tenants/{tenant.Id}/people";

        var two = await CachedAsync(staff, url + "?limit=2");
        Assert.That(Values(two, "email"), Has.Count.EqualTo(2));
        var three = await CachedAsync(staff, url + "?limit=3");
        Assert.That(Values(three, "email"), Has.Count.EqualTo(3));

        var cursor = two.GetProperty("nextCursor").GetString()!;
        var next = await CachedAsync(staff, $"{url}?limit=2&cursor={Uri.EscapeDataString(cursor)}");
        Assert.That(Values(next, "email").Intersect(Values(two, "email")), Is.Empty, "the second page is not the first");

        var joining = await CachedAsync(staff, url + "?status=joining");
        Assert.That(Values(joining, "status"), Is.EqualTo(new[] { "joining" }));
        // Parameter order does not matter; their values do.
        var (reordered, _) = await GetAsync(staff, $"{url}?cursor={Uri.EscapeDataString(cursor)}&limit=2");
        Assert.That(IsHit(reordered), Is.True);
    }

    [Test]
    public async Task The_prepared_version_reader_sees_every_commit_as_the_shared_read_does()
    {
        var reader = factory.Service<ListVersionReader>();
        var tenant = await CreateTenantAsync(staff);
        for (var i = 0; i < 3; i++)
        {
            var before = await reader.ReadAsync(Db, "people", tenant.Id, CancellationToken.None);
            Assert.That(before, Is.EqualTo(await LicenceOps.Platform.Data.DataVersions.ReadAsync(Db, "people", tenant.Id)));
            await JoinAsync(staff, tenant, $"reader{i}", Today);
            Assert.That(await reader.ReadAsync(Db, "people", tenant.Id, CancellationToken.None), Is.GreaterThan(before));
        }
        Assert.That(await reader.ReadAsync(Db, "people", Guid.NewGuid(), CancellationToken.None), Is.Zero, "no row is version 0");
    }

    [Test]
    public async Task A_disposed_version_reader_keeps_no_open_connection_and_still_reads()
    {
        // At host shutdown a request may still read after the reader was disposed: it must answer and close its
        // connection itself, never leave an open connection and prepared statement to the finalizer thread.
        var tenant = await CreateTenantAsync(staff);
        var reader = new ListVersionReader();
        var expected = await LicenceOps.Platform.Data.DataVersions.ReadAsync(Db, "people", tenant.Id);
        Assert.That(await reader.ReadAsync(Db, "people", tenant.Id, CancellationToken.None), Is.EqualTo(expected));
        Assert.That(reader.IdleCount, Is.EqualTo(1), "kept for the next request while in use");

        reader.Dispose();
        Assert.That(reader.IdleCount, Is.Zero);
        Assert.That(await reader.ReadAsync(Db, "people", tenant.Id, CancellationToken.None), Is.EqualTo(expected));
        Assert.That(reader.IdleCount, Is.Zero, "a read after disposal closes its own connection");
    }

    [Test]
    public async Task Only_200_answers_are_stored()
    {
        var tenant = await CreateTenantAsync(staff);
        for (var i = 0; i < 2; i++)
        {
            var response = await staff.GetAsync($"/api/tenants/{tenant.Id}/people?status=nonsense");
            await response.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.That(IsHit(response), Is.False);
        }
        var missing = Guid.NewGuid();
        for (var i = 0; i < 2; i++)
        {
            var response = await staff.GetAsync($"/api/tenants/{missing}/people");
            await response.ProblemAsync(HttpStatusCode.NotFound);
            Assert.That(IsHit(response), Is.False);
        }
    }

    [Test]
    public async Task A_hit_is_compressed_for_its_own_request()
    {
        var tenant = await CreateTenantAsync(staff);
        await JoinAsync(staff, tenant, "gzip", Today);
        var url = $"/api/tenants/{tenant.Id}/people";
        var plain = await CachedAsync(staff, url);

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.AcceptEncoding.ParseAdd("gzip");
            var response = await staff.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(IsHit(response), Is.True, "the identity-encoded entry serves the gzip request too");
            Assert.That(response.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "gzip" }));
            await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
            var body = await JsonDocument.ParseAsync(gzip);
            Assert.That(body.RootElement.GetRawText(), Is.EqualTo(plain.GetRawText()));
        }

        var (again, text) = await GetAsync(staff, url);
        Assert.That(again.Content.Headers.ContentEncoding, Is.Empty);
        Assert.That(text.GetRawText(), Is.EqualTo(plain.GetRawText()));
    }
}
