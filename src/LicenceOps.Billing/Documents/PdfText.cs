using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>
/// Fonts and paints for one rendering; Skia fonts and paints are not shared across threads. It also keeps which
/// glyphs of each face the document draws, so each embeds only those (<see cref="SubsettableFont"/>).
/// </summary>
internal sealed class PdfText : IDisposable
{
    public static readonly SKColor Ink = new(0x1F, 0x29, 0x37);
    public static readonly SKColor Muted = new(0x5B, 0x64, 0x72);
    public static readonly SKColor Accent = new(0x1F, 0x3A, 0x5F);
    public static readonly SKColor Band = new(0xEE, 0xF1, 0xF5);
    public static readonly SKColor Rule = new(0xC9, 0xD0, 0xD9);

    private readonly List<IDisposable> owned = [];
    private readonly Dictionary<SKFont, Face> faces = new(ReferenceEqualityComparer.Instance);
    private readonly Face regular = new(InvoiceFonts.Regular);
    private readonly Face bold = new(InvoiceFonts.Bold);
    private bool subsetsInUse;

    // PDF is resolution-independent: pixel hinting would round advances and leave uneven gaps between letters.
    public SKFont Font(float size, bool bold = false)
    {
        var face = bold ? this.bold : regular;
        var font = Own(new SKFont(face.Whole.Typeface, size)
        {
            Hinting = SKFontHinting.None,
            Subpixel = true,
            LinearMetrics = true,
        });
        faces.Add(font, face);
        return font;
    }

    public SKPaint Fill(SKColor color) => Own(new SKPaint { Color = color, IsAntialias = true, Style = SKPaintStyle.Fill });

    public SKPaint Stroke(SKColor color, float width = 0.6f) =>
        Own(new SKPaint { Color = color, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = width });

    /// <summary>
    /// Notes the glyphs <paramref name="text"/> takes in <paramref name="font"/> before <see cref="UseSubsets"/>;
    /// after it, refuses a glyph the subset lacks, which would print as nothing.
    /// </summary>
    public void Drawing(string text, SKFont font)
    {
        var face = faces[font];
        var count = font.CountGlyphs(text);
        Span<ushort> glyphs = count <= 256 ? stackalloc ushort[count] : new ushort[count];
        font.GetGlyphs(text, glyphs);
        foreach (var glyph in glyphs)
        {
            if (subsetsInUse && !face.Used[glyph])
            {
                throw new InvalidOperationException(
                    $"Glyph {glyph} of \"{text}\" was drawn without being seen by the first pass, so its font subset lacks it.");
            }
            face.Used[glyph] = true;
        }
    }

    /// <summary>From now on every font draws with a copy of its face holding only the glyphs noted so far.</summary>
    public void UseSubsets()
    {
        foreach (var face in new[] { regular, bold })
        {
            using var data = SKData.CreateCopy(face.Whole.File.Subset(face.Used));
            face.Subset = Own(SKTypeface.FromData(data)
                ?? throw new InvalidOperationException("Skia could not read a font subset."));
        }
        foreach (var (font, face) in faces)
        {
            font.Typeface = face.Subset;
        }
        subsetsInUse = true;
    }

    /// <summary>Greedy word wrap; a word wider than the box is cut so nothing ever overflows the page.</summary>
    public static IReadOnlyList<string> Wrap(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r", "").Split('\n'))
        {
            var line = "";
            foreach (var word in Words(paragraph))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (font.MeasureText(candidate) <= width)
                {
                    line = candidate;
                    continue;
                }
                if (line.Length > 0)
                {
                    lines.Add(line);
                }
                line = word;
                while (font.MeasureText(line) > width && line.Length > 1)
                {
                    var fit = line.Length - 1;
                    while (fit > 1 && font.MeasureText(line[..fit]) > width)
                    {
                        fit--;
                    }
                    lines.Add(line[..fit]);
                    line = line[fit..];
                }
            }
            lines.Add(line);
        }
        return lines;
    }

    /// <summary>French puts a space before "€", ":", "%"...; such a sign must not start a line on its own.</summary>
    private static List<string> Words(string paragraph)
    {
        var words = new List<string>();
        foreach (var token in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (words.Count > 0 && token.Length <= 3 && token.All(c => "€%:;!?».,".Contains(c)))
            {
                words[^1] += FrenchFormat.NoBreakSpace + token;
                continue;
            }
            words.Add(token);
        }
        return words;
    }

    public void Dispose()
    {
        foreach (var item in owned)
        {
            item.Dispose();
        }
    }

    private T Own<T>(T item) where T : IDisposable
    {
        owned.Add(item);
        return item;
    }

    private sealed class Face
    {
        /// <summary>
        /// Skia measures the PDF font descriptor's StemV on "i", "I", "!" and "1" and its CapHeight on "M" and "X" (this
        /// font's OS/2 table has no cap height): without their outlines the descriptor would say 0.
        /// </summary>
        private const string MeasuredBySkia = "iI!1MX";

        public Face(InvoiceFace whole)
        {
            Whole = whole;
            Used = new bool[whole.File.GlyphCount];
            foreach (var glyph in whole.Typeface.GetGlyphs(MeasuredBySkia))
            {
                Used[glyph] = true;
            }
        }

        public InvoiceFace Whole { get; }

        public bool[] Used { get; }

        public SKTypeface? Subset { get; set; }
    }
}
