using LicenceOps.Platform.Data;
using LicenceOps.Platform.Identity;
using LicenceOps.Platform.Modules;
using LicenceOps.Portal.Api;
using LicenceOps.Portal.Localization;
using LicenceOps.Portal.Pages;
using LicenceOps.Portal.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Portal;

/// <summary>
/// The web portal for client users and reseller staff: server-rendered Razor Pages under /portal. It owns no
/// business data; every page reads and acts through the modules' public API with the signed-in user's token
/// (docs/adr/0003-portal-razor-pages-over-the-public-api.md).
/// </summary>
public sealed class PortalModule : IModule
{
    public string Name => "Portal";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PortalOptions>(configuration.GetSection(Name));
        var keys = configuration[$"{Name}:KeysDirectory"] is { Length: > 0 } configured
            ? configured
            : Path.Combine(DatabaseOptions.From(configuration).DataDirectory, "secrets", "portal-keys");
        services.AddDataProtection()
            .SetApplicationName("LicenceOps")
            .PersistKeysToFileSystem(new DirectoryInfo(keys));

        services.AddPortalAuth(configuration);
        services.AddSingleton<ApiAddresses>();
        services.AddSingleton<Texts>();
        services.AddHttpClient<PortalApi>(http => http.Timeout = TimeSpan.FromSeconds(30));

        services.AddRazorPages(pages =>
            {
                pages.Conventions.AuthorizeFolder("/", PortalAuth.UserPolicy);
                pages.Conventions.AuthorizeFolder("/Staff", PortalAuth.StaffPolicy);
                pages.Conventions.AllowAnonymousToPage("/SignIn");
                pages.Conventions.AllowAnonymousToPage("/Language");
            })
            .AddApplicationPart(typeof(PortalModule).Assembly)
            .AddMvcOptions(mvc =>
            {
                mvc.Filters.Add<PortalCultureFilter>();
                mvc.Filters.Add<ApiFailureFilter>();
            });
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        // Sign-in checks passwords with the Identity module's own rule (CredentialCheck): it must run in this host.
        if (endpoints.ServiceProvider.GetService<CredentialCheck>() is null)
        {
            throw new InvalidOperationException("The Portal module signs users in with the Identity module: run them in the same host.");
        }

        endpoints.MapGet("/portal/assets/{name}", PortalAssets.Serve).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapRazorPages();
    }
}
