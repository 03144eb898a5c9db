using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.IntegrationTests.Mail;
using LicenceOps.Platform.Data;
using LicenceOps.Support;
using LicenceOps.Support.Features.Inbound;

namespace LicenceOps.IntegrationTests.Support;

/// <summary>A whole host (demo data on, so Tenants feeds Support's read copy over the bus) sending to a loopback SMTP server.</summary>
public sealed class SupportKit : IDisposable
{
    public const string Secret = "integration-inbound-secret-0123456789";
    public const string EscalationEmail = "hotline-lead@reseller.example";

    private SupportKit(SmtpSink sink, LicenceOpsFactory factory)
    {
        Sink = sink;
        Factory = factory;
    }

    public SmtpSink Sink { get; }

    public LicenceOpsFactory Factory { get; }

    public ModuleDatabase<SupportModule> Database => Factory.Service<ModuleDatabase<SupportModule>>();

    public static async Task<SupportKit> StartAsync(DateTimeOffset? clock = null, Dictionary<string, string?>? extra = null)
    {
        var sink = await SmtpSink.StartAsync();
        var settings = sink.Settings();
        settings["Support:InboundSecret"] = Secret;
        settings["Support:MaxInboundBytes"] = "100000";
        settings["Support:EscalationEmail"] = EscalationEmail;
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var factory = new LicenceOpsFactory(settings);
        if (clock is { } at)
        {
            factory.Clock.SetUtcNow(at);
        }

        var kit = new SupportKit(sink, factory);
        // Demo people of Acme and Nordwind reach Support's directory through the bus.
        await Eventually.UntilAsync(async () =>
            await kit.CountAsync("SELECT COUNT(*) FROM support_people WHERE email IN ('emma.leroy@acme-conseil.fr', 'katrin.schulz@nordwind-logistik.de')") == 2
            && await kit.CountAsync("SELECT COUNT(*) FROM support_tenant_domains") >= 2, TimeSpan.FromSeconds(60), "Tenants events reach Support");
        return kit;
    }

    public static string Corpus(string name) => Path.Combine(AppContext.BaseDirectory, "Support", "Corpus", name);

    /// <summary>
    /// The fixture's bytes with placeholders replaced. <paramref name="freshId"/> prefixes its Message-ID so tests sharing a
    /// host can each deliver the same fixture as a new message.
    /// </summary>
    public static byte[] CorpusBytes(string name, IReadOnlyDictionary<string, string>? replacements = null, string? freshId = null)
    {
        var bytes = File.ReadAllBytes(Corpus(name));
        var all = new Dictionary<string, string>(replacements ?? new Dictionary<string, string>());
        if (freshId is not null)
        {
            all["Message-ID: <"] = $"Message-ID: <{freshId}.";
        }

        if (all.Count == 0)
        {
            return bytes;
        }

        // The placeholders are ASCII and sit in ASCII headers, so a Latin-1 round trip keeps every other byte as it was.
        var text = Encoding.Latin1.GetString(bytes);
        foreach (var (key, value) in all)
        {
            text = text.Replace(key, value, StringComparison.Ordinal);
        }

        return Encoding.Latin1.GetBytes(text);
    }

    public async Task<HttpResponseMessage> PostRawAsync(byte[] raw, string? secret = Secret)
    {
        using var client = Factory.AnonymousClient();
        using var content = new ByteArrayContent(raw);
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/support/inbound-email") { Content = content };
        if (secret is not null)
        {
            request.Headers.Add("X-LicenceOps-Inbound-Secret", secret);
        }

        return await client.SendAsync(request);
    }

    public async Task<InboundReceipt> DeliverAsync(string corpus, IReadOnlyDictionary<string, string>? replacements = null, string? freshId = null)
    {
        var response = await PostRawAsync(CorpusBytes(corpus, replacements, freshId));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(202), text);
        return JsonSerializer.Deserialize<InboundReceipt>(text, Json)!;
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<long> CountAsync(string sql, object? param = null)
    {
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, param);
    }

    /// <summary>Everything Support stores about tickets and mail, to prove a refused request changed nothing.</summary>
    public async Task<string> StateAsync()
    {
        await using var connection = await Database.OpenAsync();
        var counts = new
        {
            tickets = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tickets"),
            messages = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM ticket_messages"),
            attachments = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM ticket_attachments"),
            mail = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM mail_outbox"),
            audit = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log"),
            sequence = await connection.ExecuteScalarAsync<long>("SELECT next_value FROM support_sequences"),
        };
        return JsonSerializer.Serialize(counts);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public void Dispose()
    {
        Factory.Dispose();
        Sink.Dispose();
    }
}
