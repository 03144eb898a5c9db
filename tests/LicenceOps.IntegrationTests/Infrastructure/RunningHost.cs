using LicenceOps.Platform.Hosting;
using LicenceOps.Platform.Modules;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.IntegrationTests.Infrastructure;

/// <summary>
/// A real host on a loopback port composed of any modules (including test-only ones), for tests that need
/// several hosts at once or modules that the product's Program does not list.
/// </summary>
public sealed class RunningHost : IAsyncDisposable
{
    private RunningHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<RunningHost> StartAsync(IReadOnlyList<IModule> modules, string dataDirectory, IDictionary<string, string?>? settings = null)
    {
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--Storage:DataDirectory={dataDirectory}",
            $"--Identity:AdminPassword={LicenceOpsFactory.AdminPassword}",
            "--Jobs:RunServer=false",
            "--Logging:LogLevel:Default=Warning",
        };
        args.AddRange((settings ?? new Dictionary<string, string?>()).Select(s => $"--{s.Key}={s.Value}"));

        var app = LicenceOpsApplication.Create([.. args], modules);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningHost(app, new Uri(address));
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
