using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Platform.Http.Paging;

public static class PagingSetup
{
    /// <summary>Page sizes, their OpenAPI description, and Brotli/gzip for the JSON and CSV the lists and exports answer.</summary>
    public static IServiceCollection AddLicenceOpsPaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(PagingOptions.From(configuration));
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", openApi => openApi.AddOperationTransformer<PagingOpenApiTransformer>());
        services.AddResponseCompression(options =>
        {
            // Bearer-token APIs carry no secret the attacker could inject next to in the same response (BREACH needs
            // both), so compressing over HTTPS is safe here. PDFs are already deflated: not listed.
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ["application/json", "application/problem+json", "text/csv", "text/plain", "text/html", "application/javascript", "text/css"];
        });
        // Fastest: at this API's page sizes the CPU a higher level costs is worth more than the bytes it saves on a LAN.
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        return services;
    }

    public static WebApplication UseLicenceOpsResponseCompression(this WebApplication app)
    {
        app.UseResponseCompression();
        return app;
    }
}
