using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>
/// DejaVu Sans shipped inside the assembly, so a PDF looks the same on every server and embeds
/// its font whatever is installed on the machine. Text is laid out with the whole font; a document
/// embeds a copy holding only the outlines it needs (<see cref="InvoiceFace.SubsetFor"/>).
/// </summary>
internal static class InvoiceFonts
{
    private static readonly Lazy<InvoiceFace> RegularFace = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<InvoiceFace> BoldFace = new(() => Load("DejaVuSans-Bold.ttf"));

    public static InvoiceFace Regular => RegularFace.Value;
    public static InvoiceFace Bold => BoldFace.Value;

    private static InvoiceFace Load(string fileName)
    {
        var name = "LicenceOps.Billing.Fonts." + fileName;
        var bytes = new MemoryStream();
        using (var resource = typeof(InvoiceFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded font resource '{name}' is missing from the Billing assembly."))
        {
            resource.CopyTo(bytes);
        }
        var font = bytes.ToArray();
        return new InvoiceFace(
            SubsettableFont.Typeface(font) ?? throw new InvalidOperationException($"Embedded font resource '{name}' is not a readable font."),
            new SubsettableFont(font));
    }
}

/// <summary>
/// One face of the invoice font: the whole typeface text is measured with, and the subsets documents embed.
/// Skia embeds the font a document draws with whole, and deflates it again for every document: the whole face
/// (65 KB) was most of an invoice's bytes and a third of its rendering CPU.
/// </summary>
internal sealed class InvoiceFace
{
    /// <summary>
    /// What nearly every invoice prints, in one subset shared by every document that needs nothing else: ASCII,
    /// Latin-1 (French accents, the no-break space, the middle dot), œ, Œ, Ÿ, dashes, typographic quotes, the ellipsis,
    /// the narrow no-break space and the euro sign. A document that draws anything else (a Polish or Czech name, an
    /// arrow) gets a subset of its own: slower to render (Skia meets a new typeface: its glyph caches start empty),
    /// but still small.
    /// </summary>
    public const string CommonCharacters =
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~" +
        "\u00A0¡¢£¤¥¦§¨©ª«¬\u00AD®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ" +
        "ŒœŸ–—‘’‚“”„…\u202F€";

    /// <summary>
    /// Skia measures the PDF font descriptor's StemV on "i", "I", "!" and "1" and its CapHeight on "M" and "X" (this
    /// font's OS/2 table has no cap height): a subset without their outlines would make the descriptor say 0.
    /// </summary>
    private const string MeasuredBySkia = "iI!1MX";

    private readonly SubsettableFont file;
    private readonly bool[] measured;
    private readonly Lazy<FaceSubset> common;

    public InvoiceFace(SKTypeface typeface, SubsettableFont file)
    {
        Typeface = typeface;
        this.file = file;
        measured = Glyphs(MeasuredBySkia);
        common = new(() => Subset(Glyphs(CommonCharacters), shared: true));
    }

    /// <summary>The whole face: what text is measured with, and what the glyph ids of a subset refer to.</summary>
    public SKTypeface Typeface { get; }

    /// <summary>
    /// A typeface whose font file holds the outlines of the glyphs of <paramref name="characters"/>: the shared common
    /// subset when it covers them, otherwise one made for them, which the caller disposes.
    /// </summary>
    public FaceSubset SubsetFor(string characters)
    {
        var drawn = Glyphs(characters);
        var covered = common.Value.Glyphs;
        for (var glyph = 0; glyph < drawn.Length; glyph++)
        {
            if (drawn[glyph] && !covered[glyph])
            {
                return Subset(drawn, shared: false);
            }
        }
        return common.Value;
    }

    private FaceSubset Subset(bool[] glyphs, bool shared)
    {
        for (var glyph = 0; glyph < measured.Length; glyph++)
        {
            glyphs[glyph] |= measured[glyph];
        }
        var subset = file.Subset(glyphs, out var kept);
        return new FaceSubset(SubsettableFont.Typeface(subset) ?? throw new InvalidOperationException("Skia could not read a font subset."), kept, shared);
    }

    private bool[] Glyphs(string characters)
    {
        var glyphs = new bool[file.GlyphCount];
        foreach (var glyph in Typeface.GetGlyphs(characters))
        {
            glyphs[glyph] = true;
        }
        return glyphs;
    }
}

/// <param name="Glyphs">The glyph ids whose outlines the subset holds; every other glyph draws as nothing.</param>
/// <param name="Shared">Used by every document that fits it: never disposed.</param>
internal sealed record FaceSubset(SKTypeface Typeface, bool[] Glyphs, bool Shared);
