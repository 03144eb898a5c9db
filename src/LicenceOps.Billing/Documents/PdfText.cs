using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>Fonts and paints for one rendering; Skia fonts and paints are not shared across threads.</summary>
internal sealed class PdfText : IDisposable
{
    public static readonly SKColor Ink = new(0x1F, 0x29, 0x37);
    public static readonly SKColor Muted = new(0x5B, 0x64, 0x72);
    public static readonly SKColor Accent = new(0x1F, 0x3A, 0x5F);
    public static readonly SKColor Band = new(0xEE, 0xF1, 0xF5);
    public static readonly SKColor Rule = new(0xC9, 0xD0, 0xD9);

    private readonly List<IDisposable> owned = [];

    // PDF is resolution-independent: pixel hinting would round advances and leave uneven gaps between letters.
    public SKFont Font(float size, bool bold = false) => Own(new SKFont(bold ? InvoiceFonts.Bold : InvoiceFonts.Regular, size)
    {
        Hinting = SKFontHinting.None,
        Subpixel = true,
        LinearMetrics = true,
    });

    public SKPaint Fill(SKColor color) => Own(new SKPaint { Color = color, IsAntialias = true, Style = SKPaintStyle.Fill });

    public SKPaint Stroke(SKColor color, float width = 0.6f) =>
        Own(new SKPaint { Color = color, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = width });

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
}
