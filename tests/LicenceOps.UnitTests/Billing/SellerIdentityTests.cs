using LicenceOps.Billing;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Billing;

public class SellerIdentityTests
{
    [Test]
    public void The_default_demo_identity_is_valid_and_coherent()
    {
        var seller = new SellerOptions();

        Assert.That(SellerIdentity.Problems(seller), Is.Empty);
        Assert.That((seller.VatNumber, seller.Siret[..9], seller.LegalForm, seller.RcsCity), Is.EqualTo(("FR11123456782", seller.Siren, "SAS", "Paris")));
    }

    [Test]
    public void The_old_default_vat_number_fails_its_key() =>
        Assert.That(SellerIdentity.Problems(new SellerOptions { VatNumber = "FR32123456782" }).Single(), Does.Contain("FR11123456782"));

    [Test]
    public void Every_wrong_or_missing_mention_is_reported_at_once()
    {
        var problems = SellerIdentity.Problems(new SellerOptions
        {
            Siren = "123456789", Siret = "12345678200011", Iban = "FR7630006000011234567890188", LegalForm = "", RcsCity = " ", ShareCapitalEur = 0m, Bic = "AGRI",
        });

        Assert.That(string.Join("\n", problems), Does.Contain("Siren").And.Contain("Siret").And.Contain("Iban").And.Contain("LegalForm")
            .And.Contain("RcsCity").And.Contain("ShareCapitalEur").And.Contain("Bic"));
    }

    [Test]
    public void A_siret_of_another_siren_is_refused() =>
        Assert.That(SellerIdentity.Problems(new SellerOptions { Siret = "73282932000074" }).Single(), Does.Contain("does not start with the SIREN"));
}
