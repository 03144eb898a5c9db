using LicenceOps.Seats;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Anthropic;
using LicenceOps.Seats.Vendors.Google;
using LicenceOps.Seats.Vendors.Graph;
using LicenceOps.Seats.Vendors.Http;
using LicenceOps.Seats.Vendors.Manual;
using LicenceOps.Seats.Vendors.OpenAi;
using LicenceOps.Seats.Vendors.Scim;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Seats.Vendors;

/// <summary>The connectors wired as the Seats module wires them (typed HttpClient + resilience), with short retry delays.</summary>
internal static class ConnectorKit
{
    public static ServiceProvider Services(Action<SeatsOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.Configure<SeatsOptions>(o =>
        {
            o.Vendors.RetryBaseDelaySeconds = 0.05;
            o.Vendors.MaxRetries = 3;
            o.Vendors.AttemptTimeoutSeconds = 5;
            o.Vendors.TotalTimeoutSeconds = 30;
            configure?.Invoke(o);
        });
        services.AddSingleton<ManualConnector>();
        services.AddSingleton<OAuthTokenCache>();
        services.AddVendorHttpClient<GraphConnector>();
        services.AddVendorHttpClient<OpenAiConnector>();
        services.AddVendorHttpClient<AnthropicConnector>();
        services.AddVendorHttpClient<GoogleConnector>();
        services.AddVendorHttpClient<ScimConnector>();
        return services.BuildServiceProvider();
    }

    public static VendorAccount Account(string vendorCode, string connector, Uri baseAddress, string secret, Dictionary<string, string>? settings = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), vendorCode, vendorCode, "Test plan", "ws-test",
            new VendorConnection(Guid.NewGuid(), connector, $"{connector} test account", baseAddress, settings ?? [], new VendorSecret(secret)));

    public static VendorMemberContext Member(VendorAccount account, string email, string name = "Test Person") =>
        new(account, Guid.NewGuid(), email, name, null);

    public static T Read<T>(VendorReading<T> reading) => reading switch
    {
        VendorReading<T>.Read read => read.Value,
        VendorReading<T>.Unavailable unavailable => throw new AssertionException($"unavailable: {unavailable.Reason}"),
        _ => throw new AssertionException("unknown reading"),
    };
}
