using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LicenceOps.Billing;
using LicenceOps.Contracts.Seats;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Billing;

/// <summary>
/// Feeds Billing the events Tenants and Seats would publish, over the real in-memory bus, and reads its database.
/// </summary>
public sealed class BillingWorld(LicenceOpsFactory factory)
{
    public static readonly DateTimeOffset LongAgo = new(2024, 1, 1, 8, 0, 0, TimeSpan.Zero);
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Billing tests build their own tenants and subscriptions from events; the demo companies that Tenants and Seats
    /// would otherwise seed (and publish to Billing) are left out so counts and runs see only the test's world.
    /// </summary>
    public static Dictionary<string, string?> Settings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(extra ?? []) { ["Demo:Seed"] = "false" };
        return settings;
    }

    // The machine is shared: give the bus room before calling a delivery lost.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    public LicenceOpsFactory Factory { get; } = factory;

    public ModuleDatabase<BillingModule> Database => Factory.Service<ModuleDatabase<BillingModule>>();

    public Task PublishAsync<T>(T message) where T : class => Factory.Service<IBus>().Publish(message);

    public async Task<Guid> TenantAsync(string name, string country, string? vat, string? siren)
    {
        var tenantId = Guid.NewGuid();
        await PublishAsync(new TenantProfileChanged(tenantId, name, siren, siren is null ? null : siren + "00012", vat, country,
            "2 place Bellecour", null, "69001", "Lyon", $"compta@{tenantId:N}.example", "active", LongAgo));
        await Eventually.UntilAsync(async () => await CountAsync("SELECT COUNT(*) FROM billing_tenants WHERE tenant_id = @tenantId", new { tenantId }) == 1, Wait);
        return tenantId;
    }

    /// <summary>A subscription with a committed quantity and that many seats assigned from <paramref name="since"/>.</summary>
    public async Task<Guid> SubscriptionAsync(
        Guid tenantId, string vendor, string plan, int committed, int assigned, DateOnly since,
        decimal listPrice, string currency, bool includesVat, decimal? salePrice, string cycle = "monthly")
    {
        var subscriptionId = Guid.NewGuid();
        await PublishAsync(new SubscriptionQuantityChanged(subscriptionId, tenantId, vendor, plan.ToLowerInvariant().Replace(' ', '-'), plan,
            0, committed, since, since, since.AddYears(1), cycle, listPrice, currency, includesVat, salePrice, LongAgo));
        for (var i = 0; i < assigned; i++)
        {
            await AssignAsync(tenantId, subscriptionId, Guid.NewGuid(), since);
        }

        await Eventually.UntilAsync(async () =>
            await CountAsync("SELECT COUNT(*) FROM subscription_terms WHERE subscription_id = @subscriptionId", new { subscriptionId }) == 1
            && await CountAsync("SELECT COUNT(*) FROM seat_changes WHERE subscription_id = @subscriptionId", new { subscriptionId }) >= assigned, Wait);
        return subscriptionId;
    }

    public async Task AssignAsync(Guid tenantId, Guid subscriptionId, Guid seatId, DateOnly date)
    {
        await PublishAsync(new SeatAssigned(seatId, tenantId, subscriptionId, Guid.NewGuid(), "plan", date, LongAgo.AddDays(date.DayNumber % 1000)));
        await Eventually.UntilAsync(async () =>
            await CountAsync("SELECT COUNT(*) FROM seat_changes WHERE seat_id = @seatId AND assigned = 1", new { seatId }) == 1, Wait);
    }

    public async Task ReleaseAsync(Guid tenantId, Guid subscriptionId, Guid seatId, DateOnly date)
    {
        await PublishAsync(new SeatReleased(seatId, tenantId, subscriptionId, null, "plan", date, LongAgo.AddDays(date.DayNumber % 1000 + 1)));
        await Eventually.UntilAsync(async () =>
            await CountAsync("SELECT COUNT(*) FROM seat_changes WHERE seat_id = @seatId AND assigned = 0", new { seatId }) == 1, Wait);
    }

    public async Task<long> CountAsync(string sql, object? param = null)
    {
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, param);
    }

    /// <summary>Everything Billing stores about invoices, to prove an operation changed nothing.</summary>
    public async Task<string> InvoiceStateAsync()
    {
        await using var connection = await Database.OpenAsync();
        var invoices = await connection.QueryAsync("SELECT * FROM invoices ORDER BY id");
        var lines = await connection.QueryAsync("SELECT * FROM invoice_lines ORDER BY invoice_id, line_number");
        var sequences = await connection.QueryAsync("SELECT * FROM invoice_sequences ORDER BY series");
        var outbox = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_messages");
        return JsonSerializer.Serialize(new { invoices, lines, sequences, outbox });
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Starts a run (202 with its location) and follows it to the end; returns the finished run.</summary>
    public static async Task<JsonElement> RunAsync(HttpClient staff, string period, bool issue)
    {
        var started = await staff.PostAsJsonAsync("/api/billing/runs", new { period, issue });
        Assert.That(started.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Accepted), await started.Content.ReadAsStringAsync());
        return await FinishedRunAsync(staff, started.Headers.Location!);
    }

    /// <summary>
    /// Runs and issues the period as <see cref="RunAsync"/> does, with <paramref name="beforeStatement"/> shown the SQL of every
    /// statement Billing's writes run (ModuleDatabase's test seam; it may throw to fail that statement). The seam is cleared
    /// when the run ends, whatever its outcome.
    /// </summary>
    public async Task<JsonElement> RunSeeingStatementsAsync(HttpClient staff, string period, Action<string> beforeStatement)
    {
        var database = Factory.Services.GetRequiredService<ModuleDatabase<BillingModule>>();
        database.BeforeStatement = (_, sql) =>
        {
            beforeStatement(sql);
            return Task.CompletedTask;
        };
        try
        {
            return await RunAsync(staff, period, issue: true);
        }
        finally
        {
            database.BeforeStatement = null;
        }
    }

    /// <summary>Polls a run until it is completed or failed (the machine is shared: a generous deadline).</summary>
    public static async Task<JsonElement> FinishedRunAsync(HttpClient staff, Uri location, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromMinutes(3));
        while (true)
        {
            var run = await JsonAsync(await staff.GetAsync(location));
            var state = run.GetProperty("state").GetString();
            if (state is "completed" or "failed")
            {
                return run;
            }
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"run still {state}: {run}");
            await Task.Delay(100);
        }
    }

    public static async Task<JsonElement> InvoiceOfAsync(HttpClient client, Guid tenantId, string period)
    {
        var list = await JsonAsync(await client.GetAsync($"/api/tenants/{tenantId}/invoices"));
        var summary = list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("period").GetString() == period && i.GetProperty("kind").GetString() == "invoice");
        return await JsonAsync(await client.GetAsync($"/api/tenants/{tenantId}/invoices/{summary.GetProperty("id").GetGuid()}"));
    }
}
