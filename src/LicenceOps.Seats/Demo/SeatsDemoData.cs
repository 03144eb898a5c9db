using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Features.VendorAccounts;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Vendors;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Seats.Demo;

/// <summary>
/// Subscriptions and department templates for the two demo tenants. The demo people arrive as Tenants publishes
/// their PersonJoined events (after this seed, because the bus starts once seeding is done), so each is onboarded
/// from its department's template like any real joiner: the demo starts with onboarding workflows and invite tasks.
/// </summary>
internal static class SeatsDemoData
{
    public static readonly Guid AcmeChatGptId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F5A01");
    public static readonly Guid AcmeClaudePremiumId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F5A02");
    public static readonly Guid AcmeCopilotId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F5A03");
    public static readonly Guid NordwindCopilotId = Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A6A01");
    public static readonly Guid NordwindGeminiId = Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A6A02");

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<ModuleDatabase<SeatsModule>>();
        using var actor = ActorScope.Begin(Actor.System("seats-demo-seed"));
        await db.WriteAsync(async uow =>
        {
            if (await uow.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM subscriptions WHERE id = @id", new { id = AcmeChatGptId }) is not null)
            {
                return;
            }
            var termStart = new DateOnly(2026, 1, 1);
            await SubscriptionAsync(uow, AcmeChatGptId, DemoData.AcmeTenantId, "chatgpt-business-annual", "acme-conseil-chatgpt", 20, termStart, 27.50m, "require_staff_approval");
            // Claude Team premium is a monthly plan: Acme commits to 2 seats and pays for every seat in use above them.
            await SubscriptionAsync(uow, AcmeClaudePremiumId, DemoData.AcmeTenantId, "claude-team-premium", "acme-conseil-claude", 2, termStart, null, "allow");
            await SubscriptionAsync(uow, AcmeCopilotId, DemoData.AcmeTenantId, "m365-copilot-annual", "acme-conseil.onmicrosoft.com", 10, termStart, 32.00m, "require_staff_approval");
            await SubscriptionAsync(uow, NordwindCopilotId, DemoData.NordwindTenantId, "m365-copilot-annual", "nordwind-logistik.onmicrosoft.com", 15, termStart, null, "require_staff_approval");
            await SubscriptionAsync(uow, NordwindGeminiId, DemoData.NordwindTenantId, "gemini-business-annual", "nordwind-logistik.de", 10, termStart, 21.00m, "allow");

            // The demo reaches no real vendor: its vendor accounts use the CSV connector (member exports, manual actions),
            // so nothing pretends a vendor API answered.
            var acmeChatGpt = await VendorAccountAsync(uow, DemoData.AcmeTenantId, "openai", "Acme ChatGPT workspace (member export)", AcmeChatGptId);
            // Nordwind's export is refreshed once a day, so its account is reconciled daily: the portal's vendor-account pages show
            // a default and a chosen schedule side by side.
            var nordwindGemini = await VendorAccountAsync(uow, DemoData.NordwindTenantId, "google", "Nordwind Workspace (member export)", NordwindGeminiId,
                everyMinutes: 1440);
            await MemberExportsAsync(uow, acmeChatGpt, nordwindGemini);

            await BackdatedClaudeSeatsAsync(uow, termStart);

            await TemplateAsync(uow, DemoData.AcmeTenantId, DemoData.AcmeMarketingId, AcmeChatGptId);
            await TemplateAsync(uow, DemoData.AcmeTenantId, DemoData.AcmeEngineeringId, AcmeClaudePremiumId);
            await TemplateAsync(uow, DemoData.AcmeTenantId, DemoData.AcmeFinanceId, AcmeCopilotId);
            await TemplateAsync(uow, DemoData.NordwindTenantId, DemoData.NordwindSalesId, NordwindCopilotId);
            await TemplateAsync(uow, DemoData.NordwindTenantId, DemoData.NordwindItId, NordwindGeminiId);
        }, ct);
    }

    private static async Task SubscriptionAsync(
        UnitOfWork uow, Guid id, Guid tenantId, string planCode, string account, int quantity, DateOnly termStart, decimal? price, string policy)
    {
        await uow.ExecuteAsync(
            """
            INSERT INTO subscriptions (id, tenant_id, plan_code, vendor_account_id, committed_quantity, occupied_seats, term_start,
                renewal_date, sale_price_per_seat_eur, auto_increase_policy, created_at, updated_at)
            VALUES (@id, @tenantId, @planCode, @account, @quantity, 0, @termStart, @renewal, @price, @policy, @now, @now)
            """,
            new { id, tenantId, planCode, account, quantity, termStart, renewal = termStart.AddYears(1), price, policy, now = uow.Now });
        var created = (await SubscriptionLedger.FindAsync(uow, tenantId, id))!;
        await SubscriptionLedger.RecordAsync(uow, created, SubscriptionChangeKinds.Created, 0, null, termStart, "demo data");
    }

    /// <summary>
    /// Acme's Claude seats have a past, so the months Billing's demo history invoices come from seat-days like any
    /// real month: Sophie since the term start, Hugo since February until mid-September, Chloé since mid-August. August
    /// and September therefore bill 2, then 3, then 2 seats pro rata. Dates follow the first start's month (never
    /// before the term start), and every seat is written through the ledger: seat, history, SeatAssigned/SeatReleased
    /// with its own date, audit. These are seats staff gave by hand, so no department template releases them; Chloé's
    /// is released by her offboarding when she leaves.
    /// </summary>
    private static async Task BackdatedClaudeSeatsAsync(UnitOfWork uow, DateOnly termStart)
    {
        var month = ParisCalendar.DateOf(uow.Now);
        month = new DateOnly(month.Year, month.Month, 1);
        DateOnly Past(int monthsBack, int day) => Max(month.AddMonths(-monthsBack).AddDays(day - 1), termStart);
        var claude = (await SubscriptionLedger.FindAsync(uow, DemoData.AcmeTenantId, AcmeClaudePremiumId))!;

        async Task<Guid> SeatAsync(Guid personId, DateOnly since)
        {
            // Claimed without the increase rule: seats above the commitment are what the demo bills by the day.
            await uow.ExecuteAsync("UPDATE subscriptions SET occupied_seats = occupied_seats + 1 WHERE id = @id", new { id = claude.Id });
            return await SeatLedger.InsertTakenOverAsync(uow, claude, personId, SeatStatus.Active, since, "demo data: seat in use since " + since.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }

        await SeatAsync(DemoData.AcmeSophieId, termStart);
        var hugo = await SeatAsync(DemoData.AcmeHugoId, Past(9, 9));
        await SeatAsync(DemoData.AcmeChloeId, Past(3, 18));
        var hugoSeat = (await SeatLedger.FindAsync(uow, DemoData.AcmeTenantId, hugo))!;
        await SeatLedger.ReleaseAsync(uow, hugoSeat, Past(2, 15), "demo data: moved to Copilot only", applyCommitmentRule: false);
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static async Task<Guid> VendorAccountAsync(UnitOfWork uow, Guid tenantId, string vendorCode, string name, Guid subscriptionId, int? everyMinutes = null)
    {
        var id = RowIds.New();
        await uow.ExecuteAsync(
            """
            INSERT INTO vendor_accounts (id, tenant_id, vendor_code, connector, display_name, base_address, settings, protected_secret, created_at, updated_at,
                reconcile_every_minutes)
            VALUES (@id, @tenantId, @vendorCode, 'csv', @name, NULL, '{}', NULL, @now, @now, @everyMinutes)
            """,
            new { id, tenantId, vendorCode, name, now = uow.Now, everyMinutes });
        await uow.ExecuteAsync("UPDATE subscriptions SET connected_account_id = @id WHERE id = @subscriptionId", new { id, subscriptionId });
        return id;
    }

    /// <summary>
    /// The member exports staff imported from the two CSV-connected workspaces, stored as the import endpoint stores them,
    /// two settings and a purchased quantity staff checked. Each account's reconciliation job (first run two minutes after
    /// the first start, then hourly) compares them with the demo seats once the demo people have arrived, so a fresh install
    /// shows real findings: a shadow user and a personal-account activation at each tenant, member counts that differ, an
    /// inactive ChatGPT seat, a drifted ChatGPT setting, unverified settings, a purchased quantity above the billed one.
    /// </summary>
    private static async Task MemberExportsAsync(UnitOfWork uow, Guid acmeChatGpt, Guid nordwindGemini)
    {
        var today = ParisCalendar.DateOf(uow.Now);
        VendorMember Member(string email, string status, int? lastActiveDaysAgo, string name) =>
            new(email, "member", status, lastActiveDaysAgo is { } d ? today.AddDays(-d) : null, null, name, today.AddDays(-120));
        await MemberSnapshot.ReplaceAsync(uow, DemoData.AcmeTenantId, acmeChatGpt,
        [
            // Emma has not opened ChatGPT for six weeks: her seat is the demo's inactive seat to reclaim (reconciliation
            // activates it from this list, then finds no activity within the tenant's 30-day policy).
            Member($"emma.leroy@{DemoData.AcmeDomain}", VendorMemberStatuses.Active, 41, "Emma Leroy"),
            Member($"marc.dupont@{DemoData.AcmeDomain}", VendorMemberStatuses.Active, 5, "Marc Dupont"),
            Member("lucas.petit.perso@gmail.com", VendorMemberStatuses.Active, 1, "Lucas Petit"),
        ], "csv");
        await MemberSnapshot.ReplaceAsync(uow, DemoData.NordwindTenantId, nordwindGemini,
        [
            Member($"lukas.weber@{DemoData.NordwindDomain}", VendorMemberStatuses.Active, 3, "Lukas Weber"),
            Member($"praktikum@{DemoData.NordwindDomain}", VendorMemberStatuses.Active, 12, "Praktikum IT"),
            Member("felix.wagner.hh@outlook.com", VendorMemberStatuses.Invited, null, "Felix Wagner"),
        ], "csv");
        await ObservationAsync(uow, DemoData.AcmeTenantId, acmeChatGpt, "training_on_company_data", "on", today.AddDays(-6));
        await ObservationAsync(uow, DemoData.AcmeTenantId, acmeChatGpt, "workspace_discovery", "off", today.AddDays(-45));

        // ChatGPT's admin API does not report the purchased quantity: staff copied it from last month's OpenAI invoice.
        // 22 seats bought against the 20 Acme is billed for: the demo's quantity_mismatch (2 × 27.50 EUR a month). Nordwind's
        // Gemini quantity was never recorded: its purchased-quantity-unverified finding.
        await uow.ExecuteAsync(
            """
            INSERT INTO purchased_quantity_observations (id, tenant_id, vendor_account_id, quantity, observed_on, source, reference, recorded_by, recorded_at)
            VALUES (@id, @tenantId, @acmeChatGpt, 22, @observedOn, 'invoice', 'OpenAI invoice of last month', 'demo data', @now)
            """,
            new { id = RowIds.New(), tenantId = DemoData.AcmeTenantId, acmeChatGpt, observedOn = today.AddDays(-12), now = uow.Now });
    }

    private static Task ObservationAsync(UnitOfWork uow, Guid tenantId, Guid accountId, string key, string value, DateOnly observedOn) =>
        uow.ExecuteAsync(
            """
            INSERT INTO setting_observations (id, tenant_id, vendor_account_id, setting_key, observed_value, observed_on, source, recorded_by, recorded_at)
            VALUES (@id, @tenantId, @accountId, @key, @value, @observedOn, 'recorded', 'demo data', @now)
            """,
            new { id = RowIds.New(), tenantId, accountId, key, value, observedOn, now = uow.Now });


    private static Task TemplateAsync(UnitOfWork uow, Guid tenantId, Guid departmentId, Guid subscriptionId) =>
        uow.ExecuteAsync(
            "INSERT INTO seat_templates (id, tenant_id, department_id, subscription_id, created_at) VALUES (@id, @tenantId, @departmentId, @subscriptionId, @now)",
            new { id = RowIds.New(), tenantId, departmentId, subscriptionId, now = uow.Now });
}
