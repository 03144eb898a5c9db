using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>
/// DejaVu Sans shipped inside the assembly, so a PDF looks the same on every server and embeds
/// its font whatever is installed on the machine. Text is laid out with the whole font; each document
/// embeds a copy cut down to the glyphs it draws (<see cref="SubsettableFont"/>).
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
        // Skia reads glyphs from the data lazily; SKData keeps its own copy alive with the typeface.
        var typeface = SKTypeface.FromData(SKData.CreateCopy(font))
            ?? throw new InvalidOperationException($"Embedded font resource '{name}' is not a readable font.");
        return new InvoiceFace(typeface, new SubsettableFont(font));
    }
}

/// <summary>One face of the invoice font: the whole typeface text is measured with, and the font file to subset per document.</summary>
internal sealed record InvoiceFace(SKTypeface Typeface, SubsettableFont File);
