using LicenceOps.Billing.Documents.FacturX;

namespace LicenceOps.UnitTests.Billing.FacturX;

/// <summary>
/// SkiaSharp mixes the clock into the PDF/A document ID and writes it as a hex string, or as a literal string when
/// the random bytes happen to be printable. Either way the same content must end with the same, content-derived ID.
/// </summary>
public sealed class StableDocumentIdTests
{
    // The same document body as SkiaSharp lays it out: XMP carrying the ID as a UUID, then xref and trailer.
    private static string Pdf(string trailerId, string uuid) =>
        "%PDF-1.4\n1 0 obj\n<< /Type /Metadata >>\nstream\n<xmpMM:DocumentID>uuid:" + uuid + "</xmpMM:DocumentID>\n"
        + "<xmpMM:InstanceID>uuid:" + uuid + "</xmpMM:InstanceID>\nendstream\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
        + "trailer\n<</Size 2\n/Root 1 0 R\n/ID [" + trailerId + " " + trailerId + "]>>\nstartxref\n120\n%%EOF\n";

    private static string Uuid(byte[] id)
    {
        var hex = Convert.ToHexString(id).ToLowerInvariant();
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    [Test]
    public void A_literal_string_ID_and_a_hex_ID_of_the_same_content_give_the_same_bytes()
    {
        // The ID SkiaSharp wrote as "(XVy\370\363W4O\264D={+|\312\331)" in a rendering that came out different.
        byte[] printable = [0x58, 0x56, 0x79, 0xF8, 0xF3, 0x57, 0x34, 0x4F, 0xB4, 0x44, 0x3D, 0x7B, 0x2B, 0x7C, 0xCA, 0xD9];
        byte[] other = [0x26, 0xEC, 0x7D, 0xB4, 0xCD, 0xDD, 0x37, 0x4B, 0x68, 0x59, 0x88, 0x36, 0x6D, 0xF3, 0xE3, 0x15];
        var literal = Pdf(@"(XVy\370\363W4O\264D={+|\312\331)", Uuid(printable));
        var hex = Pdf($"<{Convert.ToHexString(other)}>", Uuid(other));

        var fromLiteral = PdfA3Packager.WithStableDocumentId(literal);
        var fromHex = PdfA3Packager.WithStableDocumentId(hex);

        Assert.That(fromLiteral, Is.EqualTo(fromHex));
        Assert.That(fromLiteral, Does.Not.Contain("XVy"), "the literal ID is gone");
        Assert.That(fromLiteral, Does.Not.Contain(Uuid(printable)).And.Not.Contain(Uuid(other)));
        Assert.That(fromLiteral, Does.Match(@"/ID \[<[0-9A-F]{32}> <[0-9A-F]{32}>\]"));
    }

    [TestCase(@"[<0123456789ABCDEF0123456789abcdef> <0123456789ABCDEF0123456789abcdef>]", "0123456789ABCDEF0123456789ABCDEF")]
    [TestCase(@"[(\101\(\)\\\n\0017)]", "4128295C0A0137")]
    public void ID_strings_are_read_in_both_forms(string array, string expectedHex) =>
        Assert.That(PdfA3Packager.IdStrings(array).Distinct(), Is.EqualTo(new[] { expectedHex }));
}
