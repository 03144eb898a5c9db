using LicenceOps.Billing.Documents;

namespace LicenceOps.Bench;

/// <summary>
/// The product's renderer, with the CPU of each PDF rendering counted: the calling thread's CPU clock
/// (CLOCK_THREAD_CPUTIME_ID) read around <see cref="IDocumentRenderer.RenderInvoicePdf"/>, which runs on one thread from
/// start to end. The bench registers it in place of the product's own (AddBillingDocuments keeps a renderer registered
/// before it), so the run's renders and the floor's go through the same counter. Why: the same renders cost 3.4–5.9 ms of
/// CPU per invoice from one run to the next on this VM (feat/i16pa), and the run and its floor are measured in different
/// half-minutes, so "CPU beyond rendering" (run CPU − floor CPU) carried the machine's drift whole. With the renders timed
/// in both, a run whose renders cost more than its floor's (a slower machine, not slower code) shows as such, and the CPU
/// outside rendering is read without the drift.
/// </summary>
internal sealed class TimedRenderer(IDocumentRenderer inner) : IDocumentRenderer
{
    private long nanoseconds;
    private long calls;

    /// <summary>Thread CPU spent in PDF renderings so far, and their number (every thread, every phase).</summary>
    public (long Nanoseconds, long Calls) Total => (Interlocked.Read(ref nanoseconds), Interlocked.Read(ref calls));

    public byte[] RenderInvoicePdf(InvoiceDocument document) => Timed(inner.RenderInvoicePdf, document);

    // The run's renderings (into a pooled buffer, feat/i16gc), timed the same way.
    public RenderedPdf RenderInvoicePdfPooled(InvoiceDocument document) => Timed(inner.RenderInvoicePdfPooled, document);

    private T Timed<T>(Func<InvoiceDocument, T> render, InvoiceDocument document)
    {
        var start = CpuClock.ThreadNanoseconds();
        try
        {
            return render(document);
        }
        finally
        {
            Interlocked.Add(ref nanoseconds, CpuClock.ThreadNanoseconds() - start);
            Interlocked.Increment(ref calls);
        }
    }

    // Not a PDF rendering: not counted (the run never calls it; the XML is taken out of the stored PDF on download).
    public byte[] RenderFacturXml(InvoiceDocument document) => inner.RenderFacturXml(document);
}
