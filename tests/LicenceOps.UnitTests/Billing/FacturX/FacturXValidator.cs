using System.Diagnostics;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace LicenceOps.UnitTests.Billing.FacturX;

/// <summary>One failed schematron assertion: its rule id (e.g. BR-AE-02), flag and message.</summary>
internal sealed record RuleFailure(string Id, string Flag, string Text)
{
    /// <summary>EN 16931 marks rejections "fatal"; the Factur-X schematron marks only advice ("warning") and leaves errors unflagged.</summary>
    public bool IsFatal => Flag != "warning";

    public override string ToString() => $"{Id} [{Flag}] {Text}";
}

internal sealed record ValidationReport(IReadOnlyList<string> SchemaErrors, IReadOnlyList<RuleFailure> En16931, IReadOnlyList<RuleFailure> FacturX)
{
    public IEnumerable<RuleFailure> Fatal => En16931.Concat(FacturX).Where(f => f.IsFatal);
}

/// <summary>
/// Runs the official artefacts copied into Billing/FacturX/Validation: the Factur-X EN 16931 XSD through
/// System.Xml, and both compiled schematrons (XSLT 2.0) through Saxon-HE in a child Java process, one
/// process per stylesheet for a whole folder of invoices (compiling a 700 KB stylesheet costs seconds).
/// scripts/test.sh installs Saxon-HE and a JRE (Debian packages libsaxonhe-java, default-jre-headless).
/// </summary>
internal static class FacturXValidator
{
    private const string SaxonJar = "/usr/share/java/Saxon-HE.jar";
    private static readonly XNamespace Svrl = "http://purl.oclc.org/dsdl/svrl";

    private static string ValidationDirectory => Path.Combine(TestContext.CurrentContext.TestDirectory, "Billing", "FacturX", "Validation");

    public static IReadOnlyDictionary<string, ValidationReport> Validate(IReadOnlyDictionary<string, byte[]> invoices)
    {
        var work = Directory.CreateTempSubdirectory("facturx-");
        try
        {
            var input = work.CreateSubdirectory("in");
            foreach (var (name, xml) in invoices)
            {
                File.WriteAllBytes(Path.Combine(input.FullName, name + ".xml"), xml);
            }

            var en16931 = RunSchematron(Path.Combine(ValidationDirectory, "en16931-cii"), "EN16931-CII-validation.xslt", input.FullName, work.CreateSubdirectory("en16931").FullName);
            var facturX = RunSchematron(Path.Combine(ValidationDirectory, "facturx-en16931"), "Factur-X_1.09_EN16931.xsl", input.FullName, work.CreateSubdirectory("facturx").FullName);
            return invoices.ToDictionary(
                i => i.Key,
                i => new ValidationReport(SchemaErrors(i.Value), Failures(en16931, i.Key), Failures(facturX, i.Key)));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    public static IReadOnlyList<string> SchemaErrors(byte[] xml)
    {
        // The entry XSD imports three sibling files; .NET resolves no schema location unless given a resolver.
        var schemas = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        schemas.Add(null, Path.Combine(ValidationDirectory, "facturx-en16931", "Factur-X_EN16931.xsd"));
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity} line {e.Exception.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        while (reader.Read())
        {
        }
        return errors;
    }

    /// <summary>Transforms every file of <paramref name="input"/>; returns the SVRL report per file name (without extension).</summary>
    private static Dictionary<string, XDocument> RunSchematron(string stylesheetDirectory, string stylesheet, string input, string output)
    {
        if (!File.Exists(SaxonJar))
        {
            Assert.Fail($"Saxon-HE is missing ({SaxonJar}): run scripts/test.sh as root, or apt-get install libsaxonhe-java default-jre-headless.");
        }

        var start = new ProcessStartInfo("java")
        {
            // The Factur-X stylesheet reads its code list database from its own folder.
            WorkingDirectory = stylesheetDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[] { "-cp", SaxonJar, "net.sf.saxon.Transform", $"-s:{input}", $"-xsl:{stylesheet}", $"-o:{output}" })
        {
            start.ArgumentList.Add(argument);
        }

        using var java = Process.Start(start) ?? throw new InvalidOperationException("java did not start");
        var stderr = java.StandardError.ReadToEndAsync();
        var stdout = java.StandardOutput.ReadToEndAsync();
        if (!java.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            java.Kill(entireProcessTree: true);
            Assert.Fail($"Saxon ran more than 5 minutes on {stylesheet}.");
        }
        // Saxon exits 0 even when rules fail; a non-zero exit is a broken run (bad XML, missing stylesheet).
        Assert.That(java.ExitCode, Is.Zero, $"Saxon failed on {stylesheet}: {stderr.Result}{stdout.Result}");

        return Directory.GetFiles(output).ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => XDocument.Load(f));
    }

    private static List<RuleFailure> Failures(Dictionary<string, XDocument> reports, string name)
    {
        Assert.That(reports.TryGetValue(name, out var report), Is.True, $"Saxon wrote no report for {name}");
        // A report without a single fired rule means the stylesheet matched nothing: the XML was not validated at all.
        Assert.That(report!.Descendants(Svrl + "fired-rule").Any(), Is.True, $"no schematron rule fired on {name}");
        return report.Descendants(Svrl + "failed-assert")
            .Select(f => new RuleFailure(
                (string?)f.Attribute("id") ?? "?",
                (string?)f.Attribute("flag") ?? "error",
                string.Join(" ", f.Elements(Svrl + "text").Select(t => t.Value.Trim()))))
            .ToList();
    }
}
