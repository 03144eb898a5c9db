using LicenceOps.Seats.Domain.Reports;
using ScottPlot;
using SkiaSharp;

namespace LicenceOps.Seats.Features.Reports;

/// <summary>
/// The usage report as an A4 PDF: a summary per month with the trend, two charts (adoption and invoiced cost per
/// month, drawn by ScottPlot straight onto the PDF page so labels stay text), then per month the products with their
/// departments, and the people holding overlapping tools. Fonts are embedded (DejaVu Sans) so it prints the same anywhere.
/// </summary>
public static class UsageReportPdf
{
    private const float PageWidth = 595.28f;
    private const float PageHeight = 841.89f;
    private const float Margin = 40f;
    private const float Bottom = PageHeight - 50f;
    private const string FontName = "DejaVu Sans";

    public static byte[] Render(UsageReportResponse report, ReportText text)
    {
        using var stream = new MemoryStream();
        using (var document = SKDocument.CreatePdf(stream, new SKDocumentPdfMetadata
        {
            Title = $"{text["title"]} {report.From} – {report.To}",
            Creator = "LicenceOps",
            Producer = "LicenceOps",
            Creation = report.GeneratedAt.UtcDateTime,
            Modified = report.GeneratedAt.UtcDateTime,
        }))
        {
            var writer = new PageWriter(document, text);
            Summary(writer, report, text);
            Charts(writer, report, text);
            foreach (var month in report.Months)
            {
                Month(writer, month, text);
            }

            writer.Finish();
        }

        return stream.ToArray();
    }

    private static void Summary(PageWriter w, UsageReportResponse report, ReportText text)
    {
        w.Line(text["title"], 16, bold: true);
        w.Line($"{text["period"]} : {text.Month(report.From)} – {text.Month(report.To)}", 10);
        w.Line($"{text["generated"]} {report.GeneratedAt:yyyy-MM-dd HH:mm} UTC", 8);
        w.Gap(8);

        float[] columns = [0, 95, 150, 200, 245, 300, 375, 440];
        w.Row(columns, true, text["month"], text["purchased"], text["assigned"], text["active"], text["adoption"], text["cost"],
            text["costPerActive"], text["saving"]);
        foreach (var month in report.Months)
        {
            var t = month.Totals;
            w.Row(columns, false, text.Month(month.Month), t.Purchased.ToString(), t.Assigned.ToString(), t.Active.ToString(),
                text.Percent(t.AdoptionRate), text.Money(t.CostEur + month.UnallocatedCostEur), text.Money(t.CostPerActiveUserEur),
                text.Money(t.MonthlySavingEur));
        }

        w.Gap(6);
        var trend = report.Trend;
        var change = trend.AdoptionChangePoints is { } points ? $"{(points >= 0 ? "+" : "")}{text.Number(points)} {text["points"]}" : "–";
        w.Line($"{text["trend"]} — {text["adoption"]} : {text.Percent(trend.FirstAdoptionRate)} → {text.Percent(trend.LastAdoptionRate)} ({change})", 9);
        w.Line($"{text["cost"]} : {text.Money(trend.TotalCostEur)} ; {text["saving"]} : {text.Money(trend.TotalMonthlySavingEur)}", 9);
        w.Gap(10);
    }

    private static void Charts(PageWriter w, UsageReportResponse report, ReportText text)
    {
        var labels = report.Months.Select(m => m.Month).ToArray();
        var positions = Enumerable.Range(0, labels.Length).Select(i => (double)i).ToArray();

        var adoption = NewPlot(text["adoptionChart"]);
        var line = adoption.Add.Scatter(positions, report.Months.Select(m => (double)((m.Totals.AdoptionRate ?? 0m) * 100m)).ToArray());
        line.LineWidth = 2;
        line.MarkerSize = 6;
        adoption.Axes.Bottom.SetTicks(positions, labels);
        adoption.Axes.SetLimitsY(0, 100);
        adoption.Axes.Left.Label.Text = "%";
        w.Chart(adoption, 200);

        var cost = NewPlot(text["costChart"]);
        var bars = cost.Add.Bars(positions, report.Months.Select(m => (double)(m.Totals.CostEur + m.UnallocatedCostEur)).ToArray());
        foreach (var bar in bars.Bars)
        {
            bar.Label = text.Money((decimal)bar.Value);
        }

        bars.ValueLabelStyle.FontSize = 8;
        cost.Axes.Bottom.SetTicks(positions, labels);
        cost.Axes.Margins(bottom: 0, top: 0.15);
        w.Chart(cost, 200);
    }

    private static Plot NewPlot(string title)
    {
        EmbeddedFonts.Register();
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title, 12);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 8;
        plot.Axes.Left.TickLabelStyle.FontSize = 8;
        return plot;
    }

    private static void Month(PageWriter w, MonthUsage month, ReportText text)
    {
        w.Ensure(80);
        w.Gap(6);
        w.Line(text.Month(month.Month), 13, bold: true);
        float[] columns = [0, 130, 195, 240, 280, 330, 400, 465];
        w.Row(columns, true, text["product"] + " / " + text["department"], text["purchased"], text["assigned"], text["active"], text["adoption"],
            text["cost"], text["costPerActive"], text["reclaimable"]);
        foreach (var product in month.Products)
        {
            var f = product.Figures;
            w.Row(columns, true, product.Product, f.Purchased.ToString(), f.Assigned.ToString(), f.Active.ToString(), text.Percent(f.AdoptionRate),
                text.Money(f.CostEur), text.Money(f.CostPerActiveUserEur), $"{f.ReclaimableSeats} ({text.Money(f.MonthlySavingEur)})");
            foreach (var d in product.Departments)
            {
                w.Row(columns, false, "   " + d.Name, "", d.Assigned.ToString(), d.Active.ToString(), "", text.Money(d.CostEur),
                    text.Money(d.CostPerActiveUserEur), "");
            }
        }

        if (month.UnallocatedCostEur != 0)
        {
            w.Line($"{text["unallocated"]} : {text.Money(month.UnallocatedCostEur)}", 8);
        }

        w.Gap(4);
        w.Line(text["overlaps"], 10, bold: true);
        if (month.Overlaps.Count == 0)
        {
            w.Line(text["noOverlap"], 8);
        }

        foreach (var holder in month.Overlaps)
        {
            var tools = string.Join(", ", holder.Tools.Select(t => $"{t.Product} ({t.ActiveDays} {text["activeDays"]})"));
            w.Line($"{(holder.DisplayName.Length > 0 ? holder.DisplayName : holder.PersonId.ToString("D"))} : {tools}", 8);
        }
    }

    /// <summary>Writes top to bottom, opening a new page when the next block would not fit.</summary>
    private sealed class PageWriter(SKDocument document, ReportText text)
    {
        private SKCanvas? canvas;
        private int pages;
        private float y;

        private SKCanvas Canvas
        {
            get
            {
                if (canvas is null)
                {
                    canvas = document.BeginPage(PageWidth, PageHeight);
                    pages++;
                    y = Margin;
                }

                return canvas;
            }
        }

        public void Ensure(float height)
        {
            _ = Canvas;
            if (y + height > Bottom)
            {
                EndPage();
                _ = Canvas;
            }
        }

        public void Gap(float height) => y += height;

        public void Line(string content, float size, bool bold = false)
        {
            Ensure(size * 1.5f);
            using var font = new SKFont(bold ? EmbeddedFonts.Bold : EmbeddedFonts.Regular, size);
            using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            y += size * 1.2f;
            Canvas.DrawText(Fit(content, font, PageWidth - 2 * Margin), Margin, y, SKTextAlign.Left, font, paint);
            y += size * 0.4f;
        }

        public void Row(float[] columns, bool bold, params string[] cells)
        {
            const float size = 7f;
            Ensure(size * 2f);
            using var font = new SKFont(bold ? EmbeddedFonts.Bold : EmbeddedFonts.Regular, size);
            using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            y += size * 1.3f;
            for (var i = 0; i < cells.Length; i++)
            {
                var width = (i + 1 < columns.Length ? columns[i + 1] : PageWidth - 2 * Margin) - columns[i] - 4;
                Canvas.DrawText(Fit(cells[i], font, width), Margin + columns[i], y, SKTextAlign.Left, font, paint);
            }

            y += size * 0.5f;
        }

        public void Chart(Plot plot, float height)
        {
            Ensure(height + 10);
            var top = y;
            var page = Canvas;
            // ScottPlot draws a second pass when the first one moved the axis limits; on a PDF page both passes would stay
            // (every label twice), so the layout settles off-page first.
            plot.RenderInMemory((int)(PageWidth - 2 * Margin), (int)height);
            page.Save();
            page.Translate(Margin, top);
            plot.Render(page, (int)(PageWidth - 2 * Margin), (int)height);
            page.Restore();
            y = top + height + 10;
        }

        public void Finish()
        {
            EndPage();
            if (pages == 0)
            {
                _ = Canvas;
                EndPage();
            }
        }

        private void EndPage()
        {
            if (canvas is null)
            {
                return;
            }

            using var font = new SKFont(EmbeddedFonts.Regular, 7);
            using var paint = new SKPaint { Color = SKColors.Gray, IsAntialias = true };
            canvas.DrawText($"LicenceOps — {text["page"]} {pages}", PageWidth - Margin, PageHeight - 25, SKTextAlign.Right, font, paint);
            document.EndPage();
            canvas = null;
        }

        /// <summary>Cuts text that would run into the next column, ending it with an ellipsis.</summary>
        private static string Fit(string content, SKFont font, float width)
        {
            if (font.MeasureText(content) <= width)
            {
                return content;
            }

            var cut = content;
            while (cut.Length > 1 && font.MeasureText(cut + "…") > width)
            {
                cut = cut[..^1];
            }

            return cut + "…";
        }
    }
}

/// <summary>DejaVu Sans shipped inside the Seats assembly, registered once with ScottPlot so charts use the PDF's font.</summary>
internal static class EmbeddedFonts
{
    private static readonly Lazy<SKTypeface> RegularFace = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> BoldFace = new(() => Load("DejaVuSans-Bold.ttf"));
    private static readonly Lazy<bool> Registered = new(() =>
    {
        Fonts.FontResolvers.Add(new Resolver());
        return true;
    });

    public static SKTypeface Regular => RegularFace.Value;

    public static SKTypeface Bold => BoldFace.Value;

    public static void Register() => _ = Registered.Value;

    private static SKTypeface Load(string fileName)
    {
        var name = "LicenceOps.Seats.Fonts." + fileName;
        var bytes = new MemoryStream();
        using (var resource = typeof(EmbeddedFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded font resource '{name}' is missing from the Seats assembly."))
        {
            resource.CopyTo(bytes);
        }

        bytes.Position = 0;
        // Skia reads glyphs from the stream lazily: it owns the stream from here on.
        return SKTypeface.FromStream(bytes) ?? throw new InvalidOperationException($"Embedded font resource '{name}' is not a readable font.");
    }

    private sealed class Resolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == "DejaVu Sans" ? (weight >= FontWeight.SemiBold ? Bold : Regular) : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == "DejaVu Sans" ? (bold ? Bold : Regular) : null;
    }
}
