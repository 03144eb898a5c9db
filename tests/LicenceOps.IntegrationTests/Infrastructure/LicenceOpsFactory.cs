using System.Net.Http.Headers;
using System.Net.Http.Json;
using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Identity;
using LicenceOps.Platform.Security;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace LicenceOps.IntegrationTests.Infrastructure;

/// <summary>
/// The whole product in-process over real SQLite files in a temp folder. Hangfire's server is off so tests
/// run jobs themselves after moving <see cref="Clock"/>.
/// </summary>
public sealed class LicenceOpsFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@licenceops.local";
    public const string AdminPassword = "integration-admin-password";
    public const string UserPassword = "integration-user-password";

    private readonly IDictionary<string, string?> settings;
    private readonly bool ownsDataDirectory;
    private readonly Action<IServiceCollection>? services;

    /// <param name="settings">Configuration overrides, e.g. ["Modules"] = "Identity,Tenants".</param>
    /// <param name="dataDirectory">Reuse a data directory (to restart a host over the same databases); the caller deletes it.</param>
    /// <param name="services">Replaces services after the host's own registrations (a test's instrumented double).</param>
    public LicenceOpsFactory(IDictionary<string, string?>? settings = null, string? dataDirectory = null, Action<IServiceCollection>? services = null)
    {
        this.settings = settings ?? new Dictionary<string, string?>();
        this.services = services;
        ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? NewDataDirectory();
    }

    public string DataDirectory { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    public static string NewDataDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "licenceops-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.UseSetting("Identity:AdminPassword", AdminPassword);
        builder.UseSetting("Jobs:RunServer", "false");
        builder.UseSetting("Auth:TokenRequestsPerMinute", "100000");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            this.services?.Invoke(services);
        });
    }

    public T Service<T>() where T : notnull
    {
        var scope = Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<T>();
    }

    public HttpClient AnonymousClient() => CreateClient();

    /// <summary>A client signed in as the seeded staff admin, or as a new staff user of <paramref name="role"/>.</summary>
    public async Task<HttpClient> StaffClientAsync(string role = Roles.StaffAdmin)
    {
        if (role == Roles.StaffAdmin)
        {
            return await SignedInClientAsync(AdminEmail, AdminPassword);
        }

        return await NewUserClientAsync(role, null);
    }

    /// <summary>A client signed in as a new user of <paramref name="tenantId"/>.</summary>
    public Task<HttpClient> ClientUserAsync(Guid tenantId, string role = Roles.ClientAdmin) => NewUserClientAsync(role, tenantId);

    public async Task<HttpClient> SignedInClientAsync(string email, string password)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenBody>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.access_token);
        return client;
    }

    private async Task<HttpClient> NewUserClientAsync(string role, Guid? tenantId)
    {
        if (tenantId is { } tenant)
        {
            await EnsureIdentityKnowsTenantAsync(tenant);
        }

        using var admin = await SignedInClientAsync(AdminEmail, AdminPassword);
        var email = $"{role}-{Guid.NewGuid():N}@example.test";
        var created = await admin.PostAsJsonAsync("/api/users", new { email, displayName = role, role, tenantId, password = UserPassword });
        created.EnsureSuccessStatusCode();
        return await SignedInClientAsync(email, UserPassword);
    }

    /// <summary>
    /// Identity refuses client users of tenants it has not heard of (TenantProfileChanged). A tenant made through the
    /// Tenants API arrives by the bus; a made-up tenant id of a Seats or Billing test is announced here as Tenants would,
    /// dated at the epoch so that any real profile of that tenant wins over it.
    /// </summary>
    public async Task EnsureIdentityKnowsTenantAsync(Guid tenantId)
    {
        // Seats keeps the same kind of copy (subscriptions for unknown tenants are refused), so both must have heard.
        var identity = Service<ModuleDatabase<IdentityModule>>();
        var seats = Services.GetService<ModuleDatabase<LicenceOps.Seats.SeatsModule>>();
        async Task<bool> KnownAsync() =>
            await identity.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM known_tenants WHERE tenant_id = @tenantId", new { tenantId }) == 1
            && (seats is null
                || await seats.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM known_tenants WHERE tenant_id = @tenantId", new { tenantId }) == 1);
        if (await KnownAsync())
        {
            return;
        }

        var tenants = Services.GetService<ModuleDatabase<LicenceOps.Tenants.TenantsModule>>();
        var ownedByTenants = tenants is not null
            && await tenants.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM tenants WHERE id = @tenantId", new { tenantId }) == 1;
        if (!ownedByTenants)
        {
            await Service<IBus>().Publish(new TenantProfileChanged(
                tenantId, $"Test tenant {tenantId:N}", null, null, null, "FR", "1 rue du Test", null, "75001", "Paris",
                "billing@example.test", "active", DateTimeOffset.UnixEpoch));
        }

        await Eventually.UntilAsync(KnownAsync, because: $"Identity hears of tenant {tenantId}");
    }

    /// <summary>
    /// Seats refuses seat templates for departments it has not heard of (DepartmentChanged). A made-up department of a
    /// Seats test is announced here as Tenants would, dated at the epoch; a real one (made through the API) is awaited.
    /// </summary>
    public async Task EnsureSeatsKnowsDepartmentAsync(Guid tenantId, Guid departmentId)
    {
        var seats = Service<ModuleDatabase<LicenceOps.Seats.SeatsModule>>();
        async Task<bool> KnownAsync() =>
            await seats.QuerySingleOrDefaultAsync<long>(
                "SELECT COUNT(*) FROM known_departments WHERE department_id = @departmentId AND tenant_id = @tenantId", new { departmentId, tenantId }) == 1;
        if (await KnownAsync())
        {
            return;
        }

        var tenants = Services.GetService<ModuleDatabase<LicenceOps.Tenants.TenantsModule>>();
        var ownedByTenants = tenants is not null
            && await tenants.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM departments WHERE id = @departmentId", new { departmentId }) == 1;
        if (!ownedByTenants)
        {
            await Service<IBus>().Publish(new DepartmentChanged(departmentId, tenantId, $"Test department {departmentId:N}", DateTimeOffset.UnixEpoch, "active"));
        }

        await Eventually.UntilAsync(KnownAsync, because: $"Seats hears of department {departmentId}");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && ownsDataDirectory)
        {
            DeleteQuietly(DataDirectory);
        }
    }

    public static void DeleteQuietly(string directory)
    {
        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            ModuleDatabase.ClearSqlitePools();
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a background thread; the temp folder is cleaned by the OS later.
        }
    }

#pragma warning disable IDE1006, CA1707 // mirrors the JSON field name
    private sealed record TokenBody(string access_token, int expires_in);
#pragma warning restore IDE1006, CA1707
}
