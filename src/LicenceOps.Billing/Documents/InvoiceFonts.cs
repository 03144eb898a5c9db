using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>
/// DejaVu Sans shipped inside the assembly, so a PDF looks the same on every server and embeds
/// its font whatever is installed on the machine.
/// </summary>
internal static class InvoiceFonts
{
    private static readonly Lazy<SKTypeface> RegularFace = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> BoldFace = new(() => Load("DejaVuSans-Bold.ttf"));

    public static SKTypeface Regular => RegularFace.Value;
    public static SKTypeface Bold => BoldFace.Value;

    private static SKTypeface Load(string fileName)
    {
        var name = "LicenceOps.Billing.Fonts." + fileName;
        var bytes = new MemoryStream();
        using (var resource = typeof(InvoiceFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded font resource '{name}' is missing from the Billing assembly."))
        {
            resource.CopyTo(bytes);
        }
        bytes.Position = 0;
        // Skia takes ownership of the stream and reads glyphs from it lazily, so it must stay open.
        return SKTypeface.FromStream(bytes)
            ?? throw new InvalidOperationException($"Embedded font resource '{name}' is not a readable font.");
    }
}
