using LicenceOps.Billing.Documents;
using LicenceOps.Billing.Documents.FacturX;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace LicenceOps.Billing.Features.Invoices;

/// <summary>
/// /api/tenants/{tenantId}/invoices: clients read their own issued documents (drafts and other tenants' documents
/// answer 404); staff read everything; only billing staff issue.
/// </summary>
internal static class InvoiceEndpoints
{
    public static void MapInvoiceEndpoints(this IEndpointRouteBuilder api)
    {
        var invoices = api.MapGroup("/tenants/{tenantId:guid}/invoices");
        invoices.MapGet("/", ListAsync).WithSummary("The tenant's invoices and credit notes, newest first.");
        invoices.MapGet("/{invoiceId:guid}", GetAsync).WithSummary("One invoice with its lines, VAT breakdown and exchange rates.");
        invoices.MapGet("/{invoiceId:guid}/pdf", PdfAsync).WithSummary("The issued document as a Factur-X PDF/A-3 with factur-x.xml attached.");
        invoices.MapGet("/{invoiceId:guid}/factur-x.xml", FacturXmlAsync)
            .WithSummary("The issued document's Factur-X data on its own: UN/CEFACT CII, profile EN 16931, as embedded in the PDF.");
        invoices.MapPost("/{invoiceId:guid}/issue", IssueAsync).RequireAuthorization(Policies.Billing)
            .WithSummary("Assigns the next number to a draft; an issued invoice never changes afterwards.");
        invoices.MapPost("/{invoiceId:guid}/credit-notes", CreditNotes.CreateAsync).RequireAuthorization(Policies.Billing)
            .WithSummary("Issues a credit note (type 381) for all or part of an issued invoice's lines.");
    }

    private static bool Visible(InvoiceRow invoice, CurrentUser user) => user.IsStaff || invoice.Status != InvoiceStatuses.Draft;

    /// <summary>Newest first; the id breaks ties between documents of the same instant (a run creates many at once).</summary>
    private static readonly Keyset<InvoiceRow> NewestFirst = new("invoices",
        SortKey.Desc<InvoiceRow>("created_at", r => r.CreatedAt), SortKey.Desc<InvoiceRow>("id", r => r.Id));

    private static async Task<Results<Ok<Page<InvoiceSummary>>, ProblemHttpResult>> ListAsync(
        Guid tenantId, PageRequest page, CurrentUser user, ModuleDatabase<BillingModule> database, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound($"No tenant {tenantId}.");
        }

        // Drafts are filtered in SQL (same rule as Visible) so that pages stay full and totals count what the caller sees.
        var rows = await NewestFirst.ReadAsync(database, $"SELECT {InvoiceRow.Columns} FROM invoices",
            "tenant_id = @tenantId AND (@staff = 1 OR status <> @draft)",
            new { tenantId, staff = user.IsStaff ? 1 : 0, draft = InvoiceStatuses.Draft }, page, ct);
        return TypedResults.Ok(rows.Map(InvoiceSummary.From));
    }

    private static async Task<Results<Ok<InvoiceView>, ProblemHttpResult>> GetAsync(
        Guid tenantId, Guid invoiceId, CurrentUser user, InvoiceStore store, CancellationToken ct)
    {
        var invoice = user.CanAccessTenant(tenantId) ? await store.FindAsync(tenantId, invoiceId, ct) : null;
        if (invoice is null || !Visible(invoice, user))
        {
            return Problems.NotFound($"No invoice {invoiceId} for tenant {tenantId}.");
        }

        return TypedResults.Ok(InvoiceView.From(invoice, await store.LinesAsync(invoiceId, ct), await store.RatesAsync(invoiceId, ct),
            await store.CreditedReferenceAsync(invoice, ct)));
    }

    /// <summary>
    /// The stored bytes of the issued document, with their SHA-256 as a strong ETag: a client that already holds them
    /// (If-None-Match) gets 304 without the bytes even being read.
    /// </summary>
    private static async Task<Results<PhysicalFileHttpResult, StatusCodeHttpResult, ProblemHttpResult>> PdfAsync(
        Guid tenantId, Guid invoiceId, HttpContext http, CurrentUser user, InvoiceStore store, InvoiceDocuments documents, DocumentFiles files,
        CancellationToken ct)
    {
        var download = user.CanAccessTenant(tenantId) ? await documents.FindDownloadAsync(tenantId, invoiceId, ct) : null;
        if (download is null || !(user.IsStaff || download.Status != InvoiceStatuses.Draft))
        {
            return Problems.NotFound($"No invoice {invoiceId} for tenant {tenantId}.");
        }

        if (download.Number is null)
        {
            return Problems.Conflict("A draft has no legal form yet: issue it first.");
        }

        // Revalidate every time (no-cache) but cheaply: the bytes never change, and access may be withdrawn.
        http.Response.Headers.CacheControl = "private, no-cache";
        if (download.Sha256 is { } stored && IfNoneMatch(http.Request, stored))
        {
            http.Response.Headers.ETag = Tag(stored).ToString();
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        // Issued before the PDF store existed, or its rendering after issue failed: rendered and stored now, once.
        var sha = download.Sha256 ?? (await documents.GetOrRenderAsync((await store.FindAsync(tenantId, invoiceId, ct))!, ct)).Sha256;
        var path = await files.PathOfAsync(sha, token => documents.ContentAsync(invoiceId, token), ct);
        return TypedResults.PhysicalFile(path, InvoiceDocuments.PdfContentType, $"{download.Number}.pdf", entityTag: Tag(sha));
    }

    private static EntityTagHeaderValue Tag(string sha256) => new($"\"{sha256}\"");

    private static bool IfNoneMatch(HttpRequest request, string sha256)
    {
        var tags = request.GetTypedHeaders().IfNoneMatch;
        return tags.Count > 0 && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(Tag(sha256), useStrongComparison: false));
    }

    /// <summary>
    /// The factur-x.xml stored with the PDF (the very attachment the client holds in it), served like the PDF: stored
    /// bytes with their SHA-256 as a strong ETag, 304 on If-None-Match without reading them. Nothing is extracted or
    /// rendered per request; a document stored before the XML was kept gets it stored on its first download.
    /// Same access rule as the PDF: the caller's tenant, issued documents only (drafts are 404 to clients).
    /// </summary>
    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> FacturXmlAsync(
        Guid tenantId, Guid invoiceId, HttpContext http, CurrentUser user, InvoiceStore store, InvoiceDocuments documents, IDocumentRenderer renderer,
        CancellationToken ct)
    {
        var invoice = user.CanAccessTenant(tenantId) ? await store.FindAsync(tenantId, invoiceId, ct) : null;
        if (invoice is null || !Visible(invoice, user))
        {
            return Problems.NotFound($"No invoice {invoiceId} for tenant {tenantId}.");
        }

        if (invoice.Number is null)
        {
            return Problems.Conflict("A draft has no legal form yet: issue it first.");
        }

        http.Response.Headers.CacheControl = "private, no-cache";
        if (await documents.FacturXmlHashAsync(invoiceId, ct) is { } stored && IfNoneMatch(http.Request, stored))
        {
            http.Response.Headers.ETag = Tag(stored).ToString();
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var xml = await documents.GetOrStoreFacturXmlAsync(invoice, async () =>
            renderer.RenderFacturXml(InvoiceDocumentMapper.Map(invoice, await store.LinesAsync(invoiceId, ct), await store.RatesAsync(invoiceId, ct),
                await store.CreditedReferenceAsync(invoice, ct))), ct);
        return TypedResults.File(xml.Content, "application/xml", $"{invoice.Number}-factur-x.xml", entityTag: Tag(xml.Sha256));
    }

    private static async Task<Results<Ok<InvoiceSummary>, ProblemHttpResult>> IssueAsync(
        Guid tenantId, Guid invoiceId, InvoiceStore store, InvoiceDocuments documents, ModuleDatabase<BillingModule> database, CancellationToken ct)
    {
        var invoice = await store.FindAsync(tenantId, invoiceId, ct);
        if (invoice is null)
        {
            return Problems.NotFound($"No invoice {invoiceId} for tenant {tenantId}.");
        }

        var issued = await database.WriteAsync(uow => InvoiceIssuer.IssueAsync(uow, invoiceId), ct);
        if (issued is not null)
        {
            await documents.EnsureStoredAsync(issued.Id, ct);
        }
        return issued is null
            ? Problems.Conflict($"Invoice {invoiceId} is already issued as {invoice.Number}; an issued invoice cannot be issued again.")
            : TypedResults.Ok(InvoiceSummary.From(issued));
    }
}
