using System.Security.Cryptography;
using System.Threading.Channels;
using LicenceOps.Billing.Documents;
using LicenceOps.Platform.Data;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Billing.Features.Invoices;

/// <summary>An issued document's stored PDF and the hash that identifies its bytes.</summary>
public sealed record StoredDocument(Guid InvoiceId, string ContentType, string Sha256, byte[] Content);

/// <summary>
/// Issued documents are immutable, so their PDF is rendered once (through <see cref="IDocumentRenderer"/>, the one
/// rendering interface) and stored with its SHA-256; downloads serve the stored bytes. Rendering happens after the
/// issuing transaction, never inside it: the write lock that numbering needs is held for milliseconds, not for a
/// render. A document whose PDF is missing (issued before this store existed, or the process died between issuing
/// and storing) is rendered on its first download; the first stored copy wins and is served ever after.
/// </summary>
public sealed partial class InvoiceDocuments(
    ModuleDatabase<BillingModule> database, InvoiceStore store, IDocumentRenderer renderer, ILogger<InvoiceDocuments> logger)
{
    public const string PdfContentType = "application/pdf";

    private readonly ILogger<InvoiceDocuments> log = logger;

    /// <summary>The stored document's hash, without reading its bytes (for If-None-Match), or null when none is stored.</summary>
    public Task<string?> HashAsync(Guid invoiceId, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<string?>("SELECT sha256 FROM invoice_documents WHERE invoice_id = @invoiceId", new { invoiceId }, ct);

    public Task<StoredDocument?> FindAsync(Guid invoiceId, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<StoredDocument>(
            "SELECT invoice_id AS InvoiceId, content_type AS ContentType, sha256 AS Sha256, content AS Content FROM invoice_documents WHERE invoice_id = @invoiceId",
            new { invoiceId }, ct);

    /// <summary>The stored PDF of an issued document, rendering and storing it first when it is missing.</summary>
    public async Task<StoredDocument> GetOrRenderAsync(InvoiceRow issued, CancellationToken ct)
    {
        if (issued.Number is null)
        {
            throw new InvalidOperationException($"Invoice {issued.Id} is a draft: only issued documents have a stored PDF.");
        }
        return await FindAsync(issued.Id, ct) ?? await RenderAndStoreAsync(issued, ct);
    }

    /// <summary>Renders and stores the PDF of issued document <paramref name="invoiceId"/> unless it is stored already.</summary>
    public async Task EnsureStoredAsync(Guid invoiceId, CancellationToken ct)
    {
        if (await HashAsync(invoiceId, ct) is not null)
        {
            return;
        }
        var invoice = await database.QuerySingleOrDefaultAsync<InvoiceRow>(
            $"SELECT {InvoiceRow.Columns} FROM invoices WHERE id = @invoiceId", new { invoiceId }, ct);
        if (invoice?.Number is not null)
        {
            await RenderAndStoreAsync(invoice, ct);
        }
    }

    /// <summary>
    /// Renders issued documents on every core while the caller keeps issuing: <see cref="RenderQueue.Add"/> after each
    /// issue, <see cref="RenderQueue.CompleteAsync"/> at the end. The queue is bounded, so a caller that issues faster
    /// than the cores render waits instead of holding every document in memory.
    /// </summary>
    public RenderQueue StartRendering(CancellationToken ct) => new(this, Environment.ProcessorCount, ct);

    private async Task<StoredDocument> RenderAndStoreAsync(InvoiceRow issued, CancellationToken ct)
    {
        var document = InvoiceDocumentMapper.Map(issued, await store.LinesAsync(issued.Id, ct), await store.RatesAsync(issued.Id, ct),
            await store.CreditedReferenceAsync(issued, ct));
        var pdf = renderer.RenderInvoicePdf(document);
        var sha = Convert.ToHexStringLower(SHA256.HashData(pdf));
        await database.WriteAsync(uow => uow.ExecuteAsync(
            """
            INSERT INTO invoice_documents (invoice_id, content_type, sha256, byte_length, content, rendered_at)
            SELECT @invoiceId, @contentType, @sha, @length, @pdf, @now
            WHERE NOT EXISTS (SELECT 1 FROM invoice_documents WHERE invoice_id = @invoiceId)
            """,
            new { invoiceId = issued.Id, contentType = PdfContentType, sha, length = pdf.Length, pdf, now = uow.Now }), ct);
        // Another request may have stored its rendering first: serve whichever copy is stored, always the same one.
        return (await FindAsync(issued.Id, ct))!;
    }

    /// <summary>Parallel renderers fed by the (serial) issuing loop.</summary>
    public sealed class RenderQueue
    {
        private readonly Channel<Guid> pending;
        private readonly Task[] workers;

        internal RenderQueue(InvoiceDocuments documents, int parallelism, CancellationToken ct)
        {
            pending = Channel.CreateBounded<Guid>(new BoundedChannelOptions(parallelism * 8) { SingleWriter = true });
            workers = Enumerable.Range(0, parallelism).Select(_ => Task.Run(async () =>
            {
                await foreach (var invoiceId in pending.Reader.ReadAllAsync(ct))
                {
                    try
                    {
                        await documents.EnsureStoredAsync(invoiceId, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // The invoice is issued either way; its PDF will be rendered on first download.
                        LogRenderFailed(documents.log, invoiceId, e);
                    }
                }
            }, ct)).ToArray();
        }

        public ValueTask Add(Guid invoiceId, CancellationToken ct) => pending.Writer.WriteAsync(invoiceId, ct);

        public async Task CompleteAsync()
        {
            pending.Writer.TryComplete();
            await Task.WhenAll(workers);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rendering the PDF of issued invoice {InvoiceId} failed; it will be rendered on first download.")]
    private static partial void LogRenderFailed(ILogger logger, Guid invoiceId, Exception exception);
}
