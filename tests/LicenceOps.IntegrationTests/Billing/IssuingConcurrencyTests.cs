using System.Collections.Concurrent;
using System.Net;
using Dapper;
using LicenceOps.Contracts.Seats;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Billing;

public sealed class IssuingConcurrencyTests
{
    private const int Tenants = 48;

    [Test]
    public async Task Sixteen_parallel_issuers_produce_consecutive_numbers_without_gap_or_repeat()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var world = new BillingWorld(factory);
        for (var i = 0; i < Tenants; i++)
        {
            var tenantId = Guid.NewGuid();
            await world.PublishAsync(new TenantProfileChanged(tenantId, $"Client {i:D2} SAS", "987654321", null, null, "FR",
                "1 rue A", null, "75001", "Paris", $"billing{i}@example.test", "active", BillingWorld.LongAgo));
            await world.PublishAsync(new SubscriptionQuantityChanged(Guid.NewGuid(), tenantId, "OpenAI", "chatgpt-team", "ChatGPT Team",
                0, 1 + i % 5, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1), "monthly", 25m, "USD", false, 27.50m, BillingWorld.LongAgo));
        }

        await Eventually.UntilAsync(async () => await world.CountAsync("SELECT COUNT(*) FROM subscription_terms") == Tenants
                                                && await world.CountAsync("SELECT COUNT(*) FROM billing_tenants") == Tenants, TimeSpan.FromSeconds(60));
        var staff = await factory.StaffClientAsync(Roles.StaffBilling);
        var run = await BillingWorld.RunAsync(staff, "2026-10", issue: false);
        Assert.That(run.GetProperty("drafted").GetInt32(), Is.EqualTo(Tenants));

        var drafts = run.GetProperty("invoiceIds").EnumerateArray().Select(i => i.GetGuid()).ToList();
        await using (var connection = await world.Database.OpenAsync())
        {
            var owners = (await connection.QueryAsync<(string Id, string TenantId)>("SELECT id, tenant_id FROM invoices")).ToDictionary(r => Guid.Parse(r.Id), r => Guid.Parse(r.TenantId));
            // Every draft is asked twice, so issuers also race on the same invoice.
            var work = new ConcurrentQueue<(Guid Invoice, Guid Tenant)>(drafts.Concat(drafts).OrderBy(_ => Random.Shared.Next()).Select(d => (d, owners[d])));
            var outcomes = new ConcurrentBag<HttpStatusCode>();
            var unexpected = new ConcurrentBag<string>();
            var clients = new List<HttpClient>();
            for (var i = 0; i < 16; i++)
            {
                clients.Add(await factory.StaffClientAsync(Roles.StaffBilling));
            }

            await Task.WhenAll(clients.Select(client => Task.Run(async () =>
            {
                while (work.TryDequeue(out var item))
                {
                    var response = await client.PostAsync($"/api/tenants/{item.Tenant}/invoices/{item.Invoice}/issue", null);
                    outcomes.Add(response.StatusCode);
                    if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Conflict))
                    {
                        unexpected.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                }
            })));

            Assert.That(unexpected, Is.Empty);
            Assert.That(outcomes.Count(o => o == HttpStatusCode.OK), Is.EqualTo(Tenants));
            Assert.That(outcomes.Count(o => o == HttpStatusCode.Conflict), Is.EqualTo(Tenants), "the second request for an invoice finds it issued");

            var issued = (await connection.QueryAsync<string>(
                "SELECT number FROM invoices WHERE kind = 'invoice' ORDER BY number")).ToList();
            var expected = Enumerable.Range(1, Tenants).Select(n => $"F-2026-{n:D6}").ToList();
            Assert.That(issued, Is.EqualTo(expected), "consecutive from 1, no gap, no repeat");
            Assert.That(await world.CountAsync("SELECT next_value FROM invoice_sequences WHERE series = 'F'"), Is.EqualTo(Tenants + 1));
            Assert.That(await world.CountAsync("SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE '%InvoiceIssued%'"), Is.EqualTo(Tenants),
                "one InvoiceIssued per invoice");
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        staff.Dispose();
    }
}
