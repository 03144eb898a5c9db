using LicenceOps.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace LicenceOps.IntegrationTests.Billing;

public sealed class SellerIdentityStartupTests
{
    [Test]
    public void Outside_the_demo_the_host_refuses_to_start_on_an_invalid_seller_identity()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings(new Dictionary<string, string?>
        {
            ["Billing:Seller:VatNumber"] = "FR32123456782",
            ["Billing:Seller:Siret"] = "12345678200011",
        }));

        var error = Assert.Catch(() => factory.CreateClient());

        var validation = error as OptionsValidationException ?? error?.InnerException as OptionsValidationException;
        Assert.That(validation, Is.Not.Null, error?.ToString());
        Assert.That(validation!.Message, Does.Contain("FR11123456782").And.Contain("Siret"));
    }

    [Test]
    public async Task The_demo_identity_starts_and_is_printed_complete()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        using var staff = await factory.StaffClientAsync();

        var options = factory.Service<IOptions<LicenceOps.Billing.BillingOptions>>().Value.Seller;
        Assert.That((options.Siret, options.VatNumber, options.LegalForm, options.RcsCity, options.ShareCapitalEur, options.VatOnDebits),
            Is.EqualTo(("12345678200010", "FR11123456782", "SAS", "Paris", 10_000m, false)));
    }
}
