using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>
/// What the layout draws on. <see cref="PdfPageComposer.Render"/> plays every page twice: first on a canvas that draws
/// nothing and only notes the glyphs each text takes, then, with fonts cut down to those glyphs, on the PDF's pages.
/// Text must go through here so the first pass sees it.
/// </summary>
internal sealed class PdfCanvas(PdfText text, SKCanvas? page)
{
    public void DrawText(string value, float x, float y, SKTextAlign align, SKFont font, SKPaint paint)
    {
        text.Drawing(value, font);
        page?.DrawText(value, x, y, align, font, paint);
    }

    public void DrawLine(float x0, float y0, float x1, float y1, SKPaint paint) => page?.DrawLine(x0, y0, x1, y1, paint);

    public void DrawRect(float x, float y, float width, float height, SKPaint paint) => page?.DrawRect(x, y, width, height, paint);

    public void DrawRect(SKRect rect, SKPaint paint) => page?.DrawRect(rect, paint);

    public void DrawRoundRect(SKRect rect, float rx, float ry, SKPaint paint) => page?.DrawRoundRect(rect, rx, ry, paint);
}
