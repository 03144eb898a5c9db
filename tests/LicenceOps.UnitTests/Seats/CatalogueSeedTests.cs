using NUnit.Framework;
using LicenceOps.Seats.Domain.Catalogue;

namespace LicenceOps.UnitTests.Seats;

public class CatalogueSeedTests
{
    private static CataloguePlan Plan(string code) => CatalogueSeed.Plans.Single(p => p.Code == code);

    [Test]
    public void Plan_codes_are_unique() =>
        Assert.That(CatalogueSeed.Plans.Select(p => p.Code), Is.Unique);

    [Test]
    public void Every_required_product_is_in_the_catalogue() =>
        Assert.That(CatalogueSeed.Plans.Select(p => p.ProductName).Distinct(), Is.SupersetOf(new[]
        {
            "ChatGPT", "Claude", "Microsoft 365 Copilot", "Gemini for Google Workspace", "Perplexity", "Midjourney",
        }));

    [Test]
    public void Known_public_prices()
    {
        Assert.That(Plan("chatgpt-business-annual").ListPrice, Is.EqualTo(25m));
        Assert.That(Plan("chatgpt-business-monthly").ListPrice, Is.EqualTo(30m));
        Assert.That(Plan("claude-team-standard-annual").ListPrice, Is.EqualTo(25m));
        Assert.That(Plan("claude-team-standard-monthly").ListPrice, Is.EqualTo(30m));
        Assert.That(Plan("claude-team-premium").ListPrice, Is.EqualTo(150m));
        Assert.That(Plan("m365-copilot-annual").ListPrice, Is.EqualTo(30m));
        Assert.That(Plan("perplexity-enterprise-pro").ListPrice, Is.EqualTo(40m));
    }

    [Test]
    public void Annual_commitments_forbid_reduction_before_renewal()
    {
        Assert.That(Plan("m365-copilot-annual").SeatsReducibleBeforeRenewal, Is.False);
        Assert.That(Plan("chatgpt-business-annual").SeatsReducibleBeforeRenewal, Is.False);
        Assert.That(Plan("chatgpt-business-monthly").SeatsReducibleBeforeRenewal, Is.True);
    }

    [Test]
    public void Offboarding_rules_follow_the_vendors()
    {
        Assert.That(CatalogueSeed.Plans.Where(p => p.VendorCode == "openai").Select(p => p.OffboardingDataRule),
            Has.All.EqualTo(OffboardingDataRules.TransferToWorkspaceOwner));
        Assert.That(CatalogueSeed.Plans.Where(p => p.VendorCode == "anthropic").Select(p => p.OffboardingDataRule),
            Has.All.EqualTo(OffboardingDataRules.ExportBeforeRemoval));
    }

    [Test]
    public void Every_plan_uses_known_codes_and_states_its_read_date()
    {
        foreach (var plan in CatalogueSeed.Plans)
        {
            Assert.That(BillingCycles.All, Does.Contain(plan.BillingCycle), plan.Code);
            Assert.That(PriceCurrencies.All, Does.Contain(plan.PriceCurrency), plan.Code);
            Assert.That(OffboardingDataRules.All, Does.Contain(plan.OffboardingDataRule), plan.Code);
            Assert.That(plan.ListPrice, Is.GreaterThan(0m), plan.Code);
            Assert.That(plan.PriceReadOn, Is.EqualTo(CatalogueSeed.PricesReadOn), plan.Code);
        }
    }
}
