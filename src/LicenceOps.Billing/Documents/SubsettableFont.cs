using System.Buffers.Binary;
using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>
/// A TrueType font cut down, per document, to the glyphs that document draws. The SkiaSharp native build we ship does
/// not subset fonts when writing a PDF: it embeds the font it is given whole and deflates it again for every document
/// (two 65 KB fonts were 71 KB of a 93 KB invoice, and their compression a large share of its rendering CPU). So the
/// renderer gives Skia, for each document, a copy of the font whose <c>glyf</c> table holds only the outlines drawn.
/// Every glyph id stays where it was (the others become empty glyphs) and every other table is copied as is (but for the
/// name table's legacy Macintosh records, see <see cref="WithoutMacintoshNames"/>): the cmap,
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

    /// <param name="font">A TrueType font file; its legacy Macintosh names are left out of every subset (below).</param>
    public SubsettableFont(byte[] font)
    {
        ArgumentNullException.ThrowIfNull(font);
        if (BinaryPrimitives.ReadUInt32BigEndian(font) is not 0x00010000 and not 0x74727565) // 1.0 or "true"
        {
            throw new InvalidOperationException("Only TrueType outlines (glyf) can be subset.");
        }
        this.font = WithoutMacintoshNames(font);
        tables = Tables(this.font);

        var head = Find(tables, HeadTag);
        longOffsets = BinaryPrimitives.ReadInt16BigEndian(this.font.AsSpan(head.Offset + 50)) != 0;
        GlyphCount = BinaryPrimitives.ReadUInt16BigEndian(this.font.AsSpan(Find(tables, MaxpTag).Offset + 4));
        var loca = Find(tables, LocaTag);
        glyfOffset = Find(tables, GlyfTag).Offset;
        glyphStarts = new int[GlyphCount + 1];
        for (var g = 0; g <= GlyphCount; g++)
        {
            glyphStarts[g] = longOffsets
                ? checked((int)BinaryPrimitives.ReadUInt32BigEndian(this.font.AsSpan(loca.Offset + 4 * g)))
                : 2 * BinaryPrimitives.ReadUInt16BigEndian(this.font.AsSpan(loca.Offset + 2 * g));
        }
    }

    public int GlyphCount { get; }

    /// <summary>The font file <paramref name="font"/> as Skia reads it; null when it cannot.</summary>
    public static SKTypeface? Typeface(byte[] font)
    {
        // Skia keeps a reference to the data (it reads outlines lazily); this handle to it can go.
        using var data = SKData.CreateCopy(font);
        return SKTypeface.FromData(data);
    }

    /// <summary>
    /// The font with the outlines of <paramref name="used"/> (indexed by glyph id), of glyph 0 (.notdef, which every
    /// font must have) and of the components the composite ones are built from; every other glyph empty.
    /// </summary>
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
        kept = keep;
        return Assemble(font, tables,
            table => table.Tag == GlyfTag ? glyfLength : table.Tag == LocaTag ? locaLength : table.Length,
            (table, data) =>
            {
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
                    font.AsSpan(table.Offset, table.Length).CopyTo(data);
                }
            });
    }

    /// <summary>
    /// <paramref name="font"/> without the name records of the Macintosh platform: they repeat the Windows ones (the
    /// DejaVu licence text among them, 5 KB of each face), which are what FreeType and PDF readers use, and Skia
    /// deflates the whole font program again for every document.
    /// </summary>
    private static byte[] WithoutMacintoshNames(byte[] font)
    {
        var tables = Tables(font);
        var name = Array.FindIndex(tables, t => t.Tag == NameTag);
        if (name < 0 || BinaryPrimitives.ReadUInt16BigEndian(font.AsSpan(tables[name].Offset)) != 0)
        {
            return font; // no name table, or format 1 (language tags): kept as it is
        }
        var table = font.AsSpan(tables[name].Offset, tables[name].Length);
        var count = BinaryPrimitives.ReadUInt16BigEndian(table[2..]);
        var storage = BinaryPrimitives.ReadUInt16BigEndian(table[4..]);
        var records = new List<int>();
        var strings = 0;
        for (var i = 0; i < count; i++)
        {
            var record = table.Slice(6 + 12 * i, 12);
            if (BinaryPrimitives.ReadUInt16BigEndian(record) != 1)
            {
                records.Add(i);
                strings += BinaryPrimitives.ReadUInt16BigEndian(record[8..]);
            }
        }
        if (records.Count == count)
        {
            return font;
        }

        var header = 6 + 12 * records.Count;
        var rebuilt = new byte[header + strings];
        BinaryPrimitives.WriteUInt16BigEndian(rebuilt.AsSpan(2), (ushort)records.Count);
        BinaryPrimitives.WriteUInt16BigEndian(rebuilt.AsSpan(4), (ushort)header);
        var at = 0;
        for (var k = 0; k < records.Count; k++)
        {
            var record = rebuilt.AsSpan(6 + 12 * k, 12);
            table.Slice(6 + 12 * records[k], 12).CopyTo(record);
            var length = BinaryPrimitives.ReadUInt16BigEndian(record[8..]);
            var offset = BinaryPrimitives.ReadUInt16BigEndian(record[10..]);
            table.Slice(storage + offset, length).CopyTo(rebuilt.AsSpan(header + at));
            BinaryPrimitives.WriteUInt16BigEndian(record[10..], (ushort)at);
            at += length;
        }
        return Assemble(font, tables,
            t => t.Tag == NameTag ? rebuilt.Length : t.Length,
            (t, data) => (t.Tag == NameTag ? rebuilt : font.AsSpan(t.Offset, t.Length)).CopyTo(data));
    }

    private delegate void TableWriter(Table table, Span<byte> data);

    /// <summary>
    /// A font file with <paramref name="tables"/> in their order, each <paramref name="lengthOf"/> bytes written by
    /// <paramref name="write"/>, 4-byte aligned, with the directory's checksums and head's checkSumAdjustment made right.
    /// </summary>
    private static byte[] Assemble(byte[] font, Table[] tables, Func<Table, int> lengthOf, TableWriter write)
    {
        var directoryLength = 12 + 16 * tables.Length;
        var total = directoryLength;
        foreach (var table in tables)
        {
            total += Padded(lengthOf(table));
        }

        var output = new byte[total];
        font.AsSpan(0, 12).CopyTo(output);
        var at = directoryLength;
        var headAt = -1;
        for (var i = 0; i < tables.Length; i++)
        {
            var table = tables[i];
            var length = lengthOf(table);
            var data = output.AsSpan(at, length);
            write(table, data);
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
        return output;
    }

    private static Table[] Tables(byte[] font)
    {
        var count = BinaryPrimitives.ReadUInt16BigEndian(font.AsSpan(4));
        var tables = new Table[count];
        for (var i = 0; i < count; i++)
        {
            var entry = font.AsSpan(12 + 16 * i, 16);
            tables[i] = new Table(
                BinaryPrimitives.ReadUInt32BigEndian(entry),
                checked((int)BinaryPrimitives.ReadUInt32BigEndian(entry[8..])),
                checked((int)BinaryPrimitives.ReadUInt32BigEndian(entry[12..])));
        }
        return tables;
    }

    private int GlyphLength(int glyph) => glyphStarts[glyph + 1] - glyphStarts[glyph];

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

    private static Table Find(Table[] tables, uint tag) =>
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

    private const uint GlyfTag = 0x676C7966, LocaTag = 0x6C6F6361, HeadTag = 0x68656164, MaxpTag = 0x6D617870, NameTag = 0x6E616D65;

    private static string TagName(uint tag) => new([(char)(tag >> 24), (char)((tag >> 16) & 0xFF), (char)((tag >> 8) & 0xFF), (char)(tag & 0xFF)]);

    private readonly record struct Table(uint Tag, int Offset, int Length);
}
