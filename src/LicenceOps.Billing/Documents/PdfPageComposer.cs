using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>
/// Lays blocks out top to bottom on A4 pages, starting a new page when a block does not fit.
/// Drawing is deferred so the footer can print "page x / n" once the page count is known.
/// </summary>
internal sealed class PdfPageComposer
{
    public const float PageWidth = 595.28f;   // A4 in PostScript points
    public const float PageHeight = 841.89f;
    public const float Left = 42f;
    public const float Right = PageWidth - 42f;
    public const float ContentWidth = Right - Left;
    private const float Top = 42f;
    private const float Bottom = PageHeight - 56f;

    private readonly List<List<Action<PdfCanvas>>> pages = [];
    private List<Action<PdfCanvas>> current = [];
    private float y;

    public PdfPageComposer()
    {
        pages.Add(current);
        y = Top;
    }

    /// <summary>Drawn at the top of every page after the first (continuation title, table header...).</summary>
    public Action<PdfPageComposer>? OnNewPage { get; set; }

    public float Y => y;

    public int PageCount => pages.Count;

    public void Space(float height) => y = Math.Min(y + height, Bottom);

    /// <summary>Starts a new page unless <paramref name="height"/> points still fit on this one.</summary>
    public void KeepTogether(float height)
    {
        if (y + height > Bottom && y > Top)
        {
            NewPage();
        }
    }

    public void Add(float height, Action<PdfCanvas, float> draw)
    {
        KeepTogether(height);
        var top = y;
        current.Add(canvas => draw(canvas, top));
        y += height;
    }

    public void NewPage()
    {
        current = [];
        pages.Add(current);
        y = Top;
        var repeat = OnNewPage;
        OnNewPage = null; // the callback adds blocks itself; never let it recurse into another page
        repeat?.Invoke(this);
        OnNewPage = repeat;
    }

    /// <summary>
    /// Draws the pages into <paramref name="document"/>. Each page is played first on a canvas that draws nothing, to learn
    /// which glyphs the document uses, so the PDF embeds fonts holding only those (<see cref="SubsettableFont"/>).
    /// </summary>
    public void Render(SKDocument document, PdfText text, Action<PdfCanvas, int, int> footer)
    {
        var survey = new PdfCanvas(text, page: null);
        for (var i = 0; i < pages.Count; i++)
        {
            Draw(survey, i, footer);
        }
        text.UseSubsets();

        for (var i = 0; i < pages.Count; i++)
        {
            Draw(new PdfCanvas(text, document.BeginPage(PageWidth, PageHeight)), i, footer);
            document.EndPage();
        }
    }

    private void Draw(PdfCanvas canvas, int page, Action<PdfCanvas, int, int> footer)
    {
        foreach (var draw in pages[page])
        {
            draw(canvas);
        }
        footer(canvas, page + 1, pages.Count);
    }
}
