using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Identifiers;
using LicenceOps.Tenants.Features.Departments;
using LicenceOps.Tenants.Features.People;
using LicenceOps.Tenants.Features.Tenants;
using static LicenceOps.IntegrationTests.Tenants.TenantsTestKit;

namespace LicenceOps.IntegrationTests.Tenants;

public sealed class DemoSeedTests
{
    [Test]
    public async Task The_demo_tenants_are_seeded_once_with_valid_identifiers_departments_and_people()
    {
        var dataDirectory = LicenceOpsFactory.NewDataDirectory();
        try
        {
            using (var first = new LicenceOpsFactory(dataDirectory: dataDirectory))
            {
                using var staff = await first.StaffClientAsync();
                var acme = await (await staff.GetAsync($"/api/tenants/{DemoData.AcmeTenantId}")).ReadAsync<TenantView>();
                var nordwind = await (await staff.GetAsync($"/api/tenants/{DemoData.NordwindTenantId}")).ReadAsync<TenantView>();

                Assert.That((acme.LegalName, acme.CountryCode, acme.EmailDomains.Single()), Is.EqualTo((DemoData.AcmeName, "FR", DemoData.AcmeDomain)));
                Assert.That(Siren.Check(acme.Siren!).IsValid && Siret.Check(acme.Siret!).IsValid && VatNumber.Check(acme.VatNumber!).IsValid, Is.True);
                Assert.That(acme.Siret, Does.StartWith(acme.Siren!));
                Assert.That(VatNumber.SirenOf(acme.VatNumber!), Is.EqualTo(acme.Siren));
                Assert.That((nordwind.LegalName, nordwind.CountryCode, nordwind.VatNumber), Is.EqualTo((DemoData.NordwindName, "DE", "DE136597857")));

                var departments = await (await staff.GetAsync($"/api/tenants/{DemoData.AcmeTenantId}/departments")).ReadItemsAsync<DepartmentView>();
                Assert.That(departments.Select(d => d.Id), Is.EquivalentTo(new[]
                {
                    DemoData.AcmeMarketingId, DemoData.AcmeEngineeringId, DemoData.AcmeFinanceId, DemoData.AcmeHumanResourcesId,
                }));
                var people = await (await staff.GetAsync($"/api/tenants/{DemoData.NordwindTenantId}/people")).ReadItemsAsync<PersonView>();
                Assert.That(people, Has.Count.EqualTo(6));
                Assert.That(people.Select(p => p.Status).Distinct(), Is.EquivalentTo(new[] { "active", "joining", "leaving" }));
                Assert.That(people.All(p => p.Email.EndsWith("@" + DemoData.NordwindDomain, StringComparison.Ordinal)), Is.True);
            }

            using var second = new LicenceOpsFactory(dataDirectory: dataDirectory);
            using var again = await second.StaffClientAsync();
            var acmePeople = await (await again.GetAsync($"/api/tenants/{DemoData.AcmeTenantId}/people")).ReadItemsAsync<PersonView>();
            Assert.That(acmePeople, Has.Count.EqualTo(6), "a restart does not seed again");
        }
        finally
        {
            LicenceOpsFactory.DeleteQuietly(dataDirectory);
        }
    }
}
