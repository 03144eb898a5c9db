using System.Buffers;

namespace LicenceOps.Billing.Documents;

/// <summary>
/// A rendered PDF in a buffer rented from <see cref="ArrayPool{T}.Shared"/> (<see cref="IDocumentRenderer.RenderInvoicePdfPooled"/>),
/// for a caller that stores it and lets it go: an invoice run. The run keeps each PDF from its rendering until the transaction that
/// stores it commits (up to 32 of them, ADR 0068), so as fresh arrays they were what survived the run's gen-0 collections: the
/// collector copied them into gen 1 and, sizing gen 0 from what survives it, let 3–4 times the floor's fresh memory pile up between
/// two collections, memory the runtime clears and the kernel faults in (docs/performance.md, feat/i16gc). A pooled buffer is an
/// old array written again: nothing of it is new. <see cref="Dispose"/> gives it back, once nothing reads it any more; one never
/// disposed is only collected, as any array.
/// </summary>
public sealed class RenderedPdf : IDisposable
{
    private byte[]? buffer;
    private readonly bool pooled;

    private RenderedPdf(byte[] buffer, int length, bool pooled)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
        this.buffer = buffer;
        this.pooled = pooled;
        Length = length;
    }

    /// <summary>The PDF's first <paramref name="length"/> bytes of <paramref name="rented"/>, an array of the shared pool, returned to it on dispose.</summary>
    public static RenderedPdf Rented(byte[] rented, int length) => new(rented, length, pooled: true);

    /// <summary>A PDF rendered into an array of its own (a renderer without a pooled path): nothing to give back.</summary>
    public static RenderedPdf Of(byte[] pdf) => new(pdf, pdf.Length, pooled: false);

    /// <summary>Its length in bytes.</summary>
    public int Length { get; }

    /// <summary>The PDF's bytes, until disposed.</summary>
    public ReadOnlySpan<byte> Span => (buffer ?? throw new ObjectDisposedException(nameof(RenderedPdf))).AsSpan(0, Length);

    /// <summary>The PDF's bytes, until disposed.</summary>
    public ReadOnlyMemory<byte> Memory => (buffer ?? throw new ObjectDisposedException(nameof(RenderedPdf))).AsMemory(0, Length);

    /// <summary>The PDF in an array of its exact length (a copy, unless it was rendered into one).</summary>
    public byte[] ToArray() => buffer is { } array && !pooled && array.Length == Length ? array : Span.ToArray();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref buffer, null) is { } array && pooled)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
