using System.Text;
using System.Xml.Linq;
using LicenceOps.Billing.Documents.FacturX;

namespace LicenceOps.UnitTests.Billing.FacturX;

/// <summary>The XML says what the printed page says (docs/factur-x.md maps each element to its source).</summary>
public class FacturXmlContentTests
{
    private static readonly XNamespace Ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
    private static readonly XNamespace Rsm = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
    private static readonly XNamespace Udt = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";

    private static XDocument Xml(string scenario) => XDocument.Parse(Encoding.UTF8.GetString(FacturXml.Write(FacturXScenarios.Build(scenario))));

    private static string Value(XContainer xml, params string[] path) =>
        path.Aggregate((IEnumerable<XElement>)[xml is XDocument d ? d.Root! : (XElement)xml], (nodes, name) => nodes.Elements(Ram + name)).Single().Value;

    [Test]
    public void A_french_invoice_names_both_parties_by_siren_and_vat_number_and_asks_a_sepa_transfer()
    {
        var xml = Xml("fr-s-20");
        var document = FacturXScenarios.Build("fr-s-20");
        var seller = xml.Descendants(Ram + "SellerTradeParty").Single();
        var buyer = xml.Descendants(Ram + "BuyerTradeParty").Single();
        var means = xml.Descendants(Ram + "SpecifiedTradeSettlementPaymentMeans").Single();

        Assert.Multiple(() =>
        {
            Assert.That(Value(xml.Descendants(Rsm + "ExchangedDocument").Single(), "TypeCode"), Is.EqualTo("380"));
            Assert.That(seller.Element(Ram + "SpecifiedLegalOrganization")!.Element(Ram + "ID")!.Attribute("schemeID")!.Value, Is.EqualTo("0002"));
            Assert.That(Value(seller, "SpecifiedLegalOrganization", "ID"), Is.EqualTo(document.Seller.Siren));
            Assert.That(Value(seller, "SpecifiedTaxRegistration", "ID"), Is.EqualTo(document.Seller.VatNumber));
            Assert.That(Value(buyer, "SpecifiedLegalOrganization", "ID"), Is.EqualTo("552100554"));
            Assert.That(Value(buyer, "SpecifiedTaxRegistration", "ID"), Is.EqualTo("FR40552100554"));
            Assert.That(Value(means, "TypeCode"), Is.EqualTo("58"));
            Assert.That(Value(means, "PayeePartyCreditorFinancialAccount", "IBANID"), Is.EqualTo(document.CreditTransfer!.Iban));
            Assert.That(Value(means, "PayeeSpecifiedCreditorFinancialInstitution", "BICID"), Is.EqualTo(document.CreditTransfer.Bic));
            Assert.That(xml.Descendants(Ram + "PaymentReference").Single().Value, Is.EqualTo("F-2026-000042"));
            Assert.That(xml.Descendants(Ram + "SubjectCode").Select(c => c.Value), Is.EquivalentTo(new[] { "PMD", "PMT", "AAB" }));
            Assert.That(xml.Descendants(Ram + "GrandTotalAmount").Single().Value, Is.EqualTo(document.TotalInclVat.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(xml.Descendants(Ram + "BillingSpecifiedPeriod").Last().Descendants(Udt + "DateTimeString").Select(d => d.Value),
                Is.EqualTo(new[] { "20261101", "20261130" }));
        });
    }

    [Test]
    public void Every_line_has_quantity_unit_price_vat_category_and_a_pro_rata_allowance_when_partial()
    {
        var xml = Xml("fr-s-20");
        var lines = xml.Descendants(Ram + "IncludedSupplyChainTradeLineItem").ToList();
        var document = FacturXScenarios.Build("fr-s-20");

        Assert.That(lines, Has.Count.EqualTo(document.Lines.Count));
        foreach (var (element, line) in lines.Zip(document.Lines))
        {
            var quantity = decimal.Parse(Value(element, "SpecifiedLineTradeDelivery", "BilledQuantity"), System.Globalization.CultureInfo.InvariantCulture);
            var price = decimal.Parse(Value(element, "SpecifiedLineTradeAgreement", "NetPriceProductTradePrice", "ChargeAmount"), System.Globalization.CultureInfo.InvariantCulture);
            var net = decimal.Parse(Value(element, "SpecifiedLineTradeSettlement", "SpecifiedTradeSettlementLineMonetarySummation", "LineTotalAmount"), System.Globalization.CultureInfo.InvariantCulture);
            var allowance = element.Descendants(Ram + "ActualAmount").Select(a => decimal.Parse(a.Value, System.Globalization.CultureInfo.InvariantCulture)).Sum();
            Assert.That((quantity, price, net), Is.EqualTo((line.Quantity, line.UnitPriceExclVat, line.NetAmount)));
            Assert.That(Value(element, "SpecifiedLineTradeSettlement", "ApplicableTradeTax", "CategoryCode"), Is.EqualTo("S"));
            Assert.That(decimal.Round(quantity * price, 2) - allowance, Is.EqualTo(net), line.Description);
            // Claude Team: 8 seats from the 1st to the 15th, 10 from the 16th (two prorated runs); ChatGPT: the whole month.
            var wholeMonth = (line.PeriodStart, line.PeriodEnd) == (new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30));
            Assert.That(element.Descendants(Ram + "SpecifiedTradeAllowanceCharge").Any(), Is.EqualTo(!wholeMonth), line.Description);
        }
        Assert.That(lines, Has.Count.EqualTo(3));
    }

    [TestCase("de-ae-reverse-charge", "AE", "VATEX-EU-AE", "DE123456789")]
    [TestCase("ch-outside-eu", "G", "VATEX-EU-G", "CHE-123.456.788 MWST")]
    public void A_zero_rated_invoice_gives_its_category_and_exemption_reason(string scenario, string category, string code, string buyerVat)
    {
        var xml = Xml(scenario);
        var breakdown = xml.Descendants(Ram + "ApplicableHeaderTradeSettlement").Elements(Ram + "ApplicableTradeTax").Single();

        Assert.Multiple(() =>
        {
            Assert.That(Value(breakdown, "CategoryCode"), Is.EqualTo(category));
            Assert.That(Value(breakdown, "ExemptionReasonCode"), Is.EqualTo(code));
            Assert.That(Value(breakdown, "ExemptionReason"), Is.Not.Empty);
            Assert.That(Value(breakdown, "CalculatedAmount"), Is.EqualTo("0.00"));
            Assert.That(Value(xml.Descendants(Ram + "BuyerTradeParty").Single(), "SpecifiedTaxRegistration", "ID"), Is.EqualTo(buyerVat));
            Assert.That(xml.Descendants(Ram + "BuyerTradeParty").Elements(Ram + "SpecifiedLegalOrganization"), Is.Empty, "no SIREN outside France");
        });
    }

    [Test]
    public void A_credit_note_is_type_381_and_references_the_invoice_it_corrects()
    {
        var xml = Xml("fr-credit-note");
        var reference = xml.Descendants(Ram + "InvoiceReferencedDocument").Single();

        Assert.Multiple(() =>
        {
            Assert.That(Value(xml.Descendants(Rsm + "ExchangedDocument").Single(), "TypeCode"), Is.EqualTo("381"));
            Assert.That(Value(reference, "IssuerAssignedID"), Is.EqualTo("F-2026-000041"));
            Assert.That(reference.Descendants().Last().Value, Is.EqualTo("20261201"));
            Assert.That(xml.Descendants(Ram + "SpecifiedTradeSettlementPaymentMeans"), Is.Empty, "nothing to pay on a credit note");
            Assert.That(decimal.Parse(xml.Descendants(Ram + "DuePayableAmount").Single().Value, System.Globalization.CultureInfo.InvariantCulture), Is.Positive);
        });
    }

    [Test]
    public void A_usd_plan_is_invoiced_in_euros_with_the_ecb_rate_as_a_note()
    {
        var xml = Xml("fr-usd-plan");

        Assert.That(xml.Descendants(Ram + "InvoiceCurrencyCode").Single().Value, Is.EqualTo("EUR"));
        Assert.That(xml.Descendants(Ram + "Content").Select(c => c.Value), Has.Some.Contains("1 EUR = 1,0542 USD").And.Some.Contains("30/11/2026"));
        // 25 USD ÷ 1.0542 × 1.15 = 27.2719 € per seat, 5 seats.
        Assert.That(xml.Descendants(Ram + "ChargeAmount").Single().Value, Is.EqualTo("27.2719"));
        Assert.That(xml.Descendants(Ram + "LineTotalAmount").First().Value, Is.EqualTo("136.36"));
    }
}
