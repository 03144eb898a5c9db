using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace LicenceOps.Portal.Charts;

public sealed record ColumnPoint(string Label, decimal Value, string ValueText);

public sealed record SplitBar(string Label, int Filled, int Empty);

/// <summary>
/// Charts as inline SVG drawn on the server: no script, crisp at any zoom, and readable by screen readers
/// (role="img" with a title and a description that states the figures; every page also shows them as a table).
/// Pure functions of their input, so they are unit-tested without a browser.
/// </summary>
public static class SvgCharts
{
    private const string Ink = "#1f2937";
    private const string Muted = "#4b5563";
    private const string Primary = "#1d4ed8";
    private const string Secondary = "#c2410c";
    private const string Grid = "#d1d5db";

    /// <summary>Vertical columns, one per point (e.g. cost per month), with the value above each column.</summary>
    public static IHtmlContent Columns(string id, string title, string description, IReadOnlyList<ColumnPoint> points)
    {
        const int width = 640, height = 260, left = 16, right = 16, top = 28, bottom = 40;
        var svg = Open(id, title, description, width, height);
        var max = points.Count == 0 ? 0m : points.Max(p => Math.Max(0m, p.Value));
        var plotHeight = height - top - bottom;
        var slot = points.Count == 0 ? 0 : (width - left - right) / (double)points.Count;
        svg.Append(Line(left, height - bottom, width - right, height - bottom, Grid));
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            var barHeight = max == 0 ? 0 : (double)(Math.Max(0m, point.Value) / max) * plotHeight;
            // A few months must not become slabs: bars stay at most 56 px wide, centred in their slot.
            var barWidth = Math.Min(slot * 0.64, 56);
            var x = left + i * slot + (slot - barWidth) / 2;
            var y = height - bottom - barHeight;
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{barWidth:0.#}\" height=\"{barHeight:0.#}\" fill=\"{Primary}\" rx=\"2\"><title>{E(point.Label)}: {E(point.ValueText)}</title></rect>");
            svg.Append(Text(x + barWidth / 2, y - 6, point.ValueText, Ink, 11, "middle"));
            svg.Append(Text(x + barWidth / 2, height - bottom + 18, point.Label, Muted, 12, "middle"));
        }

        return Close(svg);
    }

    /// <summary>One horizontal bar per row split in two parts (e.g. assigned vs free seats of a product), with a legend.</summary>
    public static IHtmlContent SplitBars(string id, string title, string description, IReadOnlyList<SplitBar> rows, string filledLegend, string emptyLegend)
    {
        const int width = 640, labelWidth = 200, right = 56, rowHeight = 34, top = 34;
        var height = top + Math.Max(1, rows.Count) * rowHeight + 8;
        var svg = Open(id, title, description, width, height);
        svg.Append(Legend(0, 12, Primary, filledLegend));
        svg.Append(Legend(200, 12, Secondary, emptyLegend));
        var max = rows.Count == 0 ? 0 : rows.Max(r => r.Filled + r.Empty);
        var plotWidth = width - labelWidth - right;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var y = top + i * rowHeight;
            var filled = max == 0 ? 0 : row.Filled * (double)plotWidth / max;
            var empty = max == 0 ? 0 : row.Empty * (double)plotWidth / max;
            svg.Append(Text(0, y + 17, Shorten(row.Label, 28), Ink, 12, "start"));
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{labelWidth}\" y=\"{y + 4}\" width=\"{filled:0.#}\" height=\"18\" fill=\"{Primary}\"><title>{E(row.Label)}: {row.Filled} {E(filledLegend)}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{labelWidth + filled:0.#}\" y=\"{y + 4}\" width=\"{empty:0.#}\" height=\"18\" fill=\"{Secondary}\"><title>{E(row.Label)}: {row.Empty} {E(emptyLegend)}</title></rect>");
            svg.Append(Text(labelWidth + filled + empty + 6, y + 17, $"{row.Filled}/{row.Filled + row.Empty}", Ink, 12, "start"));
        }

        return Close(svg);
    }

    private static StringBuilder Open(string id, string title, string description, int width, int height)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {height}\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{E(title)}</title><desc id=\"{id}-desc\">{E(description)}</desc>");
        return svg;
    }

    private static HtmlString Close(StringBuilder svg) => new(svg.Append("</svg>").ToString());

    private static string Line(double x1, double y1, double x2, double y2, string colour) =>
        string.Create(CultureInfo.InvariantCulture, $"<line x1=\"{x1:0.#}\" y1=\"{y1:0.#}\" x2=\"{x2:0.#}\" y2=\"{y2:0.#}\" stroke=\"{colour}\" />");

    private static string Text(double x, double y, string text, string colour, int size, string anchor) =>
        string.Create(CultureInfo.InvariantCulture,
            $"<text x=\"{x:0.#}\" y=\"{y:0.#}\" fill=\"{colour}\" font-size=\"{size}\" text-anchor=\"{anchor}\" aria-hidden=\"true\">{E(text)}</text>");

    private static string Legend(double x, double y, string colour, string text) =>
        string.Create(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{y - 10:0.#}\" width=\"12\" height=\"12\" fill=\"{colour}\" />")
        + Text(x + 18, y, text, Ink, 12, "start");

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string E(string text) => HtmlEncoder.Default.Encode(text);
}
