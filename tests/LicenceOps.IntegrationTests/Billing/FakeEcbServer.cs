using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LicenceOps.IntegrationTests.Billing;

/// <summary>A loopback stand-in for www.ecb.europa.eu serving the real sample files; can be switched off.</summary>
public sealed class FakeEcbServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeEcbServer(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    public bool Down { get; set; }

    public int Requests { get; private set; }

    public static string SamplePath(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "ecb", file);

    public static async Task<FakeEcbServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeEcbServer(app);
        app.MapGet("/stats/eurofxref/{file}", (string file) =>
        {
            server.Requests++;
            if (server.Down)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            var path = file switch
            {
                "eurofxref-daily.xml" => SamplePath("ecb_eurofxref-daily.xml"),
                "broken.xml" => null,
                _ => null,
            };
            return path is null
                ? file == "broken.xml" ? Results.Text("<html>maintenance</html>", "text/html") : Results.NotFound()
                : Results.File(File.ReadAllBytes(path), "text/xml");
        });
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
