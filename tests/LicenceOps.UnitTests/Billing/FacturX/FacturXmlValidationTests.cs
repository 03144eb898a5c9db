using System.Xml.Linq;
using LicenceOps.Billing.Documents.FacturX;

namespace LicenceOps.UnitTests.Billing.FacturX;

/// <summary>
/// The generated factur-x.xml passes the official Factur-X EN 16931 XSD and both schematrons (EN 16931 CII
/// business rules, Factur-X 1.09 EN 16931) with zero fatal failures; broken invoices are reported failing,
/// so the validation cannot pass vacuously.
/// </summary>
[NonParallelizable]
public class FacturXmlValidationTests
{
    private const string BrokenSample = "sample-de-ae-missing-buyer-vat";
    private const string BrokenOwn = "own-de-ae-without-buyer-vat";
    private static readonly XNamespace Ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";

    private static IReadOnlyDictionary<string, ValidationReport> reports = null!;

    [OneTimeSetUp]
    public void ValidateEveryScenarioOnce()
    {
        var invoices = FacturXScenarios.Names.ToDictionary(n => n, n => FacturXml.Write(FacturXScenarios.Build(n)));

        var samples = Path.Combine(TestContext.CurrentContext.TestDirectory, "Billing", "FacturX", "Samples");
        invoices[BrokenSample] = File.ReadAllBytes(Path.Combine(samples, "de-ae-missing-buyer-vat.xml"));
        invoices["sample-de-ae-reverse-charge"] = File.ReadAllBytes(Path.Combine(samples, "de-ae-reverse-charge.xml"));

        // Our own reverse-charge invoice, minus the buyer's VAT number: what BR-AE-02 exists to catch.
        var own = XDocument.Parse(System.Text.Encoding.UTF8.GetString(invoices["de-ae-reverse-charge"]));
        own.Descendants(Ram + "BuyerTradeParty").Elements(Ram + "SpecifiedTaxRegistration").Remove();
        invoices[BrokenOwn] = System.Text.Encoding.UTF8.GetBytes(own.ToString());

        reports = FacturXValidator.Validate(invoices);
        foreach (var (name, report) in reports)
        {
            TestContext.Progress.WriteLine($"{name}: {report.SchemaErrors.Count} XSD errors, " +
                $"{report.En16931.Count} EN 16931 / {report.FacturX.Count} Factur-X failed assertions ({report.Fatal.Count()} fatal)");
            foreach (var failure in report.En16931.Concat(report.FacturX))
            {
                TestContext.Progress.WriteLine("  " + failure);
            }
        }
    }

    private static IEnumerable<string> Scenarios => FacturXScenarios.Names;

    [TestCaseSource(nameof(Scenarios))]
    public void Is_valid_against_the_factur_x_en16931_xsd(string scenario) =>
        Assert.That(reports[scenario].SchemaErrors, Is.Empty);

    [TestCaseSource(nameof(Scenarios))]
    public void Breaks_no_en16931_business_rule(string scenario) =>
        Assert.That(reports[scenario].En16931.Where(f => f.IsFatal), Is.Empty);

    [TestCaseSource(nameof(Scenarios))]
    public void Breaks_no_factur_x_rule(string scenario) =>
        Assert.That(reports[scenario].FacturX.Where(f => f.IsFatal), Is.Empty);

    [Test]
    public void The_reference_sample_passes_so_the_runner_itself_works() =>
        Assert.That(reports["sample-de-ae-reverse-charge"].Fatal, Is.Empty);

    [TestCase(BrokenSample)]
    [TestCase(BrokenOwn)]
    public void A_reverse_charge_invoice_without_buyer_vat_number_is_rejected(string name)
    {
        var report = reports[name];
        Assert.That(report.SchemaErrors, Is.Empty, "still well-formed and schema-valid: only a business rule catches it");
        Assert.That(report.En16931.Where(f => f.IsFatal).Select(f => f.Id), Does.Contain("BR-AE-02"));
    }

    [Test]
    public void A_schema_violation_is_reported()
    {
        var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(FacturXml.Write(FacturXScenarios.Build("fr-s-20"))));
        xml.Descendants(Ram + "InvoiceCurrencyCode").Single().AddAfterSelf(new XElement(Ram + "NotInTheSchema", "x"));

        Assert.That(FacturXValidator.SchemaErrors(System.Text.Encoding.UTF8.GetBytes(xml.ToString())), Is.Not.Empty);
    }
}
