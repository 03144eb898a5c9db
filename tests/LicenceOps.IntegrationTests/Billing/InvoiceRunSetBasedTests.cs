using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using LicenceOps.Billing;
using LicenceOps.Contracts.Seats;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Billing;

/// <summary>
/// The invoice run drafts and issues a batch of tenants set-based (ADR 0042): one query per kind of input, one statement
/// per table. The same world is invoiced twice, in two hosts: once in batches of one tenant (what the per-tenant path did)
/// and once in a single batch holding every kind of tenant at once (one with nothing to bill, one already drafted, one
/// owed a regularisation line, one owed a regularisation credit note, one without a billing profile, foreign prices and
/// other VAT treatments). Everything stored must come out the same: invoices, lines, rates, numbers, events, audit and mail.
/// </summary>
[NonParallelizable]
public sealed class InvoiceRunSetBasedTests
{
    private const string DraftInsert = "INSERT INTO invoices (id, tenant_id, kind, period, period_start, period_end, status, vat_category";
    private static readonly DateOnly August1 = new(2026, 8, 1);
    private static readonly DateOnly October1 = new(2026, 10, 1);

    // Fixed ids, so both hosts hold the same world and the run takes its tenants in the same order (by tenant id).
    private static Guid Id(int kind, int n) => new($"00000000-0000-0000-{kind:D4}-{n:D12}");

    private static readonly Guid AlreadyDrafted = Id(1, 1);
    private static readonly Guid CreditNoteOwed = Id(1, 2);
    private static readonly Guid RegularisationOwed = Id(1, 3);
    private static readonly Guid NothingToBill = Id(1, 4);
    private static readonly Guid NoProfile = Id(1, 5);
    private static readonly Guid[] Plain = [Id(1, 6), Id(1, 7), Id(1, 8), Id(1, 9)];

    [Test]
    public async Task A_mixed_batch_stores_exactly_what_batches_of_one_tenant_store()
    {
        var (alone, aloneInserts) = await InvoiceTheWorldAsync(batchTenants: 1);
        var (together, togetherInserts) = await InvoiceTheWorldAsync(batchTenants: 32);

        // The batch really was one: one draft insert for the October run's five new invoices, against one per tenant.
        Assert.That((aloneInserts, togetherInserts), Is.EqualTo((5, 1)));
        Assert.That(together.Invoices, Is.EqualTo(alone.Invoices));
        Assert.That(together.Lines, Is.EqualTo(alone.Lines));
        Assert.That(together.Rates, Is.EqualTo(alone.Rates));
        Assert.That(together.Sequences, Is.EqualTo(alone.Sequences));
        Assert.That(together.Events, Is.EqualTo(alone.Events));
        Assert.That(together.Audit, Is.EqualTo(alone.Audit));
        Assert.That(together.Mail, Is.EqualTo(alone.Mail));
        Assert.That(together.Outcomes, Is.EqualTo(alone.Outcomes));

        // And what both stored is right, not merely alike.
        Assert.That(together.Outcomes, Is.EqualTo(new[]
        {
            $"{AlreadyDrafted}|done|already|1|", $"{CreditNoteOwed}|done|credit notes only|0|", $"{RegularisationOwed}|done|drafted|1|",
            $"{NothingToBill}|done|nothing|0|", $"{NoProfile}|failed||0|Billing has no profile for this tenant yet (TenantProfileChanged not received).",
            $"{Plain[0]}|done|drafted|1|", $"{Plain[1]}|done|drafted|1|", $"{Plain[2]}|done|drafted|1|", $"{Plain[3]}|done|drafted|1|",
        }));
        // By tenant, kind, period. September: the two tenants billed then (F-1, F-2); October, in tenant order: the drafted
        // invoice (F-3), the credit note (AV-1), the regularised invoice (F-4), the four plain ones (F-5 to F-8).
        Assert.That(together.Invoices.Select(i => i.Split('|')[3]), Is.EqualTo(new[]
        {
            "F-2026-000003", "AV-2026-000001", "F-2026-000001", "F-2026-000002", "F-2026-000004", "F-2026-000005", "F-2026-000006",
            "F-2026-000007", "F-2026-000008",
        }));
        Assert.That(together.Lines.Count(l => l.Contains("Régularisation 09/2026", StringComparison.Ordinal)), Is.EqualTo(2),
            "the credit note's line and the positive regularisation line on the October invoice");
        Assert.That(together.Events, Has.Count.EqualTo(9));
        Assert.That(together.Mail, Has.Count.EqualTo(9).And.All.Contains(".pdf"));
    }

    private sealed record Stored(
        List<string> Invoices, List<string> Lines, List<string> Rates, List<string> Sequences, List<string> Events, List<string> Audit,
        List<string> Mail, List<string> Outcomes);

    private static async Task<(Stored Stored, int OctoberDraftInserts)> InvoiceTheWorldAsync(int batchTenants)
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings(new()
        {
            ["Billing:RunBatchTenants"] = batchTenants.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Billing:RunBatchMilliseconds"] = "600000",
            ["Billing:RunBatchRampUp"] = "false",
        }));
        var world = new BillingWorld(factory);
        using var staff = await factory.StaffClientAsync(Roles.StaffBilling);
        await using (var connection = await world.Database.OpenAsync())
        {
            // ECB quotes for the US-dollar list prices (the shipped history stops long before these months).
            await connection.ExecuteAsync(
                """
                INSERT INTO exchange_rates (currency, rate_date, units_per_euro, source, loaded_at)
                VALUES ('USD', '2026-09-30', '1.1023', 'test', '2026-10-01T00:00:00.0000000Z'),
                       ('USD', '2026-10-30', '1.0871', 'test', '2026-11-01T00:00:00.0000000Z')
                """);
        }

        // Drafted by an earlier October run, before any other tenant was there (its subscription starts in October).
        await TenantAsync(world, AlreadyDrafted, "Déjà SARL", "FR", "FR40552100554");
        await SubscriptionAsync(world, AlreadyDrafted, 1, "Claude Team", seats: 2, October1, 30m, "EUR");
        await BillingWorld.RunAsync(staff, "2026-10", issue: false);

        // Invoiced for September; then changes dated in September are recorded late.
        await TenantAsync(world, CreditNoteOwed, "Baisse SAS", "FR", "FR11123456782");
        await SubscriptionAsync(world, CreditNoteOwed, 2, "ChatGPT Team", seats: 3, August1, 27.50m, "EUR");
        await TenantAsync(world, RegularisationOwed, "Hausse GmbH", "DE", "DE123456789");
        await SubscriptionAsync(world, RegularisationOwed, 3, "Claude Team", seats: 1, August1, 25m, "USD");
        await BillingWorld.RunAsync(staff, "2026-09", issue: true);
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        for (var seat = 0; seat < 3; seat++)
        {
            // Every seat gone since 1 September: September owes it all back, October nothing, so a credit note.
            await world.ReleaseAsync(CreditNoteOwed, Id(2, 2), Id(3, 2 * 100 + seat), new DateOnly(2026, 9, 1));
        }
        await world.AssignAsync(RegularisationOwed, Id(2, 3), Id(3, 3 * 100 + 50), new DateOnly(2026, 9, 20));

        await TenantAsync(world, NothingToBill, "Rien SAS", "FR", null);
        await SubscriptionAsync(world, NothingToBill, 4, "Copilot", seats: 0, August1, 30m, "EUR");
        await SubscriptionAsync(world, NoProfile, 5, "Copilot", seats: 1, August1, 30m, "EUR");
        for (var i = 0; i < Plain.Length; i++)
        {
            var country = new[] { "FR", "CH", "BE", "FR" }[i];
            await TenantAsync(world, Plain[i], $"Client {i} SA", country, country == "CH" ? null : $"{country}{i}0552100554");
            await SubscriptionAsync(world, Plain[i], 6 + i, i % 2 == 0 ? "Claude Team" : "Gemini Business", seats: 1 + i, August1,
                i == 1 ? 20m : 30m, i == 1 ? "USD" : "EUR");
        }

        var inserts = 0;
        var october = await world.RunSeeingStatementsAsync(staff, "2026-10", sql =>
        {
            if (sql.Contains(DraftInsert, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref inserts);
            }
        });
        Assert.That(october.GetProperty("state").GetString(), Is.EqualTo("completed"), october.ToString());
        return (await ReadAsync(world, october.GetProperty("id").GetGuid()), inserts);
    }

    /// <summary>What Billing stored, without what differs between two hosts by construction (new ids, wall-clock times).</summary>
    private static async Task<Stored> ReadAsync(BillingWorld world, Guid octoberRun)
    {
        await using var connection = await world.Database.OpenAsync();
        // A document is named by its number (or tenant, kind and period while a draft), not by its random id.
        var names = (await connection.QueryAsync<(string Id, string Name)>(
                "SELECT id, COALESCE(number, tenant_id || '/' || kind || '/' || period) FROM invoices"))
            .ToDictionary(r => r.Id, r => r.Name);
        string Name(string? id) => id is null ? "" : names[id];

        var invoices = (await connection.QueryAsync(
                """
                SELECT id, tenant_id, kind, period, status, number, issue_date, due_date, credited_invoice_id, credit_reason, vat_category, vat_rate,
                    vat_exemption_reason, buyer_json, seller_json, total_excl_vat, total_vat, total_incl_vat, currency, regularisation_of
                FROM invoices ORDER BY tenant_id, kind, period
                """))
            .Select(string (dynamic r) => string.Join('|', r.tenant_id, r.kind, r.period, r.number, r.status, r.issue_date, r.due_date, Name(r.credited_invoice_id),
                r.credit_reason, r.vat_category, r.vat_rate, r.vat_exemption_reason, r.buyer_json, r.seller_json, r.total_excl_vat, r.total_vat,
                r.total_incl_vat, r.currency, r.regularisation_of))
            .ToList();
        var lines = (await connection.QueryAsync("SELECT * FROM invoice_lines"))
            .Select(string (dynamic r) => string.Join('|', Name(r.invoice_id), r.line_number, r.subscription_id, r.product_group, r.description, r.period_start,
                r.period_end, r.quantity, r.unit, r.unit_price_excl_vat, r.vat_category, r.vat_rate, r.net_amount, r.credited_line_number))
            .Order(StringComparer.Ordinal).ToList();
        var rates = (await connection.QueryAsync("SELECT * FROM invoice_exchange_rates"))
            .Select(string (dynamic r) => string.Join('|', Name(r.invoice_id), r.currency, r.units_per_euro, r.rate_date))
            .Order(StringComparer.Ordinal).ToList();
        var sequences = (await connection.QueryAsync("SELECT series, next_value FROM invoice_sequences ORDER BY series"))
            .Select(string (dynamic r) => $"{r.series}|{r.next_value}").ToList();
        // In outbox order: the order the documents were numbered in.
        var events = (await connection.QueryAsync<string>(
                "SELECT body FROM outbox_messages WHERE message_type LIKE '%InvoiceIssued%' ORDER BY created_at, rowid"))
            .Select(body =>
            {
                var node = JsonNode.Parse(body)!.AsObject();
                node.Remove("invoiceId");
                return node.ToJsonString();
            }).ToList();
        var audit = (await connection.QueryAsync("SELECT tenant_id, entity_id, action, changes FROM audit_log WHERE entity_type = 'invoice'"))
            .Select(string (dynamic r) => string.Join('|', r.tenant_id, Name(r.entity_id), r.action, r.changes))
            .Order(StringComparer.Ordinal).ToList();
        // Not the status: the dispatcher sends in the background, so pending or sent depends on timing.
        var mail = (await connection.QueryAsync("SELECT tenant_id, subject_id, purpose, recipients, mail_subject, payload FROM mail_outbox"))
            .Select(string (dynamic r) => string.Join('|', r.tenant_id, Name(r.subject_id), r.purpose, r.recipients, r.mail_subject,
                MailText((string)r.payload)))
            .Order(StringComparer.Ordinal).ToList();
        var outcomes = (await connection.QueryAsync(
                "SELECT tenant_id, status, outcome, issued, failure FROM invoice_run_tenants WHERE run_id = @run ORDER BY tenant_id",
                new { run = SqliteText.Of(octoberRun) }))
            .Select(string (dynamic r) => $"{Guid.Parse((string)r.tenant_id)}|{r.status}|{r.outcome}|{r.issued}|{r.failure}").ToList();
        return new Stored(invoices, lines, rates, sequences, events, audit, mail, outcomes);
    }

    /// <summary>The mail's bodies and attachment name (its ids and message id are new in every host).</summary>
    private static string MailText(string payload)
    {
        var mail = JsonNode.Parse(payload)!.AsObject();
        return string.Join('|', mail["textBody"]?.ToJsonString(), mail["htmlBody"]?.ToJsonString(),
            mail["attachments"]?.AsArray().Select(a => a!["fileName"]?.ToJsonString()).FirstOrDefault());
    }

    private static async Task TenantAsync(BillingWorld world, Guid tenantId, string name, string country, string? vat)
    {
        await world.PublishAsync(new TenantProfileChanged(tenantId, name, "552100554", "55210055400012", vat, country,
            "2 place Bellecour", null, "69001", "Lyon", $"compta{tenantId.ToString()[^2..]}@example.test", "active", BillingWorld.LongAgo));
        await Eventually.UntilAsync(async () =>
            await world.CountAsync("SELECT COUNT(*) FROM billing_tenants WHERE tenant_id = @tenantId", new { tenantId }) == 1, TimeSpan.FromSeconds(60));
    }

    /// <summary>Subscription <c>Id(2, n)</c>, nothing committed, with seats <c>Id(3, n * 100 + i)</c> assigned from <paramref name="since"/>.</summary>
    private static async Task SubscriptionAsync(
        BillingWorld world, Guid tenantId, int n, string plan, int seats, DateOnly since, decimal listPrice, string currency)
    {
        var subscriptionId = Id(2, n);
        await world.PublishAsync(new SubscriptionQuantityChanged(subscriptionId, tenantId, "Vendor " + plan.Split(' ')[0], plan.ToLowerInvariant().Replace(' ', '-'),
            plan, 0, 0, since, since, since.AddYears(1), "monthly", listPrice, currency, false, currency == "EUR" ? listPrice : null, BillingWorld.LongAgo));
        await Eventually.UntilAsync(async () => await world.CountAsync(
            "SELECT COUNT(*) FROM subscription_terms WHERE subscription_id = @subscriptionId", new { subscriptionId }) == 1, TimeSpan.FromSeconds(60));
        for (var i = 0; i < seats; i++)
        {
            await world.AssignAsync(tenantId, subscriptionId, Id(3, n * 100 + i), since);
        }
    }
}
