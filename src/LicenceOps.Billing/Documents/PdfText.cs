using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>
/// Fonts and paints for one rendering; Skia fonts and paints are not shared across threads. It also notes which
/// characters of each face the document draws, so the PDF embeds only their glyphs (<see cref="InvoiceFace.SubsetFor"/>).
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
    /// Notes the characters of <paramref name="text"/> in <paramref name="font"/>'s face until <see cref="UseSubsets"/>;
    /// after it, refuses a character not noted, whose glyph the embedded font may lack (it would print as nothing): the
    /// two passes must draw the same text.
    /// </summary>
    public void Drawing(string text, SKFont font)
    {
        var face = faces[font];
        if (face.Subset is null)
        {
            face.Drawn.Add(text);
        }
        else if (!face.Drawn.ContainsAll(text))
        {
            throw new InvalidOperationException($"\"{text}\" is drawn but was not seen by the first pass: the font embedded may lack its glyphs.");
        }
    }

    /// <summary>From now on every font draws with a subset of its face holding the glyphs of the characters noted so far.</summary>
    public void UseSubsets()
    {
        foreach (var face in new[] { regular, bold })
        {
            face.Subset = face.Whole.SubsetFor(face.Drawn.ToString());
            if (!face.Subset.Shared)
            {
                Own(face.Subset.Typeface);
            }
        }
        foreach (var (font, face) in faces)
        {
            font.Typeface = face.Subset!.Typeface;
        }
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

    private sealed class Face(InvoiceFace whole)
    {
        public InvoiceFace Whole { get; } = whole;

        public CharacterSet Drawn { get; } = new();

        public FaceSubset? Subset { get; set; }
    }
}
