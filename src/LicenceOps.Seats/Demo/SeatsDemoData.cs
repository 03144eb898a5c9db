using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Consumers;
using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Seats.Demo;

/// <summary>
/// Subscriptions, department templates and a few seats for the two demo tenants. People normally arrive from the
/// Tenants events; the demo seeds its own read-copy rows with fixed ids so the seats have someone to point at.
/// </summary>
internal static class SeatsDemoData
{
    public static readonly Guid AcmeChatGptId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F5A01");
    public static readonly Guid AcmeClaudePremiumId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F5A02");
    public static readonly Guid AcmeCopilotId = Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F5A03");
    public static readonly Guid NordwindCopilotId = Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A6A01");
    public static readonly Guid NordwindGeminiId = Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A6A02");

    private sealed record DemoPerson(Guid Id, Guid TenantId, string Email, string Name, Guid DepartmentId, Guid SubscriptionId, SeatStatus Status);

    private static readonly DemoPerson[] People =
    [
        new(Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F6A01"), DemoData.AcmeTenantId, "claire.martin@acme-conseil.fr", "Claire Martin",
            DemoData.AcmeMarketingId, AcmeChatGptId, SeatStatus.Active),
        new(Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F6A02"), DemoData.AcmeTenantId, "julien.bernard@acme-conseil.fr", "Julien Bernard",
            DemoData.AcmeMarketingId, AcmeChatGptId, SeatStatus.Invited),
        new(Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F6A03"), DemoData.AcmeTenantId, "sophie.leroy@acme-conseil.fr", "Sophie Leroy",
            DemoData.AcmeEngineeringId, AcmeClaudePremiumId, SeatStatus.Active),
        new(Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A7A01"), DemoData.NordwindTenantId, "jonas.weber@nordwind-logistik.de", "Jonas Weber",
            DemoData.NordwindSalesId, NordwindCopilotId, SeatStatus.Active),
        new(Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A7A02"), DemoData.NordwindTenantId, "lena.fischer@nordwind-logistik.de", "Lena Fischer",
            DemoData.NordwindItId, NordwindGeminiId, SeatStatus.Requested),
    ];

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
            await SubscriptionAsync(uow, AcmeClaudePremiumId, DemoData.AcmeTenantId, "claude-team-premium", "acme-conseil-claude", 5, termStart, null, "allow");
            await SubscriptionAsync(uow, AcmeCopilotId, DemoData.AcmeTenantId, "m365-copilot-annual", "acme-conseil.onmicrosoft.com", 10, termStart, 32.00m, "require_staff_approval");
            await SubscriptionAsync(uow, NordwindCopilotId, DemoData.NordwindTenantId, "m365-copilot-annual", "nordwind-logistik.onmicrosoft.com", 15, termStart, null, "require_staff_approval");
            await SubscriptionAsync(uow, NordwindGeminiId, DemoData.NordwindTenantId, "gemini-business-annual", "nordwind-logistik.de", 10, termStart, 21.00m, "allow");

            await TemplateAsync(uow, DemoData.AcmeTenantId, DemoData.AcmeMarketingId, AcmeChatGptId);
            await TemplateAsync(uow, DemoData.AcmeTenantId, DemoData.AcmeEngineeringId, AcmeClaudePremiumId);
            await TemplateAsync(uow, DemoData.AcmeTenantId, DemoData.AcmeFinanceId, AcmeCopilotId);
            await TemplateAsync(uow, DemoData.NordwindTenantId, DemoData.NordwindSalesId, NordwindCopilotId);
            await TemplateAsync(uow, DemoData.NordwindTenantId, DemoData.NordwindItId, NordwindGeminiId);

            foreach (var person in People)
            {
                await PeopleCopy.UpsertAsync(uow, person.Id, person.TenantId, person.Email, person.Name, person.DepartmentId,
                    setDepartment: true, "active", endDate: null);
                var sub = (await SubscriptionLedger.FindAsync(uow, person.TenantId, person.SubscriptionId))!;
                await SeatLedger.ClaimAsync(uow, sub, increaseAllowed: false, "demo data");
                var seatId = await SeatLedger.InsertAsync(uow, sub, person.Id, "demo data");
                var seat = (await SeatLedger.FindAsync(uow, person.TenantId, seatId))!;
                if (person.Status is SeatStatus.Invited or SeatStatus.Active)
                {
                    await SeatLedger.TransitionAsync(uow, seat, SeatStatus.Requested, SeatStatus.Invited, "demo data");
                }
                if (person.Status is SeatStatus.Active)
                {
                    await SeatLedger.TransitionAsync(uow, seat, SeatStatus.Invited, SeatStatus.Active, "demo data");
                }
            }
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

    private static Task TemplateAsync(UnitOfWork uow, Guid tenantId, Guid departmentId, Guid subscriptionId) =>
        uow.ExecuteAsync(
            "INSERT INTO seat_templates (id, tenant_id, department_id, subscription_id, created_at) VALUES (@id, @tenantId, @departmentId, @subscriptionId, @now)",
            new { id = Guid.NewGuid(), tenantId, departmentId, subscriptionId, now = uow.Now });
}
