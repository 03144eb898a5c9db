using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LicenceOps.Platform.Hosting;

internal static class HealthChecks
{
    public static IServiceCollection AddLicenceOpsHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabasesHealthCheck>("databases", tags: ["ready"])
            .AddCheck<OutboxBacklogHealthCheck>("outbox", tags: ["ready"]);
        return services;
    }

    /// <summary>/health/live: the process answers. /health/ready: databases and (MassTransit's own check) the bus.</summary>
    public static void MapLicenceOpsHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteAsync,
            // A degraded bus (broker unreachable, endpoints reconnecting) must take the host out of rotation too.
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}

internal sealed class DatabasesHealthCheck(ModuleDatabases databases) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failures = new List<string>();
        foreach (var database in databases.All)
        {
            try
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                await connection.ExecuteScalarAsync<int>("SELECT 1");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"{database.Module}: {ex.Message}");
            }
        }

        return failures.Count == 0
            ? HealthCheckResult.Healthy($"{databases.All.Count} module database(s) reachable.")
            : HealthCheckResult.Unhealthy(string.Join("; ", failures));
    }
}

/// <summary>
/// Unhealthy while any module has an outbox message older than <see cref="OutboxOptions.BacklogThreshold"/> that is not
/// delivered yet (broker unreachable, or in the embedded mode a consumer that keeps failing); healthy again as soon
/// as the backlog drains.
/// </summary>
internal sealed class OutboxBacklogHealthCheck(ModuleDatabases databases, Messaging.OutboxOptions options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow() - options.BacklogThreshold;
        var late = new List<string>();
        foreach (var database in databases.All)
        {
            var count = await database.QuerySingleOrDefaultAsync<long>(
                "SELECT COUNT(*) FROM outbox_messages WHERE dispatched_at IS NULL AND created_at < @cutoff", new { cutoff }, cancellationToken);
            if (count > 0)
            {
                late.Add($"{database.Module}: {count} message(s) undelivered for more than {options.BacklogThreshold.TotalSeconds:0} s");
            }
        }

        return late.Count == 0
            ? HealthCheckResult.Healthy("No outbox backlog.")
            : HealthCheckResult.Unhealthy(string.Join("; ", late));
    }
}
