using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.Billing;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Billing;

/// <summary>
/// The invoice run drafts and issues several tenants per write transaction (ADR 0030). A tenant that throws rolls its
/// whole batch back, numbers included; the batch is then redone one tenant per transaction, so the failing tenant is
/// reported and every other one is invoiced once, the series gapless. The failure is staged with the
/// <see cref="ModuleDatabase.BeforeStatement"/> seam on the n-th draft insert: a batch writes all its drafts with one
/// insert (ADR 0042), so insert 1 is the batch's and inserts 2 to 6 are the five tenants redone one at a time.
/// </summary>
[NonParallelizable]
public sealed class InvoiceRunBatchTests
{
    private const int Tenants = 5;
    private const string DraftInsert = "INSERT INTO invoices (id, tenant_id, kind, period, period_start, period_end, status, vat_category";
    private static readonly DateOnly September1 = new(2026, 9, 1);

    [Test]
    public async Task A_batch_that_throws_gives_its_numbers_back_and_every_tenant_is_invoiced_once_after_the_retry()
    {
        // Throws once, on the batch's insert: the retry one tenant at a time goes through.
        var (run, numbers, thrown) = await RunWithFailingDraftInsertsAsync([1]);

        Assert.That(thrown, Is.EqualTo(1), "the staged failure must happen inside a batch, or this test proves nothing");
        Assert.That((run.GetProperty("drafted").GetInt32(), run.GetProperty("issued").GetInt32(), run.GetProperty("failures").GetArrayLength()),
            Is.EqualTo((Tenants, Tenants, 0)));
        Assert.That(numbers, Is.EqualTo(Enumerable.Range(1, Tenants).Select(i => $"F-2026-{i:D6}")), "gapless and unique");
    }

    [Test]
    public async Task A_tenant_that_keeps_throwing_is_reported_and_the_others_of_its_batch_are_invoiced_gapless()
    {
        // The batch throws (insert 1), and the third tenant again when redone alone (inserts 2 and 3 are the first two tenants).
        var (run, numbers, thrown) = await RunWithFailingDraftInsertsAsync([1, 4]);

        Assert.That(thrown, Is.EqualTo(2));
        Assert.That((run.GetProperty("drafted").GetInt32(), run.GetProperty("issued").GetInt32(), run.GetProperty("tenantsDone").GetInt32()),
            Is.EqualTo((Tenants - 1, Tenants - 1, Tenants)));
        var failures = run.GetProperty("failures");
        Assert.That(failures.GetArrayLength(), Is.EqualTo(1));
        Assert.That(failures[0].GetProperty("reason").GetString(), Does.Contain("staged failure"));
        Assert.That(numbers, Is.EqualTo(Enumerable.Range(1, Tenants - 1).Select(i => $"F-2026-{i:D6}")), "gapless and unique");
    }

    [Test]
    public async Task The_issuer_issues_a_draft_its_transaction_wrote_as_given_and_reads_only_the_others()
    {
        // ADR 0072: a run's batch hands the issuer the drafts it has just inserted, which it issues and hands back as given
        // (the renderers print them) instead of reading them back; a draft it was not given is read as before. InvoiceRunTests
        // check each stored PDF against a rendering of its rows read back from the table.
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var world = new BillingWorld(factory);
        using var staff = await factory.StaffClientAsync(Roles.StaffBilling);
        for (var i = 0; i < 2; i++)
        {
            var tenant = await world.TenantAsync($"Relu {i} SARL", "FR", $"FR{40 + i}55210055{i}", $"55210055{i}");
            await world.SubscriptionAsync(tenant, "Anthropic", "Claude Team", 3, 3, September1, 30m, "EUR", false, 30m);
        }
        await BillingWorld.RunAsync(staff, "2026-10", issue: false);

        var (batch, given) = await world.Database.WriteAsync(async uow =>
        {
            var drafts = await uow.QueryAsync<InvoiceRow>($"SELECT {InvoiceRow.Columns} FROM invoices ORDER BY tenant_id");
            var lines = await uow.QueryAsync<InvoiceLineRow>($"SELECT {InvoiceLineRow.Columns} FROM invoice_lines WHERE invoice_id = @id ORDER BY line_number",
                new { id = drafts[0].Id });
            var written = new InvoiceIssuer.WrittenDraft(drafts[0], lines, []);
            var issued = await InvoiceIssuer.IssueWithLinesAsync(uow, drafts.Select(d => d.Id).ToList(),
                written: new Dictionary<Guid, InvoiceIssuer.WrittenDraft> { [drafts[0].Id] = written });
            return (issued, written);
        });

        Assert.That(batch.Rows, Has.Count.EqualTo(2));
        Assert.That(batch.Rows[0], Is.SameAs(given.Row), "the given draft was read back instead of taken as given");
        Assert.That(batch.Lines[given.Row.Id], Is.EqualTo(given.Lines).Using<InvoiceLineRow>(ReferenceEquals), "its lines were read back");
        Assert.That(batch.Rows[1].Id, Is.Not.EqualTo(given.Row.Id));
        Assert.That(batch.Lines[batch.Rows[1].Id], Is.Not.Empty, "the draft not given is read, with its lines");
        Assert.That(batch.Rows.Select(r => (r.Status, r.Number)),
            Is.EqualTo(new[] { ("issued", "F-2026-000001"), ("issued", "F-2026-000002") }));
    }

    private static async Task<(JsonElement Run, List<string> Numbers, int Thrown)> RunWithFailingDraftInsertsAsync(int[] failingInserts)
    {
        // One batch for every tenant whatever the machine's speed, so the insert count says which tenant fails.
        using var factory = new LicenceOpsFactory(BillingWorld.Settings(new() { ["Billing:RunBatchTenants"] = "32", ["Billing:RunBatchMilliseconds"] = "600000", ["Billing:RunBatchRampUp"] = "false" }));
        var world = new BillingWorld(factory);
        using var staff = await factory.StaffClientAsync(Roles.StaffBilling);
        var tenants = new List<Guid>();
        for (var i = 0; i < Tenants; i++)
        {
            var tenant = await world.TenantAsync($"Lot {i} SARL", "FR", $"FR{40 + i}55210055{i}", $"55210055{i}");
            await world.SubscriptionAsync(tenant, "Anthropic", "Claude Team", 3, 3, September1, 30m, "EUR", false, 30m);
            tenants.Add(tenant);
        }

        var inserts = 0;
        var thrown = 0;
        var run = await world.RunSeeingStatementsAsync(staff, "2026-10", sql =>
        {
            if (sql.Contains(DraftInsert, StringComparison.Ordinal) && failingInserts.Contains(Interlocked.Increment(ref inserts)))
            {
                Interlocked.Increment(ref thrown);
                throw new InvalidOperationException("staged failure of a draft insert");
            }
        });

        var numbers = new List<string>();
        foreach (var tenant in tenants)
        {
            var invoices = await staff.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/invoices");
            numbers.AddRange(invoices.GetProperty("items").EnumerateArray()
                .Where(i => i.GetProperty("number").ValueKind == JsonValueKind.String)
                .Select(i => i.GetProperty("number").GetString()!));
        }
        return (run, numbers.Order(StringComparer.Ordinal).ToList(), thrown);
    }
}
