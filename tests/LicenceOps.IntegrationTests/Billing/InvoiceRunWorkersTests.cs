using System.Net.Http.Json;
using System.Text.Json;
using System.Collections.Concurrent;
using LicenceOps.Billing;
using LicenceOps.Billing.Documents;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Billing;

/// <summary>
/// An issuing run is worked by one worker per core, each drafting, rendering or storing as the run needs (ADR 0068). With
/// several workers and small batches, drafting, rendering and storing interleave all through the run: every issued
/// document's PDF must still be stored, each by exactly one insert (none lost between the workers, none rendered and stored
/// twice), and the numbers stay gapless in issue order.
/// </summary>
[NonParallelizable]
public sealed class InvoiceRunWorkersTests
{
    private const int Tenants = 24;
    private const string DocumentInsert = "INSERT INTO invoice_documents";
    private static readonly DateOnly September1 = new(2026, 9, 1);

    [TestCase(2)]
    [TestCase(3)]
    public async Task Every_issued_pdf_is_stored_exactly_once_whatever_worker_rendered_it(int workers)
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings(new()
        {
            ["Billing:RunWorkers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Batches of one, two, then three tenants: many drafting steps between the renders and the stores.
            ["Billing:RunBatchTenants"] = "3",
            // No mail sweep during the test: mailing an invoice renders and stores its PDF if the run has not yet.
            ["Mail:PollIntervalSeconds"] = "3600",
        }));
        var world = new BillingWorld(factory);
        using var staff = await factory.StaffClientAsync(Roles.StaffBilling);
        var tenants = new List<Guid>();
        for (var i = 0; i < Tenants; i++)
        {
            var tenant = await world.TenantAsync($"Atelier {i} SARL", "FR", $"FR{10 + i}55210055{i % 10}", $"55210055{i % 10}");
            await world.SubscriptionAsync(tenant, "Anthropic", "Claude Team", 2, 2, September1, 30m, "EUR", false, 30m);
            tenants.Add(tenant);
        }

        var inserts = 0;
        var run = await world.RunSeeingStatementsAsync(staff, "2026-10", sql =>
        {
            if (sql.Contains(DocumentInsert, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref inserts);
            }
        });

        Assert.That((run.GetProperty("state").GetString(), run.GetProperty("issued").GetInt32(), run.GetProperty("failures").GetArrayLength()),
            Is.EqualTo(("completed", Tenants, 0)));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM invoices WHERE number IS NOT NULL"), Is.EqualTo(Tenants));
        Assert.That(await world.CountAsync(
            "SELECT COUNT(*) FROM invoices i JOIN invoice_documents d ON d.invoice_id = i.id WHERE i.number IS NOT NULL"), Is.EqualTo(Tenants),
            "every issued document has its stored PDF");
        Assert.That(inserts, Is.EqualTo(Tenants), "one insert per document: none stored twice");

        var numbers = new List<string>();
        foreach (var tenant in tenants)
        {
            var invoices = await staff.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/invoices");
            numbers.AddRange(invoices.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetString()!));
        }
        Assert.That(numbers.Order(StringComparer.Ordinal), Is.EqualTo(Enumerable.Range(1, Tenants).Select(i => $"F-2026-{i:D6}")), "gapless and unique");
        await AssertEveryStoredPdfIsWhatItsRowsPrintAsync(factory, world);
    }

    /// <summary>
    /// The run renders each PDF into a pooled buffer, stores it from there and gives the buffer back once its store transaction is
    /// over (feat/i16gc). When a store transaction fails, its documents are stored again one at a time from the same buffers: every
    /// stored PDF must still be its own, byte for byte, with its hash and length (a buffer given back too early would hold another
    /// document's bytes by then).
    /// </summary>
    [Test]
    public async Task A_store_transaction_that_fails_is_redone_one_document_at_a_time_from_the_same_rendered_bytes()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings(new()
        {
            ["Billing:RunWorkers"] = "2",
            ["Billing:RunBatchTenants"] = "3",
            ["Mail:PollIntervalSeconds"] = "3600",
        }));
        var world = new BillingWorld(factory);
        using var staff = await factory.StaffClientAsync(Roles.StaffBilling);
        for (var i = 0; i < Tenants; i++)
        {
            var tenant = await world.TenantAsync($"Atelier {i} SARL", "FR", $"FR{10 + i}55210055{i % 10}", $"55210055{i % 10}");
            await world.SubscriptionAsync(tenant, "Anthropic", "Claude Team", 2, 2, September1, 30m, "EUR", false, 30m);
        }

        // The second document insert of the run throws: the transaction storing it (with at least the first) rolls back whole.
        var inserts = 0;
        var run = await world.RunSeeingStatementsAsync(staff, "2026-10", sql =>
        {
            if (sql.Contains(DocumentInsert, StringComparison.Ordinal) && Interlocked.Increment(ref inserts) == 2)
            {
                throw new InvalidOperationException("A store transaction failing once (test).");
            }
        });

        Assert.That((run.GetProperty("state").GetString(), run.GetProperty("issued").GetInt32()), Is.EqualTo(("completed", Tenants)));
        Assert.That(inserts, Is.GreaterThan(Tenants), "the failed transaction's documents were inserted again");
        await AssertEveryStoredPdfIsWhatItsRowsPrintAsync(factory, world);
    }

    private static async Task AssertEveryStoredPdfIsWhatItsRowsPrintAsync(LicenceOpsFactory factory, BillingWorld world)
    {
        var db = factory.Services.GetRequiredService<LicenceOps.Platform.Data.ModuleDatabase<BillingModule>>();
        var issued = await db.QueryAsync<Guid>("SELECT id FROM invoices WHERE number IS NOT NULL");
        Assert.That(issued, Has.Count.EqualTo(Tenants));
        Assert.That(await world.CountAsync(
            "SELECT COUNT(*) FROM invoices i JOIN invoice_documents d ON d.invoice_id = i.id WHERE i.number IS NOT NULL"), Is.EqualTo(Tenants),
            "every issued document has its stored PDF");
        foreach (var invoiceId in issued)
        {
            await InvoiceRunTests.AssertStoredPdfIsWhatItsRowsPrintAsync(factory, invoiceId);
        }
    }

    /// <summary>
    /// The workers step synchronously while their renders complete. On the thread pool they held its threads for the whole
    /// run and work queued behind them (requests, timers, the dispatchers) waited up to seconds (ADR 0093): every render of
    /// a run must happen on one of the run's own threads, none on a pool thread.
    /// </summary>
    [Test]
    public async Task The_runs_renders_happen_on_the_runs_own_threads_never_on_the_thread_pool()
    {
        var renders = new ConcurrentBag<(bool Pool, string? Thread)>();
        using var factory = new LicenceOpsFactory(BillingWorld.Settings(new()
        {
            ["Billing:RunWorkers"] = "2",
            ["Billing:RunBatchTenants"] = "3",
            ["Mail:PollIntervalSeconds"] = "3600",
        }), services: services => services.AddSingleton<IDocumentRenderer>(new ThreadNotingRenderer(new SkiaInvoiceRenderer(), renders)));
        var world = new BillingWorld(factory);
        using var staff = await factory.StaffClientAsync(Roles.StaffBilling);
        for (var i = 0; i < 8; i++)
        {
            var tenant = await world.TenantAsync($"Fonderie {i} SAS", "FR", $"FR{20 + i}55210055{i % 10}", $"55210055{i % 10}");
            await world.SubscriptionAsync(tenant, "Anthropic", "Claude Team", 2, 2, September1, 30m, "EUR", false, 30m);
        }

        var run = await world.RunSeeingStatementsAsync(staff, "2026-10", _ => { });

        Assert.That(run.GetProperty("issued").GetInt32(), Is.EqualTo(8));
        Assert.That(renders.Select(r => r.Pool).ToList(), Has.Count.EqualTo(8).And.All.False, "no render on a thread-pool thread");
        Assert.That(renders.Select(r => r.Thread), Is.All.StartsWith("Invoice run worker "));
    }

    /// <summary>The product's renderer, noting the thread each invoice PDF is rendered on.</summary>
    private sealed class ThreadNotingRenderer(IDocumentRenderer inner, ConcurrentBag<(bool Pool, string? Thread)> renders) : IDocumentRenderer
    {
        public byte[] RenderInvoicePdf(InvoiceDocument document)
        {
            renders.Add((Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name));
            return inner.RenderInvoicePdf(document);
        }

        public byte[] RenderFacturXml(InvoiceDocument document) => inner.RenderFacturXml(document);
    }
}
