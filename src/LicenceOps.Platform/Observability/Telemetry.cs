using System.Diagnostics.Metrics;
using LicenceOps.Platform.Modules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LicenceOps.Platform.Observability;

/// <summary>
/// OpenTelemetry traces and metrics for HTTP, the bus and our own meters. They are collected and exported over OTLP
/// only when an endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT), so the embedded mode needs no collector.
/// </summary>
public static class Telemetry
{
    public const string MeterName = "LicenceOps";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Outbox messages handed to the bus, by module.</summary>
    internal static readonly Counter<long> OutboxPublished = Meter.CreateCounter<long>("licenceops.outbox.published", description: "Outbox messages published");

    /// <summary>Outbox publish attempts that failed and will be retried, by module.</summary>
    internal static readonly Counter<long> OutboxFailures = Meter.CreateCounter<long>("licenceops.outbox.failures", description: "Outbox publish failures");

    public static IServiceCollection AddLicenceOpsTelemetry(this IServiceCollection services, IConfiguration configuration, IReadOnlyList<IModule> modules)
    {
        // Without an exporter nothing would read the spans and histograms, yet every request would still pay for
        // recording them (about 5 % of a paged list's CPU): only collect what is shipped somewhere. The meters above
        // and ASP.NET Core's own stay readable with dotnet-counters either way.
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(configuration["OTEL_SERVICE_NAME"] ?? "licenceops")
                .AddAttributes([new("licenceops.modules", string.Join(",", modules.Select(m => m.Name)))]))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddSource("MassTransit"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit")
                .AddMeter(MeterName))
            .UseOtlpExporter();
        return services;
    }
}
