using System.Buffers;
using LicenceOps.Billing.Documents;

namespace LicenceOps.UnitTests.Billing.Documents;

/// <summary>
/// An invoice run renders each PDF into a pooled buffer and stores it from there (feat/i16gc, <see cref="RenderedPdf"/>): the bytes
/// must be the ones the array path renders, whatever the buffer held before and however much longer it is than the PDF.
/// </summary>
public sealed class PooledPdfRenderingTests
{
    private readonly SkiaInvoiceRenderer renderer = new();

    [Test]
    public void A_pooled_rendering_is_byte_for_byte_the_array_rendering_even_in_a_reused_buffer()
    {
        foreach (var invoice in new[] { SampleInvoices.French(lineCount: 4), SampleInvoices.French(lineCount: 90) })
        {
            var expected = renderer.RenderInvoicePdf(invoice);
            // Twice: the second takes a buffer the first gave back, holding the first's bytes (or another test's).
            for (var attempt = 0; attempt < 2; attempt++)
            {
                using var pooled = renderer.RenderInvoicePdfPooled(invoice);
                Assert.That(pooled.Length, Is.EqualTo(expected.Length));
                Assert.That(pooled.Span.SequenceEqual(expected), Is.True, $"{invoice.Lines.Count} lines, attempt {attempt + 1}");
                Assert.That(pooled.Memory.ToArray(), Is.EqualTo(expected));
                Assert.That(pooled.ToArray(), Is.EqualTo(expected));
            }
        }
    }

    [Test]
    public void A_rented_pdf_is_the_start_of_its_buffer_and_gives_the_buffer_back_once()
    {
        var rented = ArrayPool<byte>.Shared.Rent(1000);
        rented.AsSpan().Fill(0xAA);
        "%PDF-1.7"u8.CopyTo(rented);
        var pdf = RenderedPdf.Rented(rented, 8);

        Assert.That(pdf.Span.ToArray(), Is.EqualTo("%PDF-1.7"u8.ToArray()));
        Assert.That(pdf.ToArray(), Is.Not.SameAs(rented), "a copy of its exact length");
        pdf.Dispose();
        pdf.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = pdf.Span.Length, "not readable once given back");
        Assert.Throws<ObjectDisposedException>(() => _ = pdf.Memory);
    }

    [Test]
    public void A_pdf_of_its_own_array_is_handed_over_without_a_copy()
    {
        var bytes = "%PDF-1.7 whole"u8.ToArray();
        using var pdf = RenderedPdf.Of(bytes);

        Assert.That(pdf.ToArray(), Is.SameAs(bytes));
        Assert.That(pdf.Length, Is.EqualTo(bytes.Length));
        Assert.Throws<ArgumentOutOfRangeException>(() => RenderedPdf.Rented(new byte[4], 5));
    }

    /// <summary>A renderer without a pooled path (a test double, a decorator) still answers the run: its array, handed over.</summary>
    [Test]
    public void A_renderer_without_a_pooled_path_hands_over_its_array()
    {
        IDocumentRenderer plain = new ArrayOnlyRenderer();
        using var pdf = plain.RenderInvoicePdfPooled(SampleInvoices.French(lineCount: 1));

        Assert.That(pdf.ToArray(), Is.SameAs(ArrayOnlyRenderer.Bytes));
    }

    private sealed class ArrayOnlyRenderer : IDocumentRenderer
    {
        public static readonly byte[] Bytes = "%PDF-1.7 fake"u8.ToArray();

        public byte[] RenderInvoicePdf(InvoiceDocument document) => Bytes;

        public byte[] RenderFacturXml(InvoiceDocument document) => [];
    }
}
