using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using LicenceOps.Billing.Documents;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Tokens;

namespace LicenceOps.UnitTests.Billing.FacturX;

/// <summary>Reads the rendered PDF back (PdfPig) and finds what makes it a Factur-X PDF/A-3.</summary>
public class FacturXPdfTests
{
    private static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace PdfAId = "http://www.aiim.org/pdfa/ns/id/";
    private static readonly XNamespace Fx = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";
    private static readonly XNamespace PdfASchema = "http://www.aiim.org/pdfa/ns/schema#";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";

    private readonly SkiaInvoiceRenderer renderer = new();

    private static IEnumerable<string> Scenarios => FacturXScenarios.Names;

    [TestCaseSource(nameof(Scenarios))]
    public void The_pdf_carries_factur_x_xml_as_its_alternative_representation(string scenario)
    {
        var document = FacturXScenarios.Build(scenario);
        using var pdf = PdfDocument.Open(renderer.RenderInvoicePdf(document));

        Assert.That(pdf.Advanced.TryGetEmbeddedFiles(out var files), Is.True, "no EmbeddedFiles name tree");
        var attachment = files!.Single();
        Assert.That(attachment.Name, Is.EqualTo("factur-x.xml"));
        Assert.That(attachment.Bytes.ToArray(), Is.EqualTo(renderer.RenderFacturXml(document)), "the attachment is the downloadable XML, byte for byte");

        // PDF/A-3 associated file: listed in the catalog's AF array, with its relationship to the document.
        var catalog = pdf.Structure.Catalog.CatalogDictionary;
        var associated = Resolve<ArrayToken>(pdf, catalog.Data["AF"]);
        var fileSpec = Resolve<DictionaryToken>(pdf, associated.Data.Single());
        Assert.That(Resolve<NameToken>(pdf, fileSpec.Data["AFRelationship"]).Data, Is.EqualTo("Alternative"));
        Assert.That(Resolve<NameToken>(pdf, fileSpec.Data["Type"]).Data, Is.EqualTo("Filespec"));
        var embedded = Resolve<StreamToken>(pdf, Resolve<DictionaryToken>(pdf, fileSpec.Data["EF"]).Data["F"]);
        Assert.That(Resolve<NameToken>(pdf, embedded.StreamDictionary.Data["Subtype"]).Data, Is.EqualTo("text/xml"));
        Assert.That(Resolve<DictionaryToken>(pdf, embedded.StreamDictionary.Data["Params"]).Data.Keys, Does.Contain("ModDate"));
    }

    [Test]
    public void The_xmp_identifies_pdf_a_3b_and_the_factur_x_en16931_profile_with_its_extension_schema()
    {
        using var pdf = PdfDocument.Open(renderer.RenderInvoicePdf(FacturXScenarios.Build("fr-s-20")));

        Assert.That(pdf.TryGetXmpMetadata(out var metadata), Is.True, "no XMP metadata stream");
        var xmp = metadata!.GetXDocument();
        Assert.Multiple(() =>
        {
            Assert.That(xmp.Descendants(PdfAId + "part").Single().Value, Is.EqualTo("3"));
            Assert.That(xmp.Descendants(PdfAId + "conformance").Single().Value, Is.EqualTo("B"));
            Assert.That(xmp.Descendants(Fx + "DocumentType").Single().Value, Is.EqualTo("INVOICE"));
            Assert.That(xmp.Descendants(Fx + "DocumentFileName").Single().Value, Is.EqualTo("factur-x.xml"));
            Assert.That(xmp.Descendants(Fx + "Version").Single().Value, Is.EqualTo("1.0"));
            Assert.That(xmp.Descendants(Fx + "ConformanceLevel").Single().Value, Is.EqualTo("EN 16931"));
            // PDF/A refuses custom XMP properties unless an extension schema declares them.
            Assert.That(xmp.Descendants(PdfASchema + "namespaceURI").Single().Value, Is.EqualTo(Fx.NamespaceName));
            Assert.That(xmp.Descendants(PdfASchema + "prefix").Single().Value, Is.EqualTo("fx"));
            // PDF/A: the Info dictionary and the XMP say the same thing.
            Assert.That(xmp.Descendants(Dc + "title").Descendants(Rdf + "li").Single().Value, Is.EqualTo(pdf.Information.Title));
            Assert.That(pdf.Information.Title, Is.EqualTo("FACTURE F-2026-000042"));
        });
    }

    [Test]
    public void The_output_intent_embeds_the_shipped_srgb_profile()
    {
        using var pdf = PdfDocument.Open(renderer.RenderInvoicePdf(FacturXScenarios.Build("de-ae-reverse-charge")));

        var intents = Resolve<ArrayToken>(pdf, pdf.Structure.Catalog.CatalogDictionary.Data["OutputIntents"]);
        var intent = Resolve<DictionaryToken>(pdf, intents.Data.Single());
        Assert.That(Resolve<NameToken>(pdf, intent.Data["S"]).Data, Is.EqualTo("GTS_PDFA1"));
        var profile = Resolve<StreamToken>(pdf, intent.Data["DestOutputProfile"]);
        Assert.That(((NumericToken)profile.StreamDictionary.Data["N"]).Int, Is.EqualTo(3));

        var shipped = File.ReadAllBytes(Path.Combine(RepositoryRoot(), "src", "LicenceOps.Billing", "Documents", "Color", "sRGB.icc"));
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(profile.Data.ToArray()), CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }
        Assert.That(inflated.ToArray(), Is.EqualTo(shipped));
    }

    [Test]
    public void The_fonts_are_embedded_and_the_page_still_reads_as_before()
    {
        var document = FacturXScenarios.Build("fr-credit-note");
        using var pdf = PdfDocument.Open(renderer.RenderInvoicePdf(document));

        var page = pdf.GetPage(1);
        Assert.That(page.Text, Does.Contain("AVOIR").And.Contain("AV-2026-000003").And.Contain("F-2026-000041"));
        // Every font a letter uses is a TrueType program inside the file (PDF/A forbids relying on installed fonts).
        var raw = Encoding.Latin1.GetString(renderer.RenderInvoicePdf(document));
        Assert.That(page.Letters.Select(l => l.FontName).Distinct().Count(), Is.EqualTo(2));
        Assert.That(System.Text.RegularExpressions.Regex.Matches(raw, "/FontFile2 ").Count, Is.EqualTo(2));
    }

    [Test]
    public void The_embedded_xml_reads_back_from_the_stored_pdf_bytes()
    {
        var document = FacturXScenarios.Build("ch-outside-eu");

        Assert.That(LicenceOps.Billing.Documents.FacturX.PdfA3Packager.ExtractFacturXml(renderer.RenderInvoicePdf(document)),
            Is.EqualTo(renderer.RenderFacturXml(document)));
        Assert.That(LicenceOps.Billing.Documents.FacturX.PdfA3Packager.ExtractFacturXml("%PDF-1.4\n%%EOF\n"u8.ToArray()), Is.Null);
    }

    [Test]
    public void Rendering_twice_gives_the_same_bytes()
    {
        var document = FacturXScenarios.Build("fr-usd-plan");
        Assert.That(renderer.RenderInvoicePdf(document), Is.EqualTo(new SkiaInvoiceRenderer().RenderInvoicePdf(document)));
    }

    private static T Resolve<T>(PdfDocument pdf, IToken token) where T : class, IToken
    {
        var resolved = token is IndirectReferenceToken reference ? pdf.Structure.TokenScanner.Get(reference.Data)!.Data : token;
        return resolved as T ?? throw new AssertionException($"expected {typeof(T).Name}, found {resolved.GetType().Name}");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LicenceOps.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("LicenceOps.sln not found above the test directory.");
    }
}
