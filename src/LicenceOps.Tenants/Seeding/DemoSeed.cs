using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Tenants.Domain;
using LicenceOps.Tenants.Features.Departments;
using LicenceOps.Tenants.Features.People;
using LicenceOps.Tenants.Features.Tenants;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Tenants.Seeding;

/// <summary>
/// The two demo tenants of <see cref="DemoData"/>, their departments and a few people, written once (skipped when
/// the tenant exists). Events are published as for real changes, so other modules' read copies fill in.
/// Identifiers are valid: SIREN/SIRET pass Luhn, the French VAT key matches the SIREN, the German VAT number its check digit.
/// </summary>
internal static class DemoSeed
{
    private sealed record DemoPerson(Guid Id, string Local, string First, string Last, Guid Department, string? ManagerLocal, int StartedDaysAgo, int? LeavesInDays = null);

    private static readonly TenantProfile Acme = new(
        DemoData.AcmeName, "842157935", "84215793500011", "FR80842157935", "FR",
        "12 rue de la Paix", null, "75002", "Paris", $"factures@{DemoData.AcmeDomain}", [DemoData.AcmeDomain]);

    private static readonly TenantProfile Nordwind = new(
        DemoData.NordwindName, null, null, "DE136597857", "DE",
        "Am Sandtorkai 50", null, "20457", "Hamburg", $"rechnung@{DemoData.NordwindDomain}", [DemoData.NordwindDomain]);

    private static readonly (Guid Id, string Name)[] AcmeDepartments =
    [
        (DemoData.AcmeMarketingId, "Marketing"), (DemoData.AcmeEngineeringId, "Engineering"),
        (DemoData.AcmeFinanceId, "Finance"), (DemoData.AcmeHumanResourcesId, "Human Resources"),
    ];

    private static readonly (Guid Id, string Name)[] NordwindDepartments =
    [
        (DemoData.NordwindSalesId, "Sales"), (DemoData.NordwindOperationsId, "Operations"), (DemoData.NordwindItId, "IT"),
    ];

    // Negative StartedDaysAgo: a joiner who starts later; LeavesInDays: a leaver with a future end date.
    private static readonly DemoPerson[] AcmePeople =
    [
        new(DemoData.AcmeSophieId, "sophie.bernard", "Sophie", "Bernard", DemoData.AcmeHumanResourcesId, null, 2900),
        new(Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4C02"), "lucas.petit", "Lucas", "Petit", DemoData.AcmeEngineeringId, "sophie.bernard", 1400),
        new(Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4C03"), "emma.leroy", "Emma", "Leroy", DemoData.AcmeMarketingId, "sophie.bernard", 800),
        new(DemoData.AcmeHugoId, "hugo.moreau", "Hugo", "Moreau", DemoData.AcmeFinanceId, "sophie.bernard", 600),
        new(DemoData.AcmeChloeId, "chloe.garnier", "Chloé", "Garnier", DemoData.AcmeEngineeringId, "lucas.petit", 300, LeavesInDays: 14),
        new(Guid.Parse("5A0C3E2B-1F64-4C38-9A1E-0C1D2E3F4C06"), "nathan.roux", "Nathan", "Roux", DemoData.AcmeMarketingId, "emma.leroy", -7),
    ];

    private static readonly DemoPerson[] NordwindPeople =
    [
        new(Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A5D01"), "katrin.schulz", "Katrin", "Schulz", DemoData.NordwindOperationsId, null, 3100),
        new(Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A5D02"), "lukas.weber", "Lukas", "Weber", DemoData.NordwindItId, "katrin.schulz", 1500),
        new(Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A5D03"), "anna.fischer", "Anna", "Fischer", DemoData.NordwindSalesId, "katrin.schulz", 900),
        new(Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A5D04"), "felix.wagner", "Felix", "Wagner", DemoData.NordwindSalesId, "anna.fischer", 400),
        new(Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A5D05"), "mia.hoffmann", "Mia", "Hoffmann", DemoData.NordwindOperationsId, "katrin.schulz", 200, LeavesInDays: 30),
        new(Guid.Parse("7B1D4F3C-2A75-4D49-8B2F-1D2E3F4A5D06"), "jonas.koch", "Jonas", "Koch", DemoData.NordwindItId, "lukas.weber", -14),
    ];

    public static async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<ModuleDatabase<TenantsModule>>();
        using var actor = ActorScope.Begin(Actor.System("demo-seed"));
        await SeedTenantAsync(db, DemoData.AcmeTenantId, Acme, AcmeDepartments, AcmePeople, DemoData.AcmeDomain, ct);
        await SeedTenantAsync(db, DemoData.NordwindTenantId, Nordwind, NordwindDepartments, NordwindPeople, DemoData.NordwindDomain, ct);
    }

    private static Task SeedTenantAsync(
        ModuleDatabase<TenantsModule> db, Guid tenantId, TenantProfile profile, (Guid Id, string Name)[] departments,
        DemoPerson[] people, string domain, CancellationToken ct) =>
        db.WriteAsync(async uow =>
        {
            if (await TenantRow.FindAsync(uow, tenantId) is not null)
            {
                return;
            }
            var tenant = TenantRow.From(tenantId, profile, TenantStatus.Active, uow.Now, uow.Now);
            await CreateTenant.InsertAsync(uow, tenant);
            await TenantDomains.ReplaceAsync(uow, tenantId, profile.EmailDomains);
            await uow.AuditAsync("tenant", tenantId, "created", profile, tenantId);
            await uow.PublishAsync(tenant.ToEvent(uow.Now));

            foreach (var (id, name) in departments)
            {
                var department = new DepartmentView(id, tenantId, name);
                await DepartmentEndpoints.InsertAsync(uow, department);
                await uow.AuditAsync("department", id, "created", new { name }, tenantId);
                await uow.PublishAsync(DepartmentEndpoints.ToEvent(department, uow.Now));
            }

            var today = ParisCalendar.DateOf(uow.Now);
            var ids = people.ToDictionary(p => p.Local, p => p.Id);
            foreach (var p in people)
            {
                var start = today.AddDays(-p.StartedDaysAgo);
                var end = p.LeavesInDays is { } days ? today.AddDays(days) : (DateOnly?)null;
                var status = end is not null ? PersonStatus.Leaving : PersonStatus.OnJoin(start, today);
                var person = new PersonRow(
                    p.Id, tenantId, $"{p.Local}@{domain}", p.First, p.Last, p.Department,
                    p.ManagerLocal is null ? null : ids[p.ManagerLocal], false, status, start, end, uow.Now, uow.Now);
                await PersonRow.InsertAsync(uow, person);
                await uow.AuditAsync("person", person.Id, "joined", person.ToView(), tenantId);
                await uow.PublishAsync(person.Joined(uow.Now));
                if (end is not null)
                {
                    await uow.PublishAsync(person.Leaving(uow.Now));
                }
            }
        }, ct);
}
