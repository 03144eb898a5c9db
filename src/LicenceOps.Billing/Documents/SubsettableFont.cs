using System.Buffers.Binary;
using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>
/// A TrueType font cut down, per document, to the glyphs that document draws. The SkiaSharp native build we ship does
/// not subset fonts when writing a PDF: it embeds the font it is given whole and deflates it again for every document
/// (two 65 KB fonts were 71 KB of a 93 KB invoice, and their compression a large share of its rendering CPU). So the
/// renderer gives Skia, for each document, a copy of the font whose <c>glyf</c> table holds only the outlines drawn.
/// Every glyph id stays where it was (the others become empty glyphs) and every other table is copied as is: the cmap,
/// the advances and the metrics are the full font's, so text measured with the full font lays out identically, and
/// the PDF's widths and ToUnicode map are what they were.
/// </summary>
internal sealed class SubsettableFont
{
    private readonly byte[] font;
    private readonly Table[] tables;
    private readonly int[] glyphStarts; // numGlyphs + 1 offsets into glyf, from loca
    private readonly bool longOffsets;
    private readonly int glyfOffset;

    public SubsettableFont(byte[] font)
    {
        ArgumentNullException.ThrowIfNull(font);
        this.font = font;
        if (BinaryPrimitives.ReadUInt32BigEndian(font) is not 0x00010000 and not 0x74727565) // 1.0 or "true"
        {
            throw new InvalidOperationException("Only TrueType outlines (glyf) can be subset.");
        }
        var count = BinaryPrimitives.ReadUInt16BigEndian(font.AsSpan(4));
        tables = new Table[count];
        for (var i = 0; i < count; i++)
        {
            var entry = font.AsSpan(12 + 16 * i, 16);
            tables[i] = new Table(
                BinaryPrimitives.ReadUInt32BigEndian(entry),
                checked((int)BinaryPrimitives.ReadUInt32BigEndian(entry[8..])),
                checked((int)BinaryPrimitives.ReadUInt32BigEndian(entry[12..])));
        }

        var head = Find(HeadTag);
        longOffsets = BinaryPrimitives.ReadInt16BigEndian(font.AsSpan(head.Offset + 50)) != 0;
        GlyphCount = BinaryPrimitives.ReadUInt16BigEndian(font.AsSpan(Find(MaxpTag).Offset + 4));
        var loca = Find(LocaTag);
        glyfOffset = Find(GlyfTag).Offset;
        glyphStarts = new int[GlyphCount + 1];
        for (var g = 0; g <= GlyphCount; g++)
        {
            glyphStarts[g] = longOffsets
                ? checked((int)BinaryPrimitives.ReadUInt32BigEndian(font.AsSpan(loca.Offset + 4 * g)))
                : 2 * BinaryPrimitives.ReadUInt16BigEndian(font.AsSpan(loca.Offset + 2 * g));
        }
    }

    public int GlyphCount { get; }

    /// <summary>
    /// The font with the outlines of <paramref name="used"/> (indexed by glyph id), of glyph 0 (.notdef, which every
    /// font must have) and of the components the composite ones are built from; every other glyph empty.
    /// </summary>
    /// <summary>The font file <paramref name="font"/> as Skia reads it; null when it cannot.</summary>
    public static SKTypeface? Typeface(byte[] font)
    {
        // Skia keeps a reference to the data (it reads outlines lazily); this handle to it can go.
        using var data = SKData.CreateCopy(font);
        return SKTypeface.FromData(data);
    }

    /// <param name="kept">The glyphs whose outlines the subset holds.</param>
    public byte[] Subset(ReadOnlySpan<bool> used, out bool[] kept)
    {
        var keep = new bool[GlyphCount];
        Keep(keep, 0);
        for (var g = 0; g < Math.Min(used.Length, GlyphCount); g++)
        {
            if (used[g])
            {
                Keep(keep, g);
            }
        }

        var glyfLength = 0;
        for (var g = 0; g < GlyphCount; g++)
        {
            glyfLength += keep[g] ? GlyphLength(g) : 0;
        }
        var locaLength = (GlyphCount + 1) * (longOffsets ? 4 : 2);

        var directoryLength = 12 + 16 * tables.Length;
        var total = directoryLength;
        foreach (var table in tables)
        {
            total += Padded(LengthOf(table, glyfLength, locaLength));
        }

        var output = new byte[total];
        font.AsSpan(0, 12).CopyTo(output);
        var at = directoryLength;
        var headAt = -1;
        for (var i = 0; i < tables.Length; i++)
        {
            var table = tables[i];
            var length = LengthOf(table, glyfLength, locaLength);
            var data = output.AsSpan(at, length);
            if (table.Tag == GlyfTag)
            {
                WriteGlyphs(keep, data);
            }
            else if (table.Tag == LocaTag)
            {
                WriteLocations(keep, data);
            }
            else
            {
                font.AsSpan(table.Offset, length).CopyTo(data);
            }
            if (table.Tag == HeadTag)
            {
                headAt = at;
                BinaryPrimitives.WriteUInt32BigEndian(data[8..], 0); // checkSumAdjustment is computed over the finished file
            }

            var entry = output.AsSpan(12 + 16 * i, 16);
            BinaryPrimitives.WriteUInt32BigEndian(entry, table.Tag);
            BinaryPrimitives.WriteUInt32BigEndian(entry[4..], CheckSum(output.AsSpan(at, Padded(length))));
            BinaryPrimitives.WriteUInt32BigEndian(entry[8..], (uint)at);
            BinaryPrimitives.WriteUInt32BigEndian(entry[12..], (uint)length);
            at += Padded(length);
        }
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(headAt + 8), unchecked(0xB1B0AFBA - CheckSum(output)));
        kept = keep;
        return output;
    }

    private int GlyphLength(int glyph) => glyphStarts[glyph + 1] - glyphStarts[glyph];

    private int LengthOf(Table table, int glyfLength, int locaLength) =>
        table.Tag == GlyfTag ? glyfLength : table.Tag == LocaTag ? locaLength : table.Length;

    /// <summary>Marks <paramref name="glyph"/> and, for a composite glyph (an accented letter is often one), its components.</summary>
    private void Keep(bool[] keep, int glyph)
    {
        if (glyph >= GlyphCount || keep[glyph])
        {
            return;
        }
        keep[glyph] = true;
        var length = GlyphLength(glyph);
        if (length < 10)
        {
            return; // an empty glyph (a space), nothing to follow
        }
        var data = font.AsSpan(glyfOffset + glyphStarts[glyph], length);
        if (BinaryPrimitives.ReadInt16BigEndian(data) >= 0)
        {
            return; // a simple glyph: contours of its own
        }

        // Composite glyph (OpenType glyf table): after the 10-byte header, a list of components, each
        // flags, glyph index, two arguments (bytes or words) and an optional scale (one, two or four F2Dot14).
        const int argsAreWords = 0x0001, haveScale = 0x0008, moreComponents = 0x0020, haveXyScale = 0x0040, haveTwoByTwo = 0x0080;
        var at = 10;
        int flags;
        do
        {
            flags = BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
            Keep(keep, BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]));
            at += 4 + ((flags & argsAreWords) != 0 ? 4 : 2);
            at += (flags & haveScale) != 0 ? 2 : (flags & haveXyScale) != 0 ? 4 : (flags & haveTwoByTwo) != 0 ? 8 : 0;
        }
        while ((flags & moreComponents) != 0);
    }

    private void WriteGlyphs(bool[] keep, Span<byte> glyf)
    {
        var at = 0;
        for (var g = 0; g < GlyphCount; g++)
        {
            if (keep[g])
            {
                var length = GlyphLength(g);
                font.AsSpan(glyfOffset + glyphStarts[g], length).CopyTo(glyf[at..]);
                at += length;
            }
        }
    }

    /// <summary>loca in the font's own format; a short offset is stored halved, which works since every glyph kept has an even length.</summary>
    private void WriteLocations(bool[] keep, Span<byte> loca)
    {
        var offset = 0;
        for (var g = 0; g <= GlyphCount; g++)
        {
            if (longOffsets)
            {
                BinaryPrimitives.WriteUInt32BigEndian(loca[(4 * g)..], (uint)offset);
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(loca[(2 * g)..], (ushort)(offset / 2));
            }
            if (g < GlyphCount && keep[g])
            {
                offset += GlyphLength(g);
            }
        }
    }

    private Table Find(uint tag) =>
        Array.FindIndex(tables, t => t.Tag == tag) is var index and >= 0
            ? tables[index]
            : throw new InvalidOperationException($"The font has no '{TagName(tag)}' table.");

    private static uint CheckSum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 4 <= data.Length; i += 4)
        {
            sum = unchecked(sum + BinaryPrimitives.ReadUInt32BigEndian(data[i..]));
        }
        return sum;
    }

    private static int Padded(int length) => (length + 3) & ~3;

    private const uint GlyfTag = 0x676C7966, LocaTag = 0x6C6F6361, HeadTag = 0x68656164, MaxpTag = 0x6D617870;

    private static string TagName(uint tag) => new([(char)(tag >> 24), (char)((tag >> 16) & 0xFF), (char)((tag >> 8) & 0xFF), (char)(tag & 0xFF)]);

    private readonly record struct Table(uint Tag, int Offset, int Length);
}
