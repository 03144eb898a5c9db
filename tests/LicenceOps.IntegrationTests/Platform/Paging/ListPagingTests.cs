using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.Billing;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Identity;
using LicenceOps.Seats;
using LicenceOps.Seats.Domain.Catalogue;
using LicenceOps.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Platform.Paging;

/// <summary>
/// Every list endpoint pages: default and maximum page size, 400 beyond it, cursor round trip, and a stable order while
/// rows are inserted between pages. The list endpoints are found in the host's endpoint data source, so a new list
/// endpoint fails <see cref="Every_get_endpoint_is_either_a_paged_list_or_a_single_resource"/> until it pages and has a
/// case here.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ListPagingTests
{
    private const int DefaultLimit = 3;
    private const int MaxLimit = 5;

    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;

    /// <summary>GET endpoints that answer one resource, a document or an export, not a list.</summary>
    private static readonly HashSet<string> NotLists =
    [
        "/", "/openapi/{documentName}.json", "/health/live", "/health/ready", "/api/users/me", "/api/billing/exchange-rates/",
        "/api/tenants/{tenantId:guid}/people/export", "/api/billing/exports/invoices.csv",
        "/api/tenants/{tenantId:guid}/invoices/{invoiceId:guid}/pdf", "/api/tenants/{tenantId:guid}/invoices/{invoiceId:guid}/factur-x.xml",
        "/api/tenants/{tenantId:guid}/reconciliation-policy", "/api/tenants/{tenantId:guid}/vendor-accounts/{accountId:guid}/settings",
        "/api/tenants/{tenantId:guid}/reports/usage", "/api/tenants/{tenantId:guid}/reports/savings",
    ];

    /// <summary>How each paged list is filled for the test: where to read it, how to add one more row with a given sort position.</summary>
    public sealed record ListCase(string Route, Func<ListPagingTests, Task<Seeded>> Seed)
    {
        public override string ToString() => Route;
    }

    /// <param name="Url">The list URL (with the filters that confine it to the test's rows).</param>
    /// <param name="Add">Adds one row to the list; the argument varies its sort position (0..1).</param>
    /// <param name="IdProperty">The item property that identifies a row.</param>
    public sealed record Seeded(string Url, Func<double, Task> Add, string IdProperty = "id");

    private static IEnumerable<ListCase> Cases() =>
    [
        new("/api/tenants/", t => t.TenantsAsync()),
        new("/api/tenants/{tenantId:guid}/people", t => t.PeopleAsync()),
        new("/api/tenants/{tenantId:guid}/departments", t => t.DepartmentsAsync()),
        new("/api/tenants/audit", t => t.AuditAsync<TenantsModule>("/api/tenants/audit")),
        new("/api/users/", t => t.UsersAsync()),
        new("/api/users/audit", t => t.AuditAsync<IdentityModule>("/api/users/audit")),
        new("/api/seats/audit", t => t.AuditAsync<SeatsModule>("/api/seats/audit")),
        new("/api/billing/audit", t => t.AuditAsync<BillingModule>("/api/billing/audit")),
        new("/api/support/audit", t => t.AuditAsync<LicenceOps.Support.SupportModule>("/api/support/audit")),
        new("/api/catalogue", t => t.CatalogueAsync()),
        new("/api/tenants/{tenantId:guid}/subscriptions", t => t.SeatsListAsync("subscriptions", "subscriptions", "created_at")),
        new("/api/tenants/{tenantId:guid}/subscriptions/{subscriptionId:guid}/history", t => t.SubscriptionHistoryAsync()),
        new("/api/tenants/{tenantId:guid}/seats", t => t.SeatsListAsync("seats", "seats", "created_at")),
        new("/api/tenants/{tenantId:guid}/seats/{seatId:guid}/history", t => t.SeatHistoryAsync()),
        new("/api/tenants/{tenantId:guid}/seat-requests", t => t.SeatsListAsync("seat-requests", "seat_requests", "requested_at")),
        new("/api/tenants/{tenantId:guid}/seat-templates", t => t.SeatsListAsync("seat-templates", "seat_templates", "created_at")),
        new("/api/tenants/{tenantId:guid}/transfers", t => t.SeatsListAsync("transfers", "transfers", "created_at")),
        new("/api/tenants/{tenantId:guid}/manual-tasks", t => t.SeatsListAsync("manual-tasks", "manual_tasks", "created_at")),
        new("/api/tenants/{tenantId:guid}/invoices/", t => t.InvoicesAsync()),
        new("/api/tenants/{tenantId:guid}/vendor-accounts", t => t.VendorAccountsAsync(acrossTenants: false)),
        new("/api/vendor-accounts", t => t.VendorAccountsAsync(acrossTenants: true)),
        new("/api/findings", t => t.FindingsAsync(acrossTenants: true)),
        new("/api/tenants/{tenantId:guid}/findings", t => t.FindingsAsync(acrossTenants: false)),
        new("/api/tenants/{tenantId:guid}/vendor-accounts/{accountId:guid}/reconciliation-runs", t => t.ReconciliationRunsAsync()),
        new("/api/setting-baselines", t => t.SettingBaselinesAsync()),
        new("/api/tenants/{tenantId:guid}/vendor-accounts/{accountId:guid}/purchased-quantities", t => t.PurchasedQuantitiesAsync()),
        new("/api/renewals", t => t.RenewalsAsync(everyTenant: true)),
        new("/api/tenants/{tenantId:guid}/renewals", t => t.RenewalsAsync(everyTenant: false)),
        new("/api/billing/runs/", t => t.InvoiceRunsAsync()),
        new("/api/billing/payments/review", t => t.PaymentsForReviewAsync()),
        new("/api/tenants/{tenantId:guid}/invoices/{invoiceId:guid}/mail", t => t.InvoiceMailAsync()),
        new("/api/tickets/", t => t.TicketsAsync()),
        new("/api/tenants/{tenantId:guid}/subscriptions/{subscriptionId:guid}/take-overs", t => t.TakeOversAsync()),
    ];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        factory = new LicenceOpsFactory(new Dictionary<string, string?>
        {
            ["Paging:DefaultLimit"] = DefaultLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Paging:MaxLimit"] = MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        staff = await factory.StaffClientAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    [Test]
    public void Every_get_endpoint_is_either_a_paged_list_or_a_single_resource()
    {
        var gets = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => (Route: "/" + e.RoutePattern.RawText!.TrimStart('/'), Paged: e.Metadata.GetMetadata<PagedEndpointMetadata>() is not null))
            .Where(e => !e.Route.StartsWith("/hangfire", StringComparison.Ordinal) && !e.Route.StartsWith("/docs", StringComparison.Ordinal))
            .ToList();
        var paged = gets.Where(e => e.Paged).Select(e => e.Route).ToHashSet();

        // A GET that ends in a route parameter reads one resource; anything else must page or be named above.
        var unpaged = gets.Where(e => !e.Paged && !e.Route.EndsWith('}') && !NotLists.Contains(e.Route))
            .Select(e => e.Route).ToList();
        Assert.That(unpaged, Is.Empty, "GET endpoints that look like lists but take no PageRequest (page them, or name them in NotLists)");
        Assert.That(paged, Is.EquivalentTo(Cases().Select(c => c.Route)), "every paged list has a case in this fixture");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task A_list_pages_by_default_up_to_the_maximum_and_follows_its_cursor(ListCase list)
    {
        var seeded = await list.Seed(this);
        for (var i = 0; i < MaxLimit + 2; i++)
        {
            await seeded.Add(i / (double)(MaxLimit + 2));
        }

        var first = await PageAsync(seeded.Url);
        Assert.That(first.GetProperty("items").GetArrayLength(), Is.EqualTo(DefaultLimit), "default page size");
        Assert.That(first.GetProperty("limit").GetInt32(), Is.EqualTo(DefaultLimit));
        Assert.That(first.GetProperty("nextCursor").ValueKind, Is.EqualTo(JsonValueKind.String));
        var total = first.GetProperty("total").GetInt64();

        var widest = await PageAsync(With(seeded.Url, $"limit={MaxLimit}"));
        Assert.That(widest.GetProperty("items").GetArrayLength(), Is.EqualTo(MaxLimit), "maximum page size");
        foreach (var bad in new[] { $"limit={MaxLimit + 1}", "limit=0", "limit=-1", "limit=many", "cursor=not-a-cursor" })
        {
            var response = await staff.GetAsync(With(seeded.Url, bad));
            await response.ProblemAsync(HttpStatusCode.BadRequest);
        }

        // Walking at any page size gives the same rows in the same order, each once, and as many as the first page's total.
        var bySmallPages = await WalkAsync(seeded, 2);
        var byLargePages = await WalkAsync(seeded, MaxLimit);
        Assert.That(bySmallPages, Is.EqualTo(byLargePages));
        Assert.That(bySmallPages, Is.Unique);
        Assert.That(bySmallPages, Has.Count.EqualTo(total));

        // A cursor of another list is refused rather than misread.
        var foreignCursor = widest.GetProperty("nextCursor").GetString()!;
        var other = list.Route == "/api/catalogue" ? "/api/tenants" : "/api/catalogue";
        await (await staff.GetAsync($"{other}?cursor={Uri.EscapeDataString(foreignCursor)}")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Rows_inserted_while_a_client_pages_neither_repeat_nor_hide_the_rows_it_had_not_reached(ListCase list)
    {
        var seeded = await list.Seed(this);
        for (var i = 0; i < MaxLimit + 2; i++)
        {
            await seeded.Add(0.1 + (0.8 * i / (MaxLimit + 2)));
        }
        var before = await WalkAsync(seeded, MaxLimit);

        var walked = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await PageAsync(With(seeded.Url, cursor is null ? "limit=2" : $"limit=2&cursor={Uri.EscapeDataString(cursor)}"));
            walked.AddRange(page.GetProperty("items").EnumerateArray().Select(i => Id(i, seeded.IdProperty)));
            cursor = page.GetProperty("nextCursor").GetString();
            if (pages++ == 0)
            {
                // Rows sorting before, among and after the ones read so far.
                foreach (var position in new[] { 0.0, 0.5, 0.95 })
                {
                    await seeded.Add(position);
                }
            }
        }
        while (cursor is not null && pages < 100);

        Assert.That(walked, Is.Unique, "no row twice");
        Assert.That(walked.Where(before.Contains).ToList(), Is.EqualTo(before), "every row present at the start, once, in order");
    }

    private async Task<JsonElement> PageAsync(string url)
    {
        var response = await staff.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{url}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<List<string>> WalkAsync(Seeded seeded, int limit)
    {
        var ids = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await PageAsync(With(seeded.Url, cursor is null ? $"limit={limit}" : $"limit={limit}&cursor={Uri.EscapeDataString(cursor)}"));
            Assert.That(page.GetProperty("items").GetArrayLength(), Is.LessThanOrEqualTo(limit));
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => Id(i, seeded.IdProperty)));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && ++pages < 200);
        Assert.That(cursor, Is.Null, "the walk ends");
        return ids;
    }

    private static string Id(JsonElement item, string property) => item.GetProperty(property).ToString();

    private static string With(string url, string query) => url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;

    /// <summary>A sort key that lands at <paramref name="position"/> (0..1) among the others, unique by its random tail.</summary>
    private static string Name(double position) => $"{(char)('a' + (int)(position * 25))}{Guid.NewGuid():N}"[..12];

    private static DateTimeOffset Instant(double position) =>
        new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(position * 100_000).AddTicks(Random.Shared.Next(1, 10_000));

    private async Task<Seeded> TenantsAsync()
    {
        // The tenants list is global: its walk includes the demo tenants and the other cases' tenants, which is fine.
        return new Seeded("/api/tenants", async p =>
            (await staff.PostAsJsonAsync("/api/tenants", TenantsTestKit.FrenchTenant(TenantsTestKit.NewDomain(), Name(p) + " SAS")))
                .EnsureSuccessStatusCode());
    }

    private async Task<Seeded> PeopleAsync()
    {
        var tenant = await TenantsTestKit.CreateTenantAsync(staff);
        return new Seeded($"/api/tenants/{tenant.Id}/people",
            p => TenantsTestKit.JoinAsync(staff, tenant, Name(p), new DateOnly(2026, 11, 2)));
    }

    private async Task<Seeded> DepartmentsAsync()
    {
        var tenant = await TenantsTestKit.CreateTenantAsync(staff);
        return new Seeded($"/api/tenants/{tenant.Id}/departments", p => TenantsTestKit.CreateDepartmentAsync(staff, tenant.Id, Name(p)));
    }

    private async Task<Seeded> UsersAsync()
    {
        var tenantId = Guid.NewGuid();
        // Identity refuses client users of tenants it has not heard of.
        await factory.EnsureIdentityKnowsTenantAsync(tenantId);
        return new Seeded($"/api/users?tenantId={tenantId}", async p =>
            (await staff.PostAsJsonAsync("/api/users", new
            {
                email = $"{Name(p)}@paging.example", displayName = "Paging", role = LicenceOps.Platform.Security.Roles.ClientViewer, tenantId,
                password = LicenceOpsFactory.UserPassword,
            })).EnsureSuccessStatusCode());
    }

    /// <summary>Audit entries are written by every command; here straight into the module's log, confined to a fresh tenant id.</summary>
    private Task<Seeded> AuditAsync<TModule>(string url) where TModule : LicenceOps.Platform.Modules.IModule
    {
        var tenantId = Guid.NewGuid();
        var db = factory.Service<ModuleDatabase<TModule>>();
        return Task.FromResult(new Seeded($"{url}?tenantId={tenantId}", p => SyntheticRows.InsertAsync(db, "audit_log", new Dictionary<string, object?>
        {
            ["tenant_id"] = tenantId, ["occurred_at"] = Instant(p), ["entity_type"] = "paging-test", ["action"] = "tested",
        })));
    }

    private Task<Seeded> CatalogueAsync()
    {
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        return Task.FromResult(new Seeded("/api/catalogue", p => SyntheticRows.InsertAsync(db, "catalogue_plans", new Dictionary<string, object?>
        {
            ["code"] = "paging-" + Name(p), ["vendor_name"] = Name(p), ["product_name"] = Name(p), ["price_currency"] = "EUR",
            ["billing_cycle"] = "monthly", ["offboarding_data_rule"] = "none",
        }), IdProperty: "code"));
    }

    /// <summary>A tenant list of the Seats module, filled with rows of a fresh tenant whose sort timestamp varies.</summary>
    private async Task<Seeded> SeatsListAsync(string path, string table, string sortColumn)
    {
        var tenantId = Guid.NewGuid();
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        var subscriptionId = await SubscriptionAsync(db, tenantId);
        if (table == "subscriptions")
        {
            // The subscription made for the joins counts as one row of the list.
            return new Seeded($"/api/tenants/{tenantId}/subscriptions", p => SubscriptionAsync(db, tenantId, Instant(p)));
        }
        return new Seeded($"/api/tenants/{tenantId}/{path}", p => SyntheticRows.InsertAsync(db, table, new Dictionary<string, object?>
        {
            ["tenant_id"] = tenantId, ["subscription_id"] = subscriptionId, [sortColumn] = Instant(p), ["status"] = "open",
        }));
    }

    private Task<Seeded> VendorAccountsAsync(bool acrossTenants = false)
    {
        var tenantId = Guid.NewGuid();
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        // settings is read back as a JSON object, so it gets one instead of the filler text.
        return Task.FromResult(new Seeded(acrossTenants ? $"/api/vendor-accounts?tenantId={tenantId}" : $"/api/tenants/{tenantId}/vendor-accounts", p => SyntheticRows.InsertAsync(db, "vendor_accounts",
            new Dictionary<string, object?> { ["tenant_id"] = tenantId, ["created_at"] = Instant(p), ["settings"] = "{}", ["connector"] = "csv" })));
    }

    private Task<Seeded> FindingsAsync(bool acrossTenants)
    {
        var tenantId = Guid.NewGuid();
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        // Sorted by monthly effect, largest first: a later position is a smaller effect.
        return Task.FromResult(new Seeded(acrossTenants ? $"/api/findings?tenantId={tenantId}" : $"/api/tenants/{tenantId}/findings",
            p => SyntheticRows.InsertAsync(db, "findings", new Dictionary<string, object?>
            {
                ["tenant_id"] = tenantId, ["monthly_effect_cents"] = (long)((1 - p) * 1_000_000) * 1000 + Random.Shared.Next(1000),
            })));
    }

    /// <summary>Estate take-over jobs of one real subscription, newest first: a later position is an earlier request.</summary>
    private async Task<Seeded> TakeOversAsync()
    {
        var tenantId = Guid.NewGuid();
        var subscriptionId = (await Seats.SeatsKit.CreateSubscriptionAsync(factory, staff, tenantId, "perplexity-enterprise-pro", 2)).GetProperty("id").GetGuid();
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        return new Seeded($"/api/tenants/{tenantId}/subscriptions/{subscriptionId}/take-overs", p => SyntheticRows.InsertAsync(db, "take_over_jobs",
            new Dictionary<string, object?>
            {
                ["tenant_id"] = tenantId, ["subscription_id"] = subscriptionId, ["state"] = "succeeded", ["source"] = "csv", ["created_at"] = Instant(1 - p),
            }));
    }

    /// <summary>A vendor account of a new tenant, for the lists that hang below one.</summary>
    private async Task<(Guid TenantId, Guid AccountId, ModuleDatabase<SeatsModule> Db)> SyntheticVendorAccountAsync()
    {
        var tenantId = Guid.NewGuid();
        var accountId = Guid.NewGuid();
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        await SyntheticRows.InsertAsync(db, "vendor_accounts", new Dictionary<string, object?>
        {
            ["id"] = accountId, ["tenant_id"] = tenantId, ["settings"] = "{}", ["connector"] = "csv",
        });
        return (tenantId, accountId, db);
    }

    private async Task<Seeded> ReconciliationRunsAsync()
    {
        var (tenantId, accountId, db) = await SyntheticVendorAccountAsync();
        // Newest first: a later position is an earlier start.
        return new Seeded($"/api/tenants/{tenantId}/vendor-accounts/{accountId}/reconciliation-runs", p => SyntheticRows.InsertAsync(db, "reconciliation_runs",
            new Dictionary<string, object?> { ["tenant_id"] = tenantId, ["vendor_account_id"] = accountId, ["started_at"] = Instant(1 - p) }), "runId");
    }

    private async Task<Seeded> PurchasedQuantitiesAsync()
    {
        var (tenantId, accountId, db) = await SyntheticVendorAccountAsync();
        // Latest observation first: a later position is an earlier day (and an earlier recording on the same day).
        return new Seeded($"/api/tenants/{tenantId}/vendor-accounts/{accountId}/purchased-quantities", p =>
        {
            var at = Instant(1 - p);
            return SyntheticRows.InsertAsync(db, "purchased_quantity_observations", new Dictionary<string, object?>
            {
                ["tenant_id"] = tenantId, ["vendor_account_id"] = accountId, ["observed_on"] = DateOnly.FromDateTime(at.UtcDateTime), ["recorded_at"] = at,
            });
        });
    }

    private Task<Seeded> SettingBaselinesAsync()
    {
        var vendorCode = "v" + Guid.NewGuid().ToString("N")[..12];
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        return Task.FromResult(new Seeded($"/api/setting-baselines?vendorCode={vendorCode}", p => SyntheticRows.InsertAsync(db, "setting_baselines",
            new Dictionary<string, object?> { ["vendor_code"] = vendorCode, ["setting_key"] = Name(p) })));
    }

    /// <summary>
    /// Renewals sort by date: each row is a subscription renewing between June and October 2027 (within a year of the
    /// fixture's clock). The staff list spans tenants, so it is narrowed to that window with <c>from</c>.
    /// </summary>
    private Task<Seeded> RenewalsAsync(bool everyTenant)
    {
        var tenantId = Guid.NewGuid();
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        var url = everyTenant ? "/api/renewals?within=366&from=2027-06-01" : $"/api/tenants/{tenantId}/renewals?within=366";
        return Task.FromResult(new Seeded(url, p => SyntheticRows.InsertAsync(db, "subscriptions", new Dictionary<string, object?>
        {
            ["tenant_id"] = tenantId, ["plan_code"] = CatalogueSeed.Plans[0].Code, ["auto_increase_policy"] = "allow",
            ["renewal_date"] = new DateOnly(2027, 6, 1).AddDays((int)(p * 150)),
        }), IdProperty: "subscriptionId"));
    }

    private async Task<Seeded> SubscriptionHistoryAsync()
    {
        var tenantId = Guid.NewGuid();
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        var subscriptionId = await SubscriptionAsync(db, tenantId);
        return new Seeded($"/api/tenants/{tenantId}/subscriptions/{subscriptionId}/history", p => SyntheticRows.InsertAsync(db, "subscription_changes",
            new Dictionary<string, object?> { ["tenant_id"] = tenantId, ["subscription_id"] = subscriptionId, ["seq"] = (long)(p * 1_000_000) + Random.Shared.Next(1000) }));
    }

    private async Task<Seeded> SeatHistoryAsync()
    {
        var tenantId = Guid.NewGuid();
        var db = factory.Service<ModuleDatabase<SeatsModule>>();
        var seatId = Guid.NewGuid();
        await SyntheticRows.InsertAsync(db, "seats", new Dictionary<string, object?>
        {
            ["id"] = seatId, ["tenant_id"] = tenantId, ["subscription_id"] = await SubscriptionAsync(db, tenantId), ["status"] = "active",
        });
        return new Seeded($"/api/tenants/{tenantId}/seats/{seatId}/history", p => SyntheticRows.InsertAsync(db, "seat_history",
            new Dictionary<string, object?>
            {
                ["tenant_id"] = tenantId, ["seat_id"] = seatId, ["seq"] = (long)(p * 1_000_000) + Random.Shared.Next(1000), ["occurred_at"] = Instant(p),
            }),
            IdProperty: "occurredAt");
    }

    private Task<Seeded> InvoicesAsync()
    {
        var tenantId = Guid.NewGuid();
        var db = factory.Service<ModuleDatabase<BillingModule>>();
        return Task.FromResult(new Seeded($"/api/tenants/{tenantId}/invoices", p => SyntheticRows.InsertAsync(db, "invoices", new Dictionary<string, object?>
        {
            ["tenant_id"] = tenantId, ["kind"] = "invoice", ["status"] = "issued", ["currency"] = "EUR", ["created_at"] = Instant(p),
            ["number"] = "PAGING-" + Guid.NewGuid().ToString("N")[..12],
        })));
    }

    /// <summary>The runs list is global, like the tenants list: its walk includes every case's runs.</summary>
    private Task<Seeded> InvoiceRunsAsync()
    {
        var db = factory.Service<ModuleDatabase<BillingModule>>();
        return Task.FromResult(new Seeded("/api/billing/runs", p => SyntheticRows.InsertAsync(db, "invoice_runs", new Dictionary<string, object?>
        {
            ["period"] = "2020-01", ["issue"] = 0, ["state"] = "completed", ["created_at"] = Instant(p),
        })));
    }

    /// <summary>Open payment reviews are global too; each gets its own synthetic invoice.</summary>
    private Task<Seeded> PaymentsForReviewAsync()
    {
        var db = factory.Service<ModuleDatabase<BillingModule>>();
        return Task.FromResult(new Seeded("/api/billing/payments/review", async p =>
        {
            var invoiceId = Guid.NewGuid();
            await SyntheticRows.InsertAsync(db, "invoices", new Dictionary<string, object?>
            {
                ["id"] = invoiceId, ["kind"] = "invoice", ["status"] = "issued", ["currency"] = "EUR", ["number"] = "PAGING-" + Guid.NewGuid().ToString("N")[..12],
            });
            await SyntheticRows.InsertAsync(db, "invoice_payments", new Dictionary<string, object?>
            {
                ["invoice_id"] = invoiceId, ["payment_intent_id"] = "pi_" + Guid.NewGuid().ToString("N"), ["amount"] = "1.00", ["amount_due"] = "2.00",
                ["currency"] = "EUR", ["outcome"] = "partial", ["review_status"] = "open", ["received_at"] = Instant(p),
            });
        }, IdProperty: "paymentIntentId"));
    }

    private async Task<Seeded> InvoiceMailAsync()
    {
        var tenantId = Guid.NewGuid();
        var invoiceId = Guid.NewGuid();
        var db = factory.Service<ModuleDatabase<BillingModule>>();
        await SyntheticRows.InsertAsync(db, "invoices", new Dictionary<string, object?>
        {
            ["id"] = invoiceId, ["tenant_id"] = tenantId, ["kind"] = "invoice", ["status"] = "issued", ["currency"] = "EUR",
            ["number"] = "PAGING-" + Guid.NewGuid().ToString("N")[..12],
        });
        // seq is the mail's queue position; explicit values far above the real ones place each row.
        return new Seeded($"/api/tenants/{tenantId}/invoices/{invoiceId}/mail", p => SyntheticRows.InsertAsync(db, "mail_outbox", new Dictionary<string, object?>
        {
            ["seq"] = 1_000_000_000L + (long)(p * 100_000_000) + Random.Shared.Next(100_000), ["tenant_id"] = tenantId,
            ["subject_type"] = LicenceOps.Billing.Features.Mail.InvoiceMail.SubjectType, ["subject_id"] = invoiceId, ["status"] = "sent",
        }));
    }

    private Task<Seeded> TicketsAsync()
    {
        var tenantId = Guid.NewGuid();
        var db = factory.Service<ModuleDatabase<LicenceOps.Support.SupportModule>>();
        return Task.FromResult(new Seeded($"/api/tickets?tenantId={tenantId}", p => SyntheticRows.InsertAsync(db, "tickets", new Dictionary<string, object?>
        {
            // Ticket numbers are unique across tenants: each row's lands by its position, far above the demo's.
            ["number"] = 1_000_000_000L + (long)(p * 100_000_000) + Random.Shared.Next(100_000), ["tenant_id"] = tenantId, ["tags"] = "[]",
            ["status"] = "open", ["priority"] = "normal", ["category"] = "other", ["sla_state"] = "ok", ["language"] = "fr",
            ["created_at"] = Instant(p), ["updated_at"] = Instant(p), ["first_response_due"] = Instant(p), ["resolution_due"] = Instant(p),
        })));
    }

    private static async Task<Guid> SubscriptionAsync(ModuleDatabase db, Guid tenantId, DateTimeOffset? createdAt = null)
    {
        var id = Guid.NewGuid();
        await SyntheticRows.InsertAsync(db, "subscriptions", new Dictionary<string, object?>
        {
            ["id"] = id, ["tenant_id"] = tenantId, ["plan_code"] = CatalogueSeed.Plans[0].Code, ["created_at"] = createdAt ?? Instant(0.5),
            ["auto_increase_policy"] = "allow",
        });
        return id;
    }
}
