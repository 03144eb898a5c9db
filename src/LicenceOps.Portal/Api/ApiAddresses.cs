using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace LicenceOps.Portal.Api;

/// <summary>
/// Resolves the base address of each module's API: a per-module setting, else <c>Portal:ApiBaseAddress</c>, else
/// this host's own listening address (the embedded mode, where the portal talks to its neighbours over loopback).
/// </summary>
public sealed class ApiAddresses(IOptions<PortalOptions> options, IServer server)
{
    private Uri? self;

    public Uri For(ApiModule module)
    {
        var settings = options.Value;
        if (settings.ModuleApiAddresses.TryGetValue(module.ToString(), out var configured) && !string.IsNullOrWhiteSpace(configured))
        {
            return WithTrailingSlash(configured);
        }

        if (!string.IsNullOrWhiteSpace(settings.ApiBaseAddress))
        {
            return WithTrailingSlash(settings.ApiBaseAddress);
        }

        return self ??= OwnAddress();
    }

    private Uri OwnAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        // Prefer plain HTTP on loopback: no certificate to trust for a call that never leaves the machine.
        var chosen = addresses.OrderBy(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? 0 : 1).FirstOrDefault()
            ?? throw new InvalidOperationException(
                "The portal cannot find this host's address to call the API: set Portal:ApiBaseAddress.");
        var uri = new Uri(chosen.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return new UriBuilder(uri.Scheme, host, uri.Port, "/").Uri;
    }

    private static Uri WithTrailingSlash(string address) => new(address.EndsWith('/') ? address : address + "/");
}
