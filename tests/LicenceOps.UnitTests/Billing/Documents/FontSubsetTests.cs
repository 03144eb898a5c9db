using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using LicenceOps.Billing.Documents;
using SkiaSharp;
using UglyToad.PdfPig;

namespace LicenceOps.UnitTests.Billing.Documents;

/// <summary>
/// A PDF embeds its fonts cut down to the glyphs it draws (SubsettableFont): what is printed must still be there,
/// outline for outline, for every character the shipped fonts cover.
/// </summary>
public sealed partial class FontSubsetTests
{
    private readonly SkiaInvoiceRenderer renderer = new();

    [Test]
    public void Every_character_the_fonts_cover_is_embedded_with_the_outline_of_the_whole_font()
    {
        // Each covered character, in words of 12, printed in regular (line descriptions) and in bold (group headings).
        var covered = Covered(InvoiceFonts.Regular.Typeface).Intersect(Covered(InvoiceFonts.Bold.Typeface)).ToList();
        Assert.That(covered, Has.Count.GreaterThan(600), "Latin, Latin-1, Latin Extended-A/B, punctuation, currency signs...");
        var chunks = covered.Chunk(12).Select(c => string.Concat(c)).ToList();
        var sample = SampleInvoices.French(lineCount: 1);
        var invoice = sample with
        {
            Lines = chunks.Select(chunk => sample.Lines[0] with { ProductGroup = chunk, Description = chunk }).ToList(),
        };

        var pdf = renderer.RenderInvoicePdf(invoice);

        var embedded = EmbeddedFonts(pdf);
        Assert.That(embedded, Has.Count.EqualTo(2));
        var weights = embedded.ToDictionary(f => f.FontStyle.Weight);
        foreach (var face in new[] { InvoiceFonts.Regular, InvoiceFonts.Bold })
        {
            using var subset = weights[face.Typeface.FontStyle.Weight];
            using var whole = new SKFont(face.Typeface, 1000);
            using var cut = new SKFont(subset, 1000);
            Assert.Multiple(() =>
            {
                foreach (var text in covered)
                {
                    var glyph = whole.GetGlyphs(text)[0];
                    Assert.That(cut.GetGlyphs(text)[0], Is.EqualTo(glyph), $"U+{char.ConvertToUtf32(text, 0):X4} keeps its glyph id");
                    Assert.That(Outline(cut, glyph), Is.EqualTo(Outline(whole, glyph)), $"U+{char.ConvertToUtf32(text, 0):X4} prints as in the whole font");
                    Assert.That(cut.GetGlyphWidths(text)[0], Is.EqualTo(whole.GetGlyphWidths(text)[0]), "same advance");
                }
            });
        }
    }

    [Test]
    public void A_french_invoice_shares_the_common_subset_and_a_rarer_name_gets_its_own()
    {
        var common = InvoiceFonts.Regular.SubsetFor("Facture n° 12 — « Société Générale », 1 234,56 €");
        var own = InvoiceFonts.Regular.SubsetFor("Łódź");

        Assert.Multiple(() =>
        {
            Assert.That(common.Shared, Is.True);
            Assert.That(InvoiceFonts.Regular.SubsetFor("Œuvre").Typeface, Is.SameAs(common.Typeface), "one typeface for every such document");
            Assert.That(own.Shared, Is.False);
            Assert.That(own.Typeface, Is.Not.SameAs(common.Typeface));
        });
        using var whole = new SKFont(InvoiceFonts.Regular.Typeface, 1000);
        using var cut = new SKFont(own.Typeface, 1000);
        foreach (var letter in new[] { "Ł", "ó", "d", "ź" })
        {
            Assert.That(Outline(cut, cut.GetGlyphs(letter)[0]), Is.EqualTo(Outline(whole, whole.GetGlyphs(letter)[0])).And.Not.Empty, letter);
        }
        Assert.That(Outline(cut, cut.GetGlyphs("W")[0]), Is.Empty, "a letter the document does not draw has no outline in its subset");
        own.Typeface.Dispose();
    }

    [Test]
    public void A_subset_is_a_well_formed_font_file()
    {
        var used = new bool[2000];
        foreach (var glyph in InvoiceFonts.Regular.Typeface.GetGlyphs("é"))
        {
            used[glyph] = true;
        }
        var file = new SubsettableFont(FontResource("DejaVuSans.ttf"));

        var subset = file.Subset(used, out var kept);

        // The whole file's checksum, checkSumAdjustment included, is the magic number of the OpenType specification.
        uint sum = 0;
        for (var i = 0; i < subset.Length; i += 4)
        {
            sum = unchecked(sum + BinaryPrimitives.ReadUInt32BigEndian(subset.AsSpan(i)));
        }
        Assert.That(sum, Is.EqualTo(0xB1B0AFBA));
        Assert.That(subset.Length % 4, Is.Zero);
        Assert.That(kept.Count(k => k), Is.GreaterThan(2), ".notdef, é, and the components é is built from");
        var names = NameRecords(subset);
        Assert.That(names.Select(n => n.Platform).Distinct(), Is.EqualTo(new[] { 3 }), "the legacy Macintosh names are left out");
        Assert.That(names.Select(n => n.Id), Does.Contain(0).And.Contain(13), "copyright and licence kept (Bitstream Vera licence)");
        Assert.That(NameRecords(FontResource("DejaVuSans.ttf")).Count(n => n.Platform == 3), Is.EqualTo(names.Count));
        using var typeface = SubsettableFont.Typeface(subset)!;
        Assert.That(typeface.FamilyName, Is.EqualTo("DejaVu Sans"));
        using var font = new SKFont(typeface, 1000);
        using var whole = new SKFont(InvoiceFonts.Regular.Typeface, 1000);
        Assert.That(Outline(font, font.GetGlyphs("é")[0]), Is.EqualTo(Outline(whole, whole.GetGlyphs("é")[0])).And.Not.Empty);
    }

    [Test]
    public void Text_drawn_only_in_the_second_pass_is_refused_rather_than_printed_blank()
    {
        using var text = new PdfText();
        var font = text.Font(10);
        text.Drawing("Facture", font);
        text.UseSubsets();

        Assert.DoesNotThrow(() => text.Drawing("Facture", font));
        Assert.That(() => text.Drawing("Faktura", font), Throws.InvalidOperationException);
    }

    [Test]
    public void An_invoice_embeds_fonts_far_smaller_than_the_shipped_files()
    {
        var pdf = renderer.RenderInvoicePdf(SampleInvoices.French(lineCount: 4));

        Assert.That(FontPrograms(pdf).Select(f => f.Length), Is.All.LessThan(FontResource("DejaVuSans.ttf").Length * 6 / 10));
        using var document = PdfDocument.Open(pdf);
        Assert.That(document.GetPage(1).Text, Does.Contain("Acme Conseil SAS"));
    }

    private static IEnumerable<string> Covered(SKTypeface typeface)
    {
        for (var c = 0x21; c <= 0xFFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF || char.IsControl((char)c) || char.IsWhiteSpace((char)c))
            {
                continue;
            }
            var text = ((char)c).ToString();
            if (typeface.GetGlyphs(text)[0] != 0)
            {
                yield return text;
            }
        }
    }

    /// <summary>Platform and name id of each record of the font's name table.</summary>
    private static List<(int Platform, int Id)> NameRecords(byte[] font)
    {
        var tables = BinaryPrimitives.ReadUInt16BigEndian(font.AsSpan(4));
        var name = Enumerable.Range(0, tables)
            .Select(i => 12 + 16 * i)
            .Single(entry => Encoding.ASCII.GetString(font, entry, 4) == "name");
        var table = (int)BinaryPrimitives.ReadUInt32BigEndian(font.AsSpan(name + 8));
        int Read(int offset) => BinaryPrimitives.ReadUInt16BigEndian(font.AsSpan(table + offset));
        return Enumerable.Range(0, Read(2)).Select(r => (Read(6 + 12 * r), Read(6 + 12 * r + 6))).ToList();
    }

    private static string Outline(SKFont font, ushort glyph)
    {
        using var path = font.GetGlyphPath(glyph);
        return path?.ToSvgPathData() ?? "";
    }

    private static List<SKTypeface> EmbeddedFonts(byte[] pdf) =>
        FontPrograms(pdf).Select(f => SubsettableFont.Typeface(f) ?? throw new AssertionException("an embedded font Skia cannot read")).ToList();

    /// <summary>The FontFile2 streams as SkiaSharp writes them (a dictionary with Length1, FlateDecode, Length).</summary>
    private static List<byte[]> FontPrograms(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        return FontStream().Matches(text).Select(m =>
        {
            var start = m.Index + m.Length;
            using var inflated = new MemoryStream();
            using (var zlib = new ZLibStream(new MemoryStream(pdf, start, int.Parse(m.Groups[2].Value)), CompressionMode.Decompress))
            {
                zlib.CopyTo(inflated);
            }
            Assert.That(inflated.Length, Is.EqualTo(int.Parse(m.Groups[1].Value)), "Length1 is the font program's length");
            return inflated.ToArray();
        }).ToList();
    }

    private static byte[] FontResource(string name)
    {
        using var resource = typeof(SkiaInvoiceRenderer).Assembly.GetManifestResourceStream("LicenceOps.Billing.Fonts." + name)!;
        using var bytes = new MemoryStream();
        resource.CopyTo(bytes);
        return bytes.ToArray();
    }

    [GeneratedRegex(@"<</Length1 (\d+)\s*/Filter /FlateDecode\s*/Length (\d+)>> stream\r?\n")]
    private static partial Regex FontStream();
}
