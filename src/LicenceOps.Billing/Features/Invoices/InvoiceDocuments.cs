using System.Collections.Concurrent;
using System.Security.Cryptography;
using LicenceOps.Billing.Documents;
using LicenceOps.Billing.Documents.FacturX;
using LicenceOps.Platform.Data;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Billing.Features.Invoices;

/// <summary>An issued document's stored PDF and the hash that identifies its bytes.</summary>
public sealed record StoredDocument(Guid InvoiceId, string ContentType, string Sha256, byte[] Content);

/// <summary>What a PDF download needs: whose document it is, its number (null for a draft), and its stored PDF's hash.</summary>
public sealed record PdfDownload(Guid InvoiceId, Guid TenantId, string? Number, string Status, string? Sha256);

/// <summary>
/// An issued document as the transaction that issued it read and wrote it: what its PDF is printed from. An invoice run hands
/// these to its renderers so they do not read each document back (ADR 0064).
/// </summary>
public sealed record IssuedDocument(InvoiceRow Invoice, IReadOnlyList<InvoiceLineRow> Lines, IReadOnlyList<InvoiceRateRow> Rates);

/// <summary>
/// A document an invoice run hands to its renderers (<see cref="Features.Runs.InvoiceRunWorkers"/>): its id, and the rows it is printed from when the caller has them
/// from the committed transaction that issued it; without them the renderer reads the document (and skips one already stored).
/// </summary>
public sealed record RenderRequest(Guid InvoiceId, IssuedDocument? Issued = null);

/// <summary>An issued document's stored factur-x.xml (the attachment inside its PDF) and the hash of those bytes.</summary>
public sealed record StoredFacturXml(string Sha256, byte[] Content);

/// <summary>
/// Issued documents are immutable, so their PDF is rendered once (through <see cref="IDocumentRenderer"/>, the one
/// rendering interface) and stored with its SHA-256 (on embedded SQLite the bytes in the append-only pack beside the
/// database, the row naming them: ADR 0099); downloads serve the stored bytes. Rendering happens after the
/// issuing transaction, never inside it: the write lock that numbering needs is held for milliseconds, not for a
/// render. A document whose PDF is missing (issued before this store existed, or the process died between issuing
/// and storing) is rendered on its first download; the first stored copy wins and is served ever after.
/// </summary>
public sealed partial class InvoiceDocuments(
    ModuleDatabase<BillingModule> database, InvoiceStore store, IDocumentRenderer renderer, ILogger<InvoiceDocuments> logger) : IDisposable
{
    public const string PdfContentType = "application/pdf";

    /// <summary>
    /// ADR 0099: an embedded Billing database keeps its PDFs in an append-only file beside it; null on SQL
    /// Server (the column keeps them) and for an in-memory database.
    /// </summary>
    private readonly DocumentPack? pack = CreatePack(database);

    private static DocumentPack? CreatePack(ModuleDatabase<BillingModule> database)
    {
        if (database.SqliteFilePath is not { } file)
        {
            return null;
        }
        var pack = new DocumentPack(DocumentPack.PathFor(file));
        database.SyncBeforeCheckpoint(pack.Sync);
        return pack;
    }

    public void Dispose() => pack?.Dispose();

    /// <summary>Bounds <see cref="downloads"/>: past this many documents it starts again from empty.</summary>
    private const int MaxCachedDownloads = 100_000;

    private readonly ILogger<InvoiceDocuments> log = logger;

    // Issued and stored documents never change owner, number or bytes, so what a download needs is read once per
    // document, not on every download; drafts and documents without a stored PDF are never cached.
    private readonly ConcurrentDictionary<Guid, PdfDownload> downloads = new();

    /// <summary>The tenant's document <paramref name="invoiceId"/> as a download sees it, or null when the tenant has no such document.</summary>
    public async Task<PdfDownload?> FindDownloadAsync(Guid tenantId, Guid invoiceId, CancellationToken ct)
    {
        if (downloads.TryGetValue(invoiceId, out var cached))
        {
            return cached.TenantId == tenantId ? cached : null;
        }

        var found = await database.QuerySingleOrDefaultAsync<PdfDownload>(
            """
            SELECT i.id AS InvoiceId, i.tenant_id AS TenantId, i.number AS Number, i.status AS Status, d.sha256 AS Sha256
            FROM invoices i LEFT JOIN invoice_documents d ON d.invoice_id = i.id
            WHERE i.id = @invoiceId AND i.tenant_id = @tenantId
            """,
            new { invoiceId, tenantId }, ct);
        if (found is { Number: not null, Sha256: not null })
        {
            if (downloads.Count >= MaxCachedDownloads)
            {
                downloads.Clear();
            }
            downloads[invoiceId] = found;
        }
        return found;
    }

    /// <summary>
    /// The stored PDF bytes of a document (the database is their record, on embedded SQLite with the bytes in the pack beside it,
    /// ADR 0099; <see cref="DocumentFiles"/> serves copies).
    /// </summary>
    public async Task<byte[]> ContentAsync(Guid invoiceId, CancellationToken ct) =>
        (await FindAsync(invoiceId, ct))?.Content ?? throw new InvalidOperationException($"Invoice {invoiceId} has no stored PDF.");

    /// <summary>The stored document's hash, without reading its bytes (for If-None-Match), or null when none is stored.</summary>
    public Task<string?> HashAsync(Guid invoiceId, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<string?>("SELECT sha256 FROM invoice_documents WHERE invoice_id = @invoiceId", new { invoiceId }, ct);

    /// <summary>
    /// The stored PDF of a document, or null when none is stored. Bytes kept in the pack (ADR 0099) are read from it and checked
    /// against the row's hash; bytes that fail it (a power loss, a pack not restored with its database) are printed again from the
    /// document's stored rows, which print the same bytes (ADR 0064), and appended again.
    /// </summary>
    public async Task<StoredDocument?> FindAsync(Guid invoiceId, CancellationToken ct)
    {
        var row = await database.QuerySingleOrDefaultAsync<StoredRow>(
            "SELECT content_type AS ContentType, sha256 AS Sha256, byte_length AS ByteLength, pack_offset AS PackOffset, content AS Content FROM invoice_documents WHERE invoice_id = @invoiceId",
            new { invoiceId }, ct);
        if (row is null)
        {
            return null;
        }
        if (row.PackOffset is not { } offset)
        {
            return new StoredDocument(invoiceId, row.ContentType, row.Sha256, row.Content);
        }
        var bytes = pack?.Read(offset, checked((int)row.ByteLength));
        if (bytes is not null && Convert.ToHexStringLower(SHA256.HashData(bytes)).Equals(row.Sha256, StringComparison.Ordinal))
        {
            return new StoredDocument(invoiceId, row.ContentType, row.Sha256, bytes);
        }
        return new StoredDocument(invoiceId, row.ContentType, row.Sha256, await ReprintAsync(invoiceId, row.Sha256, ct));
    }

    private sealed record StoredRow(string ContentType, string Sha256, long ByteLength, long? PackOffset, byte[] Content);

    /// <summary>
    /// The PDF of a stored document whose packed bytes are missing or damaged, printed again from its stored rows and appended
    /// again; refused when the rows no longer print the stored bytes (a renderer changed since), which an operator must see.
    /// </summary>
    private async Task<byte[]> ReprintAsync(Guid invoiceId, string sha256, CancellationToken ct)
    {
        if (pack is null)
        {
            // A row naming a pack, read where there is none (an in-memory or SQL Server database): nothing to append to.
            throw new InvalidOperationException($"The stored PDF of invoice {invoiceId} is in a document pack this database has none of.");
        }
        var issued = await database.QuerySingleOrDefaultAsync<InvoiceRow>(
            $"SELECT {InvoiceRow.Columns} FROM invoices WHERE id = @invoiceId", new { invoiceId }, ct)
            ?? throw new InvalidOperationException($"Invoice {invoiceId} has a stored PDF but no invoice row.");
        var rendered = await RenderAsync(issued, ct, pooled: false);
        if (!rendered.Sha256.Equals(sha256, StringComparison.Ordinal))
        {
            LogReprintDiffers(log, invoiceId, sha256, rendered.Sha256);
            throw new InvalidOperationException($"The stored PDF of invoice {invoiceId} is lost from {pack.Path} and its rows now print other bytes.");
        }
        LogReprinted(log, invoiceId, pack.Path);
        await database.WriteAsync(async uow =>
        {
            var offset = pack.Append([rendered.Pdf.Memory]);
            await uow.ExecuteAsync("UPDATE invoice_documents SET pack_offset = @offset WHERE invoice_id = @invoiceId AND sha256 = @sha256",
                new { offset, invoiceId, sha256 });
        }, ct);
        return rendered.Pdf.ToArray();
    }

    /// <summary>The stored factur-x.xml's hash, without reading its bytes (for If-None-Match), or null when none is stored.</summary>
    public Task<string?> FacturXmlHashAsync(Guid invoiceId, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<string?>("SELECT facturx_sha256 FROM invoice_documents WHERE invoice_id = @invoiceId", new { invoiceId }, ct);

    /// <summary>
    /// The stored factur-x.xml of an issued document. It is not stored at issue: it is the attachment of the stored PDF,
    /// so its first download takes it from there once (or, for a PDF that predates Factur-X, renders it from the same
    /// stored data by <paramref name="renderXml"/>) and stores it, and later downloads never parse the PDF again. Storing
    /// it with every issued PDF wrote its 29 KB uncompressed (the PDF carries it deflated) for each invoice of a run, a
    /// third of what the run stored per invoice, for a download few invoices ever get (docs/performance.md, feat/i16y).
    /// </summary>
    public async Task<StoredFacturXml> GetOrStoreFacturXmlAsync(InvoiceRow issued, Func<Task<byte[]>> renderXml, CancellationToken ct)
    {
        var stored = await database.QuerySingleOrDefaultAsync<StoredFacturXml>(
            "SELECT facturx_sha256 AS Sha256, facturx_xml AS Content FROM invoice_documents WHERE invoice_id = @invoiceId AND facturx_xml IS NOT NULL",
            new { invoiceId = issued.Id }, ct);
        if (stored is not null)
        {
            return stored;
        }

        var pdf = await GetOrRenderAsync(issued, ct);
        var xml = PdfA3Packager.ExtractFacturXml(pdf.Content) ?? await renderXml();
        var sha = Convert.ToHexStringLower(SHA256.HashData(xml));
        // Conditional: a concurrent first download may have stored the same bytes already; either copy is identical.
        await database.WriteAsync(uow => uow.ExecuteAsync(
            "UPDATE invoice_documents SET facturx_xml = @xml, facturx_sha256 = @sha WHERE invoice_id = @invoiceId AND facturx_xml IS NULL",
            new { invoiceId = issued.Id, xml, sha }), ct);
        return new StoredFacturXml(sha, xml);
    }

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
        if (await RenderUnlessStoredAsync(invoiceId, ct) is { } rendered)
        {
            using (rendered.Pdf)
            {
                await StoreAsync(rendered, ct);
            }
        }
    }

    /// <summary>The PDF of issued document <paramref name="invoiceId"/>, rendered, or null when it is stored already (or not issued).</summary>
    private async Task<RenderedDocument?> RenderUnlessStoredAsync(Guid invoiceId, CancellationToken ct)
    {
        // One read, not a hash lookup and then the row: every invoice of a run passes here, and each read takes a
        // pooled connection and prepares its statement afresh.
        var invoice = await database.QuerySingleOrDefaultAsync<InvoiceRow>(
            $"""
             SELECT {InvoiceRow.Columns} FROM invoices
             WHERE id = @invoiceId AND NOT EXISTS (SELECT 1 FROM invoice_documents WHERE invoice_id = @invoiceId)
             """, new { invoiceId }, ct);
        return invoice?.Number is null ? null : await RenderAsync(invoice, ct);
    }

    private async Task<RenderedDocument> RenderAsync(InvoiceRow issued, CancellationToken ct, bool pooled = true) =>
        Render(issued, await store.LinesAsync(issued.Id, ct), await store.RatesAsync(issued.Id, ct), await store.CreditedReferenceAsync(issued, ct), pooled);

    /// <summary>
    /// Renders a document to store. <paramref name="pooled"/>: into a pooled buffer (<see cref="RenderedPdf"/>) that the caller
    /// disposes once it stored it, as an invoice run does; else into an array of its own, for a caller that serves the bytes.
    /// </summary>
    private RenderedDocument Render(InvoiceRow issued, IReadOnlyList<InvoiceLineRow> lines, IReadOnlyList<InvoiceRateRow> rates, CreditedInvoiceReference? credited, bool pooled = true)
    {
        var document = InvoiceDocumentMapper.Map(issued, lines, rates, credited);
        // Only the PDF is stored: its factur-x.xml is taken out of it on the XML's first download (GetOrStoreFacturXmlAsync).
        var pdf = pooled ? renderer.RenderInvoicePdfPooled(document) : RenderedPdf.Of(renderer.RenderInvoicePdf(document));
        return new RenderedDocument(issued.Id, pdf, Convert.ToHexStringLower(SHA256.HashData(pdf.Span)));
    }

    /// <summary>
    /// The PDF of a document handed over by the transaction that issued it, rendered from those rows without reading it back.
    /// A credit note, which also prints the number of the invoice it corrects, is read as before (credit notes are rare).
    /// No stored copy is looked for: none can predate the commit that issued it, and one stored since (a first download)
    /// wins over this one at insert (ON CONFLICT DO NOTHING).
    /// </summary>
    private async Task<RenderedDocument?> RenderAsync(RenderRequest request, CancellationToken ct) =>
        request.Issued is { Invoice.CreditedInvoiceId: null } issued
            ? Render(issued.Invoice, issued.Lines, issued.Rates, null)
            : await RenderUnlessStoredAsync(request.InvoiceId, ct);

    /// <summary>Stores a rendering unless a copy is stored already (the first stored copy wins); true when this one was stored.</summary>
    /// <remarks>The bytes are bound from where they lie (a pooled buffer longer than the PDF: <see cref="UnitOfWork.ExecuteWithBlobAsync"/>).</remarks>
    /// <remarks><paramref name="packOffset"/>: where <see cref="pack"/> holds the bytes (appended by the caller in this transaction); the
    /// row's content is then empty.</remarks>
    private static async Task<bool> InsertAsync(UnitOfWork uow, RenderedDocument rendered, long? packOffset = null) =>
        await uow.ExecuteWithBlobAsync(uow.Dialect == SqlDialect.Sqlite ? SqliteInsertSql : SqlServerInsertSql,
            packOffset is null ? rendered.Pdf.Memory : ReadOnlyMemory<byte>.Empty, "@pdf",
            new { invoiceId = rendered.InvoiceId, contentType = PdfContentType, sha = rendered.Sha256, length = rendered.Pdf.Length, packOffset, now = uow.Now }) == 1;

    // SQLite: a one-row insert that leaves an existing row alone. An INSERT … SELECT may insert several rows, so inside the
    // writer's transaction of several documents SQLite kept a statement journal for each one (to undo that statement alone),
    // and with a 50 KB row it spilled past its 64 KiB in memory to a temporary file (/var/tmp/etilqs_*): each PDF's pages
    // were written there as well as to the WAL (docs/performance.md, feat/i16y). A VALUES insert of one row needs no statement
    // journal. ON CONFLICT names the key, so any other constraint still fails loudly.
    private const string SqliteInsertSql =
        """
        INSERT INTO invoice_documents (invoice_id, content_type, sha256, byte_length, content, pack_offset, rendered_at)
        VALUES (@invoiceId, @contentType, @sha, @length, @pdf, @packOffset, @now)
        ON CONFLICT (invoice_id) DO NOTHING
        """;

    private const string SqlServerInsertSql =
        """
        INSERT INTO invoice_documents (invoice_id, content_type, sha256, byte_length, content, pack_offset, rendered_at)
        SELECT @invoiceId, @contentType, @sha, @length, @pdf, @packOffset, @now
        WHERE NOT EXISTS (SELECT 1 FROM invoice_documents WHERE invoice_id = @invoiceId)
        """;

    private Task<bool> StoreAsync(RenderedDocument rendered, CancellationToken ct) =>
        database.WriteAsync(uow => InsertAsync(uow, rendered, pack?.Append([rendered.Pdf.Memory])), ct);

    /// <summary>
    /// Stores several renderings in one transaction. With a pack, their bytes are appended first, in one write, under the
    /// transaction's write lock; a row that finds a copy stored already leaves its bytes unnamed in the pack (first copy wins).
    /// </summary>
    private Task StoreAllAsync(IReadOnlyList<RenderedDocument> rendered, CancellationToken ct) =>
        database.WriteAsync(async uow =>
        {
            long? offset = null;
            if (pack is not null)
            {
                var buffers = new ReadOnlyMemory<byte>[rendered.Count];
                for (var i = 0; i < buffers.Length; i++)
                {
                    buffers[i] = rendered[i].Pdf.Memory;
                }
                offset = pack.Append(buffers);
            }
            foreach (var document in rendered)
            {
                await InsertAsync(uow, document, offset);
                offset += document.Pdf.Length;
            }
        }, ct);

    private async Task<StoredDocument> RenderAndStoreAsync(InvoiceRow issued, CancellationToken ct)
    {
        // Served once stored, so rendered into an array of its own.
        var rendered = await RenderAsync(issued, ct, pooled: false);
        var inserted = await StoreAsync(rendered, ct);
        // Another request may have stored its rendering first: serve whichever copy is stored, always the same one
        // (ours when this insert is the one that stored it: no need to read the bytes back).
        return inserted ? new StoredDocument(issued.Id, PdfContentType, rendered.Sha256, rendered.Pdf.ToArray()) : (await FindAsync(issued.Id, ct))!;
    }

    /// <summary>A rendered PDF with its hash, ready to store; whoever stores it disposes <see cref="Pdf"/> afterwards.</summary>
    internal sealed record RenderedDocument(Guid InvoiceId, RenderedPdf Pdf, string Sha256);

    /// <summary>
    /// The PDF of a document an invoice run issued (<see cref="Features.Runs.InvoiceRunWorkers"/>), or null when there is
    /// nothing to store: a copy is stored already, or rendering failed. The invoice is issued either way; a PDF that failed
    /// is rendered on the document's first download.
    /// </summary>
    internal async Task<RenderedDocument?> RenderIssuedAsync(RenderRequest request, CancellationToken ct)
    {
        try
        {
            return await RenderAsync(request, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRenderFailed(log, request.InvoiceId, e);
            return null;
        }
    }

    /// <summary>
    /// Stores an invoice run's renderings in one transaction. If that fails, one document's problem stays its own: the
    /// others are stored one transaction each, and one that fails again is left for its first download.
    /// </summary>
    /// <remarks>Each PDF's pooled buffer is given back once this returns or throws: stored, or left for the first download.</remarks>
    internal async Task StoreRenderedAsync(IReadOnlyList<RenderedDocument> batch, CancellationToken ct)
    {
        try
        {
            await StoreAllAsync(batch, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var document in batch)
            {
                try
                {
                    await StoreAsync(document, ct);
                }
                catch (Exception single) when (single is not OperationCanceledException)
                {
                    LogRenderFailed(log, document.InvoiceId, single);
                }
            }
            LogStoreRetried(log, batch.Count, e);
        }
        finally
        {
            foreach (var document in batch)
            {
                document.Pdf.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rendering the PDF of issued invoice {InvoiceId} failed; it will be rendered on first download.")]
    private static partial void LogRenderFailed(ILogger logger, Guid invoiceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing {Documents} rendered PDFs in one transaction failed; they were stored one at a time.")]
    private static partial void LogStoreRetried(ILogger logger, int documents, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored PDF of invoice {InvoiceId} was missing or damaged in {Pack}: printed again from its stored rows (same SHA-256) and appended again.")]
    private static partial void LogReprinted(ILogger logger, Guid invoiceId, string pack);

    [LoggerMessage(Level = LogLevel.Error, Message = "The stored PDF of invoice {InvoiceId} (SHA-256 {Stored}) is missing or damaged and its stored rows now print {Printed}: not served.")]
    private static partial void LogReprintDiffers(ILogger logger, Guid invoiceId, string stored, string printed);
}
