using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace LicenceOps.Billing.Documents.FacturX;

/// <summary>
/// Writes the UN/CEFACT Cross Industry Invoice (CII D16B) of a document, Factur-X profile EN 16931: the same
/// data as the printed page, in the element order the Factur-X XSD demands. docs/factur-x.md maps every
/// element to its source. Amounts are written as stored (already rounded to cents by the billing core).
/// </summary>
public static class FacturXml
{
    public const string FileName = "factur-x.xml";

    /// <summary>Specification identifier of the EN 16931 profile (BT-24).</summary>
    public const string GuidelineId = "urn:cen.eu:en16931:2017";

    /// <summary>The profile's name in the PDF's XMP (fx:ConformanceLevel).</summary>
    public const string ConformanceLevel = "EN 16931";

    private static readonly XNamespace Rsm = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
    private static readonly XNamespace Ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
    private static readonly XNamespace Udt = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";
    private static readonly XNamespace Qdt = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100";

    public static bool IsCreditNote(InvoiceDocument document) =>
        document.Kind.Replace("-", "", StringComparison.Ordinal).Equals("creditnote", StringComparison.OrdinalIgnoreCase);

    /// <summary>UTF-8 bytes without byte-order mark, as embedded in the PDF and served on its own.</summary>
    public static byte[] Write(InvoiceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var xml = new XDocument(new XDeclaration("1.0", "UTF-8", null), Invoice(document));
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            xml.Save(writer);
        }
        return buffer.ToArray();
    }

    private static XElement Invoice(InvoiceDocument doc) =>
        new(Rsm + "CrossIndustryInvoice",
            new XAttribute(XNamespace.Xmlns + "rsm", Rsm),
            new XAttribute(XNamespace.Xmlns + "ram", Ram),
            new XAttribute(XNamespace.Xmlns + "udt", Udt),
            new XAttribute(XNamespace.Xmlns + "qdt", Qdt),
            new XElement(Rsm + "ExchangedDocumentContext",
                new XElement(Ram + "GuidelineSpecifiedDocumentContextParameter", new XElement(Ram + "ID", GuidelineId))),
            new XElement(Rsm + "ExchangedDocument",
                new XElement(Ram + "ID", doc.Number),
                // UNTDID 1001: 380 commercial invoice, 381 credit note.
                new XElement(Ram + "TypeCode", IsCreditNote(doc) ? "381" : "380"),
                new XElement(Ram + "IssueDateTime", DateTime(Udt, doc.IssueDate)),
                Notes(doc)),
            new XElement(Rsm + "SupplyChainTradeTransaction",
                doc.Lines.Select((line, index) => Line(doc, line, index + 1)),
                new XElement(Ram + "ApplicableHeaderTradeAgreement",
                    Party(Ram + "SellerTradeParty", doc.Seller),
                    Party(Ram + "BuyerTradeParty", doc.Buyer)),
                // Services: no delivery address or date; the billing period (BG-14) says when the service was rendered.
                new XElement(Ram + "ApplicableHeaderTradeDelivery"),
                Settlement(doc)));

    private static IEnumerable<XElement> Notes(InvoiceDocument doc)
    {
        var texts = doc.LegalMentions.Where(m => !string.IsNullOrWhiteSpace(m)).ToList();
        texts.AddRange(doc.ExchangeRates.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"Taux de change appliqué : 1 EUR = {FrenchFormat.ExchangeRate(r.UnitsPerEuro)} {r.Currency}, taux de référence BCE du {FrenchFormat.Date(r.RateDate)}")));
        return texts.Select(text => new XElement(Ram + "IncludedNote",
            new XElement(Ram + "Content", text),
            doc.MentionSubjectCodes.TryGetValue(text, out var code) ? new XElement(Ram + "SubjectCode", code) : null));
    }

    private static XElement Line(InvoiceDocument doc, InvoiceDocumentLine line, int number) =>
        new(Ram + "IncludedSupplyChainTradeLineItem",
            new XElement(Ram + "AssociatedDocumentLineDocument", new XElement(Ram + "LineID", number.ToString(CultureInfo.InvariantCulture))),
            new XElement(Ram + "SpecifiedTradeProduct",
                new XElement(Ram + "Name", line.ProductGroup),
                new XElement(Ram + "Description", line.Description)),
            new XElement(Ram + "SpecifiedLineTradeAgreement",
                new XElement(Ram + "NetPriceProductTradePrice", new XElement(Ram + "ChargeAmount", UnitPrice(line.UnitPriceExclVat)))),
            new XElement(Ram + "SpecifiedLineTradeDelivery",
                new XElement(Ram + "BilledQuantity", new XAttribute("unitCode", UnitCode(line.Unit)), Quantity(line.Quantity))),
            new XElement(Ram + "SpecifiedLineTradeSettlement",
                new XElement(Ram + "ApplicableTradeTax",
                    new XElement(Ram + "TypeCode", "VAT"),
                    new XElement(Ram + "CategoryCode", LineCategory(doc, line)),
                    new XElement(Ram + "RateApplicablePercent", Percent(line.VatRate))),
                Period(line.PeriodStart, line.PeriodEnd),
                ProRata(line),
                new XElement(Ram + "SpecifiedTradeSettlementLineMonetarySummation",
                    new XElement(Ram + "LineTotalAmount", Amount(line.NetAmount)))));

    /// <summary>
    /// A seat line billed for part of the month prints the monthly unit price and the seats, and a net amount
    /// prorated by days. EN 16931 defines the net amount as quantity × price ± line allowances/charges (BT-131),
    /// so the difference is stated as a line allowance (BG-27) instead of a quantity or price the page does not show.
    /// </summary>
    private static XElement? ProRata(InvoiceDocumentLine line)
    {
        var full = decimal.Round(line.Quantity * line.UnitPriceExclVat, 2, MidpointRounding.AwayFromZero);
        var difference = full - line.NetAmount;
        if (difference == 0)
        {
            return null;
        }

        return new XElement(Ram + "SpecifiedTradeAllowanceCharge",
            new XElement(Ram + "ChargeIndicator", new XElement(Udt + "Indicator", difference > 0 ? "false" : "true")),
            new XElement(Ram + "ActualAmount", Amount(Math.Abs(difference))),
            new XElement(Ram + "Reason", "Prorata temporis : période facturée plus courte que le mois"));
    }

    /// <summary>The line's own category, or the one breakdown group at its rate (documents built before lines carried it).</summary>
    private static string LineCategory(InvoiceDocument doc, InvoiceDocumentLine line)
    {
        if (line.VatCategory is { } category)
        {
            return category;
        }

        var groups = doc.VatBreakdown.Where(v => v.Rate == line.VatRate).Select(v => v.Category).Distinct().ToList();
        return groups.Count == 1
            ? groups[0]
            : throw new InvalidOperationException($"Line '{line.Description}' at {line.VatRate} % matches {groups.Count} VAT categories of the breakdown.");
    }

    private static XElement Party(XName name, PartyDetails party)
    {
        var siren = Compact(party.Siren);
        var vat = VatIdentifier(party.VatNumber);
        var siret = Compact(party.Siret);
        return new XElement(name,
            // BT-29/BT-46: the invoicing establishment's SIRET, ISO 6523 scheme 0009.
            siret is null ? null : new XElement(Ram + "GlobalID", new XAttribute("schemeID", "0009"), siret),
            new XElement(Ram + "Name", party.Name),
            // BT-33: legal form, share capital and RCS registration, as in the page footer.
            string.IsNullOrWhiteSpace(party.LegalRegistration) ? null : new XElement(Ram + "Description", party.LegalRegistration),
            // ISO 6523 scheme 0002 is the French SIREN (BT-30, BT-47).
            siren is null ? null : new XElement(Ram + "SpecifiedLegalOrganization", new XElement(Ram + "ID", new XAttribute("schemeID", "0002"), siren)),
            new XElement(Ram + "PostalTradeAddress",
                new XElement(Ram + "PostcodeCode", party.PostalCode),
                new XElement(Ram + "LineOne", party.AddressLine1),
                string.IsNullOrWhiteSpace(party.AddressLine2) ? null : new XElement(Ram + "LineTwo", party.AddressLine2),
                new XElement(Ram + "CityName", party.City),
                new XElement(Ram + "CountryID", party.CountryCode.Trim().ToUpperInvariant())),
            // Electronic address (BT-34, BT-49): the SIREN under scheme 0225, the French e-invoicing directory's identifier.
            siren is null ? null : new XElement(Ram + "URIUniversalCommunication", new XElement(Ram + "URIID", new XAttribute("schemeID", "0225"), siren)),
            vat is null ? null : new XElement(Ram + "SpecifiedTaxRegistration", new XElement(Ram + "ID", new XAttribute("schemeID", "VA"), vat)));
    }

    private static XElement Settlement(InvoiceDocument doc)
    {
        var creditNote = IsCreditNote(doc);
        return new XElement(Ram + "ApplicableHeaderTradeSettlement",
            doc.CreditTransfer is null ? null : new XElement(Ram + "PaymentReference", doc.CreditTransfer.Reference),
            new XElement(Ram + "InvoiceCurrencyCode", doc.Currency),
            doc.CreditTransfer is null ? null : new XElement(Ram + "SpecifiedTradeSettlementPaymentMeans",
                // UNTDID 4461 code 58: SEPA credit transfer.
                new XElement(Ram + "TypeCode", "58"),
                new XElement(Ram + "Information", "Virement SEPA"),
                new XElement(Ram + "PayeePartyCreditorFinancialAccount", new XElement(Ram + "IBANID", Compact(doc.CreditTransfer.Iban))),
                Compact(doc.CreditTransfer.Bic) is { } bic ? new XElement(Ram + "PayeeSpecifiedCreditorFinancialInstitution", new XElement(Ram + "BICID", bic)) : null),
            doc.VatBreakdown.Select(v => new XElement(Ram + "ApplicableTradeTax",
                new XElement(Ram + "CalculatedAmount", Amount(v.VatAmount)),
                new XElement(Ram + "TypeCode", "VAT"),
                v.ExemptionReason is null ? null : new XElement(Ram + "ExemptionReason", v.ExemptionReason),
                new XElement(Ram + "BasisAmount", Amount(v.TaxableAmount)),
                new XElement(Ram + "CategoryCode", v.Category),
                ExemptionReasonCode(v.Category) is { } code ? new XElement(Ram + "ExemptionReasonCode", code) : null,
                // BT-8 (UNTDID 2475): 5 = VAT due on the invoice date (option "débits"), 72 = due when paid (services' default).
                v.Category == "S" ? new XElement(Ram + "DueDateTypeCode", doc.VatOnDebits ? "5" : "72") : null,
                new XElement(Ram + "RateApplicablePercent", Percent(v.Rate)))),
            Period(doc.PeriodStart, doc.PeriodEnd),
            new XElement(Ram + "SpecifiedTradePaymentTerms",
                new XElement(Ram + "Description", doc.PaymentTerms ?? doc.PaymentInstructions),
                creditNote ? null : new XElement(Ram + "DueDateDateTime", DateTime(Udt, doc.DueDate))),
            new XElement(Ram + "SpecifiedTradeSettlementHeaderMonetarySummation",
                new XElement(Ram + "LineTotalAmount", Amount(doc.Lines.Sum(l => l.NetAmount))),
                new XElement(Ram + "TaxBasisTotalAmount", Amount(doc.TotalExclVat)),
                new XElement(Ram + "TaxTotalAmount", new XAttribute("currencyID", doc.Currency), Amount(doc.TotalVat)),
                new XElement(Ram + "GrandTotalAmount", Amount(doc.TotalInclVat)),
                new XElement(Ram + "DuePayableAmount", Amount(doc.TotalInclVat))),
            doc.CreditedInvoiceNumber is null ? null : new XElement(Ram + "InvoiceReferencedDocument",
                new XElement(Ram + "IssuerAssignedID", doc.CreditedInvoiceNumber),
                doc.CreditedInvoiceIssueDate is { } credited
                    ? new XElement(Ram + "FormattedIssueDateTime", new XElement(Qdt + "DateTimeString", new XAttribute("format", "102"), Date(credited)))
                    : null));
    }

    /// <summary>VATEX code lists (CEF) for the zero-rated categories the billing core produces.</summary>
    private static string? ExemptionReasonCode(string category) => category switch
    {
        "AE" => "VATEX-EU-AE",
        "G" => "VATEX-EU-G",
        "O" => "VATEX-EU-O",
        "K" => "VATEX-EU-IC",
        _ => null,
    };

    /// <summary>UN/ECE Recommendation 20 unit codes: a seat is counted in units (C62); a flat-rate line is a lump sum (LS).</summary>
    private static string UnitCode(string unit) => unit.Trim().ToLowerInvariant() switch
    {
        "forfait" => "LS",
        "mois" => "MON",
        "jour" => "DAY",
        // "siège" and any other countable unit.
        _ => "C62",
    };

    private static XElement Period(DateOnly start, DateOnly end) =>
        new(Ram + "BillingSpecifiedPeriod",
            new XElement(Ram + "StartDateTime", DateTime(Udt, start)),
            new XElement(Ram + "EndDateTime", DateTime(Udt, end)));

    private static XElement DateTime(XNamespace ns, DateOnly date) =>
        new(ns + "DateTimeString", new XAttribute("format", "102"), Date(date));

    private static string Date(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Amount(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero).ToString("0.00", CultureInfo.InvariantCulture);

    private static string UnitPrice(decimal amount) => amount.ToString("0.00##", CultureInfo.InvariantCulture);

    private static string Quantity(decimal quantity) => quantity.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Percent(decimal rate) => rate.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>
    /// EU VAT numbers without spaces ("FR 11 123456782" → "FR11123456782"); a Swiss UID keeps its official
    /// form ("CHE-123.456.788 MWST"), where the space separates the number from the tax suffix.
    /// </summary>
    private static string? VatIdentifier(string? vatNumber) =>
        vatNumber?.Trim() is { Length: > 0 } trimmed && trimmed.StartsWith("CHE", StringComparison.OrdinalIgnoreCase)
            ? trimmed
            : Compact(vatNumber);

    private static string? Compact(string? identifier) =>
        string.IsNullOrWhiteSpace(identifier) ? null : identifier.Replace(" ", "", StringComparison.Ordinal).Trim();
}
