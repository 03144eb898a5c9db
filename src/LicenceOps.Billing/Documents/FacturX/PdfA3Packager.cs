using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace LicenceOps.Billing.Documents.FacturX;

/// <summary>What the document information dictionary and the XMP metadata both say (PDF/A requires them to agree).</summary>
public sealed record PdfDocumentInfo(string Title, string Author, string Subject, string Creator, string Producer, DateTimeOffset Created);

/// <summary>
/// Turns the PDF/A-2b that SkiaSharp draws into a Factur-X PDF/A-3b by appending one incremental update
/// (ISO 32000-1 §7.5.6; allowed by ISO 19005-3): the original bytes stay untouched and a new catalog adds
/// the XMP metadata (PDF/A-3 identification + Factur-X extension schema), the sRGB output intent and
/// factur-x.xml as an associated file. Why not PDFsharp: docs/adr/0015-factur-x-pdf-a3-by-incremental-update.md.
/// Only what SkiaSharp writes is supported (classic cross-reference table, no object streams); anything
/// else is refused rather than patched blindly.
/// </summary>
internal static partial class PdfA3Packager
{
    public const string FacturXNamespace = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

    /// <summary>Catalog entries this update owns; every other entry of the original catalog is kept as written.</summary>
    private static readonly HashSet<string> ReplacedCatalogKeys = ["Metadata", "OutputIntents", "Names", "AF", "Version"];

    /// <summary>
    /// The Factur-X PDF/A-3b of the PDF/A-2b <paramref name="drawn"/> (SkiaSharp's output, read where it lies).
    /// Works on bytes: the document is copied once into a pooled buffer, its ID made stable there, and the result
    /// is the one array the caller stores. Text is decoded only for the few small parts that are parsed (trailer,
    /// xref section, catalog). On strings, a 93 KB document cost about ten large-object allocations of 93–186 KB,
    /// and the gen-2 collections they triggered were a large part of the invoice run's garbage-collection time.
    /// </summary>
    public static byte[] Package(ReadOnlySpan<byte> drawn, byte[] facturXml, string conformanceLevel, PdfDocumentInfo info) =>
        Package(drawn, facturXml, conformanceLevel, info, length => new byte[length]).Pdf;

    /// <summary>
    /// <see cref="Package(ReadOnlySpan{byte}, byte[], string, PdfDocumentInfo)"/> into an array <paramref name="allocate"/> gives
    /// for the packaged length (at least that long: a pooled one may be longer); returns it with the PDF's length.
    /// </summary>
    public static (byte[] Pdf, int Length) Package(ReadOnlySpan<byte> drawn, byte[] facturXml, string conformanceLevel, PdfDocumentInfo info, Func<int, byte[]> allocate)
    {
        ArgumentNullException.ThrowIfNull(facturXml);
        ArgumentNullException.ThrowIfNull(allocate);
        // The stable ID may rewrite the trailer's ID array in another length; 64 bytes is more than any difference.
        var buffer = ArrayPool<byte>.Shared.Rent(drawn.Length + 64);
        try
        {
            var length = WithStableDocumentId(drawn, buffer);
            return Update(buffer.AsSpan(0, length), facturXml, conformanceLevel, info, allocate);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Appends the incremental update to <paramref name="original"/> (a PDF with its stable ID) into an array of <paramref name="allocate"/>.</summary>
    private static (byte[] Pdf, int Length) Update(ReadOnlySpan<byte> original, byte[] facturXml, string conformanceLevel, PdfDocumentInfo info, Func<int, byte[]> allocate)
    {
        var xrefOffset = StartXref(original);
        if (!original[xrefOffset..].StartsWith("xref"u8))
        {
            throw new InvalidOperationException("The PDF uses a cross-reference stream; only a classic xref table can be updated.");
        }

        var trailerAt = IndexOf(original, "trailer"u8, xrefOffset);
        var trailerText = Latin1(original[trailerAt..]);
        var trailer = Dictionary(trailerText, trailerText.IndexOf("<<", StringComparison.Ordinal));
        var size = int.Parse(trailer["Size"], CultureInfo.InvariantCulture);
        var root = ObjectNumber(trailer["Root"]);
        var id = trailer.GetValueOrDefault("ID") ?? throw new InvalidOperationException("The PDF trailer has no ID, which PDF/A requires.");
        var catalogOffset = ObjectOffset(Latin1(original[(xrefOffset + 4)..trailerAt]), root);
        var catalogEnd = IndexOf(original, "endobj"u8, catalogOffset);
        var catalogText = Latin1(original[catalogOffset..(catalogEnd < 0 ? original.Length : catalogEnd)]);
        var catalog = Dictionary(catalogText, catalogText.IndexOf("<<", StringComparison.Ordinal));

        var metadataId = size;
        var iccId = size + 1;
        var embeddedFileId = size + 2;
        var fileSpecId = size + 3;
        var infoId = size + 4;
        var newSize = size + 5;

        // The update is written on its own (a few KB), then placed after the original bytes: the offsets it records
        // count from the start of the whole file.
        var newline = original[^1] is not (byte)'\n' and not (byte)'\r';
        var start = original.Length + (newline ? 1 : 0);
        using var output = new MemoryStream(facturXml.Length + 16_384);
        var offsets = new SortedDictionary<int, long>();

        // XMP must stay unfiltered so any tool (and PDF/A validators) can read it without decoding.
        var xmp = Encoding.UTF8.GetBytes(Xmp(info, conformanceLevel));
        WriteStream(output, start, offsets, metadataId, $"/Type /Metadata /Subtype /XML", xmp, compress: false);

        // The profile never changes: compressed once per process, not once per document.
        WriteEncodedStream(output, start, offsets, iccId, "/N 3", CompressedProfile.Value, compressed: true);

        var modified = PdfDate(info.Created);
        WriteStream(output, start, offsets, embeddedFileId,
            string.Create(CultureInfo.InvariantCulture,
                $"/Type /EmbeddedFile /Subtype /text#2Fxml /Params << /Size {facturXml.Length} /ModDate {modified} /CheckSum <{Convert.ToHexString(MD5.HashData(facturXml))}> >>"),
            facturXml, compress: true);

        // Factur-X: the XML is an alternative representation of the same invoice for the EN 16931 profile.
        WriteObject(output, start, offsets, fileSpecId,
            $"<< /Type /Filespec /F ({FacturXml.FileName}) /UF {TextString(FacturXml.FileName)} /Desc {TextString("Factur-X invoice data (EN 16931)")} " +
            $"/AFRelationship /Alternative /EF << /F {embeddedFileId} 0 R /UF {embeddedFileId} 0 R >> >>");

        WriteObject(output, start, offsets, infoId,
            $"<< /Title {TextString(info.Title)} /Author {TextString(info.Author)} /Subject {TextString(info.Subject)} " +
            $"/Creator {TextString(info.Creator)} /Producer {TextString(info.Producer)} /CreationDate {modified} /ModDate {modified} >>");

        var kept = string.Concat(catalog.Where(e => !ReplacedCatalogKeys.Contains(e.Key)).Select(e => $"/{e.Key} {e.Value} "));
        WriteObject(output, start, offsets, root,
            $"<< {kept}/Version /1.7 /Metadata {metadataId} 0 R " +
            $"/OutputIntents [ << /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /RegistryName (http://www.color.org) " +
            $"/Info (sRGB IEC61966-2.1) /DestOutputProfile {iccId} 0 R >> ] " +
            $"/Names << /EmbeddedFiles << /Names [ ({FacturXml.FileName}) {fileSpecId} 0 R ] >> >> /AF [ {fileSpecId} 0 R ] >>");

        var xref = start + output.Position;
        var table = new StringBuilder("xref\n");
        // One subsection per run of consecutive object numbers; each entry is exactly 20 bytes.
        foreach (var run in Runs(offsets.Keys))
        {
            table.Append(CultureInfo.InvariantCulture, $"{run[0]} {run.Count}\n");
            foreach (var number in run)
            {
                table.Append(CultureInfo.InvariantCulture, $"{offsets[number]:D10} 00000 n \n");
            }
        }
        table.Append(CultureInfo.InvariantCulture,
            $"trailer\n<< /Size {newSize} /Root {root} 0 R /Info {infoId} 0 R /ID {id} /Prev {xrefOffset} >>\nstartxref\n{xref}\n%%EOF\n");
        output.Write(Encoding.ASCII.GetBytes(table.ToString()));

        var length = start + (int)output.Length;
        var packaged = allocate(length);
        if (packaged.Length < length)
        {
            throw new InvalidOperationException($"An array of {packaged.Length} bytes was given for a PDF of {length}.");
        }
        original.CopyTo(packaged);
        if (newline)
        {
            packaged[original.Length] = (byte)'\n';
        }
        output.GetBuffer().AsSpan(0, (int)output.Length).CopyTo(packaged.AsSpan(start));
        return (packaged, length);
    }

    /// <summary>
    /// The factur-x.xml that <see cref="Package"/> embedded in <paramref name="pdf"/>, or null when the PDF carries
    /// none (a document stored before invoices were Factur-X). Reads only what this class writes.
    /// </summary>
    public static byte[]? ExtractFacturXml(byte[] pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        // Searched as bytes, and only the stream's dictionary decoded to text: the whole PDF as a string would be two
        // large-object allocations per document stored.
        var bytes = pdf.AsSpan();
        var at = bytes.LastIndexOf("/Type /EmbeddedFile /Subtype /text#2Fxml"u8);
        if (at < 0)
        {
            return null;
        }

        var dictionaryStart = bytes[..at].LastIndexOf("<<"u8);
        var keyword = bytes[at..].IndexOf("stream\n"u8);
        if (dictionaryStart < 0 || keyword < 0)
        {
            throw new InvalidOperationException("The embedded factur-x.xml has no stream dictionary.");
        }
        var entries = Dictionary(Encoding.Latin1.GetString(bytes[dictionaryStart..(at + keyword)]), 0);
        var length = int.Parse(entries["Length"], CultureInfo.InvariantCulture);
        var dataStart = at + keyword + "stream\n".Length;
        var data = pdf.AsSpan(dataStart, length).ToArray();
        if (entries.GetValueOrDefault("Filter") != "/FlateDecode")
        {
            return data;
        }

        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }
        return inflated.ToArray();
    }

    /// <summary>
    /// SkiaSharp's PDF/A mode mixes the clock into the document ID (trailer /ID, XMP xmpMM:DocumentID), so the
    /// same invoice would never render to the same bytes. The ID becomes a hash of the content with the ID blanked:
    /// same document, same bytes. SkiaSharp writes the ID as a hex string, or as a literal string when its random
    /// bytes happen to be mostly printable; the trailer's array is rewritten in hex either way. It follows the xref
    /// table, so its length may change without moving any object offset.
    /// </summary>
    internal static string WithStableDocumentId(string pdf)
    {
        var buffer = new byte[pdf.Length + 64];
        var length = WithStableDocumentId(Encoding.Latin1.GetBytes(pdf), buffer);
        return Latin1(buffer.AsSpan(0, length));
    }

    /// <summary>
    /// Copies <paramref name="pdf"/> into <paramref name="into"/> with its document ID made stable (see the string
    /// overload) and returns the length written. Only the trailer's ID array can change length; every other
    /// replacement (the ID as hex, as a UUID, blanked, then the content hash) keeps the length, so it is done in place.
    /// </summary>
    internal static int WithStableDocumentId(ReadOnlySpan<byte> pdf, byte[] into)
    {
        var trailerAt = pdf.LastIndexOf("trailer"u8);
        var trailerStart = trailerAt < 0 ? -1 : IndexOf(pdf, "<<"u8, trailerAt);
        if (trailerStart < 0)
        {
            throw new InvalidOperationException("Not a PDF: no trailer dictionary.");
        }
        var trailerText = Latin1(pdf[trailerStart..]);
        var trailer = Dictionary(trailerText, 0);
        var ids = trailer.TryGetValue("ID", out var array) ? IdStrings(array).Distinct().ToList() : [];
        if (ids.Count == 0)
        {
            pdf.CopyTo(into);
            return pdf.Length;
        }

        var blank = new string('0', 32);
        var arrayStart = trailerStart + trailerText.IndexOf(array!, StringComparison.Ordinal);
        var blankArray = Encoding.ASCII.GetBytes($"[<{blank}> <{blank}>]");
        pdf[..arrayStart].CopyTo(into);
        blankArray.CopyTo(into.AsSpan(arrayStart));
        var tail = pdf[(arrayStart + array!.Length)..];
        tail.CopyTo(into.AsSpan(arrayStart + blankArray.Length));
        var blanked = into.AsSpan(0, arrayStart + blankArray.Length + tail.Length);

        foreach (var id in ids)
        {
            ReplaceIdForms(blanked, id, blank);
        }
        var stable = Convert.ToHexString(MD5.HashData(blanked));
        ReplaceIdForms(blanked, blank, stable);
        return blanked.Length;
    }

    /// <summary>The entries of the trailer's ID array as upper-case hex, whether written as hex or literal strings.</summary>
    internal static IEnumerable<string> IdStrings(string array)
    {
        for (var i = 0; i < array.Length; i++)
        {
            if (array[i] == '<')
            {
                var end = array.IndexOf('>', i);
                yield return array[(i + 1)..end].ToUpperInvariant();
                i = end;
            }
            else if (array[i] == '(')
            {
                var end = StringEnd(array, i);
                yield return Convert.ToHexString(LiteralBytes(array[(i + 1)..(end - 1)]));
                i = end - 1;
            }
        }
    }

    /// <summary>Decodes the body of a PDF literal string (ISO 32000-1 §7.3.4.2 escapes) into its bytes.</summary>
    private static byte[] LiteralBytes(string body)
    {
        var bytes = new List<byte>(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\')
            {
                bytes.Add((byte)body[i]);
                continue;
            }
            var c = body[++i];
            switch (c)
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'b': bytes.Add((byte)'\b'); break;
                case 'f': bytes.Add((byte)'\f'); break;
                case '\r' or '\n':
                    // A backslash before an end of line continues the string on the next line.
                    if (c == '\r' && i + 1 < body.Length && body[i + 1] == '\n')
                    {
                        i++;
                    }
                    break;
                case >= '0' and <= '7':
                    var value = 0;
                    var digits = 0;
                    for (; digits < 3 && i < body.Length && body[i] is >= '0' and <= '7'; digits++, i++)
                    {
                        value = value * 8 + (body[i] - '0');
                    }
                    i--;
                    bytes.Add((byte)value);
                    break;
                default:
                    bytes.Add((byte)c);
                    break;
            }
        }
        return bytes.ToArray();
    }

    /// <summary>
    /// The ID as hex in the trailer and as a lower-case UUID ("uuid:8-4-4-4-12") in SkiaSharp's XMP, replaced in place
    /// wherever it occurs, ignoring case (both forms keep their length).
    /// </summary>
    private static void ReplaceIdForms(Span<byte> pdf, string id, string replacement)
    {
        ReplaceIgnoringCase(pdf, Encoding.ASCII.GetBytes(id), Encoding.ASCII.GetBytes(replacement));
        ReplaceIgnoringCase(pdf, Encoding.ASCII.GetBytes(Uuid(id)), Encoding.ASCII.GetBytes(Uuid(replacement)));
    }

    /// <summary>Every non-overlapping occurrence of the ASCII <paramref name="find"/>, left to right, as string.Replace does.</summary>
    private static void ReplaceIgnoringCase(Span<byte> pdf, ReadOnlySpan<byte> find, ReadOnlySpan<byte> replacement)
    {
        var first = find[0];
        var (lower, upper) = ((byte)char.ToLowerInvariant((char)first), (byte)char.ToUpperInvariant((char)first));
        for (var i = 0; i <= pdf.Length - find.Length;)
        {
            var next = pdf[i..(pdf.Length - find.Length + 1)].IndexOfAny(lower, upper);
            if (next < 0)
            {
                return;
            }
            i += next;
            if (Ascii.EqualsIgnoreCase(pdf.Slice(i, find.Length), find))
            {
                replacement.CopyTo(pdf[i..]);
                i += find.Length;
            }
            else
            {
                i++;
            }
        }
    }

    private static string Uuid(string hex) =>
        $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}".ToLowerInvariant();

    /// <summary>
    /// XMP packet: PDF/A-3B identification, the Dublin Core / XMP / PDF properties mirroring the Info dictionary,
    /// and the Factur-X properties with the PDF/A extension schema that declares them (ISO 19005 requires it).
    /// </summary>
    internal static string Xmp(PdfDocumentInfo info, string conformanceLevel)
    {
        var date = info.Created.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return $"""
            <?xpacket begin="{'\uFEFF'}" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
             <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
              <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
               <pdfaid:part>3</pdfaid:part>
               <pdfaid:conformance>B</pdfaid:conformance>
              </rdf:Description>
              <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
               <dc:format>application/pdf</dc:format>
               <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{Xml(info.Title)}</rdf:li></rdf:Alt></dc:title>
               <dc:creator><rdf:Seq><rdf:li>{Xml(info.Author)}</rdf:li></rdf:Seq></dc:creator>
               <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{Xml(info.Subject)}</rdf:li></rdf:Alt></dc:description>
              </rdf:Description>
              <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
               <xmp:CreatorTool>{Xml(info.Creator)}</xmp:CreatorTool>
               <xmp:CreateDate>{date}</xmp:CreateDate>
               <xmp:ModifyDate>{date}</xmp:ModifyDate>
              </rdf:Description>
              <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
               <pdf:Producer>{Xml(info.Producer)}</pdf:Producer>
              </rdf:Description>
              <rdf:Description rdf:about="" xmlns:fx="{FacturXNamespace}">
               <fx:DocumentType>INVOICE</fx:DocumentType>
               <fx:DocumentFileName>{FacturXml.FileName}</fx:DocumentFileName>
               <fx:Version>1.0</fx:Version>
               <fx:ConformanceLevel>{Xml(conformanceLevel)}</fx:ConformanceLevel>
              </rdf:Description>
              <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
                  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
               <pdfaExtension:schemas>
                <rdf:Bag>
                 <rdf:li rdf:parseType="Resource">
                  <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
                  <pdfaSchema:namespaceURI>{FacturXNamespace}</pdfaSchema:namespaceURI>
                  <pdfaSchema:prefix>fx</pdfaSchema:prefix>
                  <pdfaSchema:property>
                   <rdf:Seq>
            {ExtensionProperty("DocumentFileName", "The name of the embedded XML document")}
            {ExtensionProperty("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER")}
            {ExtensionProperty("Version", "The actual version of the standard applying to the embedded XML document")}
            {ExtensionProperty("ConformanceLevel", "The conformance level of the embedded XML document")}
                   </rdf:Seq>
                  </pdfaSchema:property>
                 </rdf:li>
                </rdf:Bag>
               </pdfaExtension:schemas>
              </rdf:Description>
             </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="w"?>
            """;
    }

    private static string ExtensionProperty(string name, string description) => $"""
                    <rdf:li rdf:parseType="Resource">
                     <pdfaProperty:name>{name}</pdfaProperty:name>
                     <pdfaProperty:valueType>Text</pdfaProperty:valueType>
                     <pdfaProperty:category>external</pdfaProperty:category>
                     <pdfaProperty:description>{description}</pdfaProperty:description>
                    </rdf:li>
        """;

    private static void WriteObject(Stream output, long start, IDictionary<int, long> offsets, int number, string body)
    {
        offsets[number] = start + output.Position;
        output.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{number} 0 obj\n{body}\nendobj\n")));
    }

    private static void WriteStream(Stream output, long start, IDictionary<int, long> offsets, int number, string entries, byte[] data, bool compress) =>
        WriteEncodedStream(output, start, offsets, number, entries, compress ? Deflate(data) : data, compressed: compress);

    private static void WriteEncodedStream(Stream output, long start, IDictionary<int, long> offsets, int number, string entries, byte[] bytes, bool compressed)
    {
        offsets[number] = start + output.Position;
        var filter = compressed ? " /Filter /FlateDecode" : "";
        output.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{number} 0 obj\n<< {entries}{filter} /Length {bytes.Length} >>\nstream\n")));
        output.Write(bytes);
        output.Write("\nendstream\nendobj\n"u8);
    }

    private static byte[] Deflate(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }
        return buffer.ToArray();
    }

    private static readonly Lazy<byte[]> CompressedProfile = new(() => Deflate(SrgbProfile.Bytes));

    private static IEnumerable<List<int>> Runs(IEnumerable<int> numbers)
    {
        List<int>? run = null;
        foreach (var number in numbers)
        {
            if (run is not null && number == run[^1] + 1)
            {
                run.Add(number);
                continue;
            }
            if (run is not null)
            {
                yield return run;
            }
            run = [number];
        }
        if (run is not null)
        {
            yield return run;
        }
    }

    /// <summary>PDF text string in UTF-16BE with byte-order mark, so accents and dashes survive in every reader.</summary>
    internal static string TextString(string text) =>
        "<FEFF" + Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(text)) + ">";

    private static string PdfDate(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        return string.Create(CultureInfo.InvariantCulture,
            $"(D:{date:yyyyMMddHHmmss}{sign}{Math.Abs(offset.Hours):D2}'{Math.Abs(offset.Minutes):D2}')");
    }

    private static string Xml(string text) => System.Security.SecurityElement.Escape(text);

    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static int IndexOf(ReadOnlySpan<byte> pdf, ReadOnlySpan<byte> value, int from)
    {
        var at = pdf[from..].IndexOf(value);
        return at < 0 ? -1 : from + at;
    }

    private static int StartXref(ReadOnlySpan<byte> pdf)
    {
        var at = pdf.LastIndexOf("startxref"u8);
        if (at < 0)
        {
            throw new InvalidOperationException("Not a PDF: no startxref.");
        }
        var tail = Latin1(pdf[(at + "startxref".Length)..]);
        return int.Parse(Integer().Match(tail).Value, CultureInfo.InvariantCulture);
    }

    private static int ObjectNumber(string reference) => int.Parse(reference.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);

    /// <summary>Offset of an object from the (single, SkiaSharp-written) xref section, given as the text between "xref" and "trailer".</summary>
    private static int ObjectOffset(string section, int number)
    {
        var lines = section.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length;)
        {
            var header = lines[i].Trim().Split(' ');
            var first = int.Parse(header[0], CultureInfo.InvariantCulture);
            var count = int.Parse(header[1], CultureInfo.InvariantCulture);
            if (number >= first && number < first + count)
            {
                var entry = lines[i + 1 + number - first].Trim().Split(' ');
                return entry[2] == "n"
                    ? int.Parse(entry[0], CultureInfo.InvariantCulture)
                    : throw new InvalidOperationException($"Object {number} is free in the xref table.");
            }
            i += 1 + count;
        }
        throw new InvalidOperationException($"Object {number} is not in the xref table.");
    }

    /// <summary>Top-level entries of the dictionary starting at <paramref name="start"/>, values kept as written.</summary>
    internal static Dictionary<string, string> Dictionary(string pdf, int start)
    {
        if (start < 0 || string.CompareOrdinal(pdf, start, "<<", 0, 2) != 0)
        {
            throw new InvalidOperationException("Expected a PDF dictionary.");
        }
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = start + 2;
        while (true)
        {
            i = SkipWhitespace(pdf, i);
            if (string.CompareOrdinal(pdf, i, ">>", 0, 2) == 0)
            {
                return entries;
            }
            if (pdf[i] != '/')
            {
                throw new InvalidOperationException($"Expected a name key at offset {i}.");
            }
            var keyEnd = i + 1;
            while (keyEnd < pdf.Length && !IsDelimiter(pdf[keyEnd]) && !char.IsWhiteSpace(pdf[keyEnd]))
            {
                keyEnd++;
            }
            var key = pdf[(i + 1)..keyEnd];
            var valueStart = SkipWhitespace(pdf, keyEnd);
            var valueEnd = ValueEnd(pdf, valueStart);
            entries[key] = pdf[valueStart..valueEnd].Trim();
            i = valueEnd;
        }
    }

    /// <summary>End of one PDF value: a balanced dictionary, array or string, a name, or a run of plain tokens ("12 0 R").</summary>
    private static int ValueEnd(string pdf, int i)
    {
        switch (pdf[i])
        {
            case '<' when pdf[i + 1] == '<':
            case '[':
            case '(':
                return BalancedEnd(pdf, i);
            case '<':
                return pdf.IndexOf('>', i) + 1;
            case '/':
                var end = i + 1;
                while (end < pdf.Length && !IsDelimiter(pdf[end]) && !char.IsWhiteSpace(pdf[end]))
                {
                    end++;
                }
                return end;
            default:
                // Numbers, booleans, null or an indirect reference: up to the next key or the dictionary's end.
                var stop = i;
                while (stop < pdf.Length && pdf[stop] != '/' && string.CompareOrdinal(pdf, stop, ">>", 0, 2) != 0)
                {
                    stop++;
                }
                return stop;
        }
    }

    private static int BalancedEnd(string pdf, int i)
    {
        var depth = 0;
        while (i < pdf.Length)
        {
            var c = pdf[i];
            if (c == '(')
            {
                i = StringEnd(pdf, i);
                if (depth == 0)
                {
                    return i;
                }
                continue;
            }
            if (c == '<' && pdf[i + 1] != '<')
            {
                // A hex string: its closing '>' must not be mistaken for the end of a dictionary.
                i = pdf.IndexOf('>', i) + 1;
                continue;
            }
            if (c == '<' && pdf[i + 1] == '<')
            {
                depth++;
                i += 2;
                continue;
            }
            if (c == '>' && pdf[i + 1] == '>')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
                continue;
            }
            if (c == '[')
            {
                depth++;
            }
            else if (c == ']')
            {
                depth--;
                if (depth == 0)
                {
                    return i + 1;
                }
            }
            i++;
        }
        throw new InvalidOperationException("Unbalanced PDF value.");
    }

    /// <summary>End of a literal string, honouring escapes and nested parentheses.</summary>
    private static int StringEnd(string pdf, int i)
    {
        var depth = 0;
        for (; i < pdf.Length; i++)
        {
            switch (pdf[i])
            {
                case '\\':
                    i++;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    if (depth == 0)
                    {
                        return i + 1;
                    }
                    break;
            }
        }
        throw new InvalidOperationException("Unterminated PDF string.");
    }

    private static int SkipWhitespace(string pdf, int i)
    {
        while (i < pdf.Length && (char.IsWhiteSpace(pdf[i]) || pdf[i] == '\0'))
        {
            i++;
        }
        return i;
    }

    private static bool IsDelimiter(char c) => c is '(' or ')' or '<' or '>' or '[' or ']' or '{' or '}' or '/' or '%';

    [GeneratedRegex(@"\d+")]
    private static partial Regex Integer();
}
