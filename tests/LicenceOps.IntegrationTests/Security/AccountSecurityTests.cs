using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Identity;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LicenceOps.IntegrationTests.Security;

/// <summary>Findings 1, 3, 4, 5 and the user half of 6 of issue 9: tokens, keys, sign-in and passwords.</summary>
public sealed class AccountSecurityTests
{
    private const string Password = "tangerine orbit velvet canyon";

    private LicenceOpsFactory factory = null!;
    private HttpClient admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        admin = await factory.StaffClientAsync();
        await factory.EnsureIdentityKnowsTenantAsync(DemoData.AcmeTenantId);
        await factory.EnsureIdentityKnowsTenantAsync(DemoData.NordwindTenantId);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        admin.Dispose();
        factory.Dispose();
    }

    private static readonly Dictionary<string, object> AccessChanges = new()
    {
        ["disabled"] = new { isActive = false },
        ["downgraded to viewer"] = new { role = Roles.ClientViewer, tenantId = DemoData.AcmeTenantId },
        ["moved to another tenant"] = new { role = Roles.ClientAdmin, tenantId = DemoData.NordwindTenantId },
    };

    [TestCase("disabled")]
    [TestCase("downgraded to viewer")]
    [TestCase("moved to another tenant")]
    [TestCase("password reset")]
    public async Task A_token_stops_working_as_soon_as_the_accounts_access_changes(string change)
    {
        var (id, client) = await NewAcmeAdminAsync();
        Assert.That((await client.GetAsync($"/api/tenants/{DemoData.AcmeTenantId}/people")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var changed = change == "password reset"
            ? await admin.PostAsJsonAsync($"/api/users/{id}/password", new { password = "another quiet harbour lantern" })
            : await admin.PutAsJsonAsync($"/api/users/{id}", AccessChanges[change]);
        Assert.That(changed.IsSuccessStatusCode, Is.True, await changed.Content.ReadAsStringAsync());

        Assert.That((await client.GetAsync($"/api/tenants/{DemoData.AcmeTenantId}/people")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await client.GetAsync("/api/users/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_display_name_change_keeps_the_token_valid()
    {
        var (id, client) = await NewAcmeAdminAsync();
        var renamed = await admin.PutAsJsonAsync($"/api/users/{id}", new { displayName = "Renamed Person" });
        Assert.That(renamed.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        Assert.That((await client.GetAsync("/api/users/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Tokens_signed_with_another_algorithm_or_claiming_a_long_life_are_refused()
    {
        var key = new SymmetricSecurityKey(Convert.FromBase64String(
            await File.ReadAllTextAsync(Path.Combine(factory.DataDirectory, "secrets", "jwt-signing.key"))));
        var stamp = await factory.Service<ModuleDatabase<IdentityModule>>().QuerySingleOrDefaultAsync<string>(
            "SELECT security_stamp FROM users WHERE email = @email", new { email = LicenceOpsFactory.AdminEmail });
        var adminId = await factory.Service<ModuleDatabase<IdentityModule>>().QuerySingleOrDefaultAsync<Guid>(
            "SELECT id FROM users WHERE email = @email", new { email = LicenceOpsFactory.AdminEmail });

        string Forge(string algorithm, TimeSpan life) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthSetup.Issuer,
            Audience = AuthSetup.Audience,
            Subject = new ClaimsIdentity([
                new Claim("sub", adminId.ToString()), new Claim("email", LicenceOpsFactory.AdminEmail),
                new Claim("role", Roles.StaffAdmin), new Claim("stamp", stamp!),
            ]),
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            IssuedAt = DateTime.UtcNow.AddMinutes(-1),
            Expires = DateTime.UtcNow.AddMinutes(-1) + life,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });

        async Task<HttpStatusCode> ReadUsersWith(string token)
        {
            using var client = factory.AnonymousClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return (await client.GetAsync("/api/users")).StatusCode;
        }

        Assert.That(await ReadUsersWith(Forge(SecurityAlgorithms.HmacSha256, TimeSpan.FromMinutes(30))), Is.EqualTo(HttpStatusCode.OK),
            "control: a token shaped like ours is accepted");
        Assert.That(await ReadUsersWith(Forge(SecurityAlgorithms.HmacSha512, TimeSpan.FromMinutes(30))), Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await ReadUsersWith(Forge(SecurityAlgorithms.HmacSha256, TimeSpan.FromDays(3650))), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public void The_host_refuses_to_start_with_the_placeholder_signing_key_of_the_sample_env_file()
    {
        var line = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "deploy", ".env.example"))
            .Single(l => l.StartsWith("LICENCEOPS_SIGNING_KEY=", StringComparison.Ordinal));
        var placeholder = line["LICENCEOPS_SIGNING_KEY=".Length..];
        Assert.That(placeholder, Has.Length.GreaterThanOrEqualTo(32), "the sample must not be refused merely for being short");

        foreach (var key in new[] { placeholder, new string('k', 48), "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH" })
        {
            using var weak = new LicenceOpsFactory(new Dictionary<string, string?> { ["Auth:SigningKey"] = key });
            var refused = Assert.Catch(() => weak.CreateClient(), key);
            Assert.That(refused!.ToString(), Does.Contain("Auth:SigningKey is refused"), key);
        }
    }

    [Test]
    public async Task Sign_in_with_an_unknown_email_costs_a_password_verification_like_a_known_one()
    {
        var counter = new CountingHasher(new PasswordHasher<UserRecord>());
        await using var counted = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IPasswordHasher<UserRecord>>();
            services.AddSingleton<IPasswordHasher<UserRecord>>(counter);
        }));
        var client = counted.CreateClient();

        var before = counter.Verifications;
        var unknown = await client.PostAsJsonAsync("/api/auth/token", new { email = "nobody-here@example.test", password = "whatever-it-is-123" });
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(counter.Verifications - before, Is.EqualTo(1), "an unknown e-mail is verified against a decoy hash");

        var known = await client.PostAsJsonAsync("/api/auth/token", new { email = LicenceOpsFactory.AdminEmail, password = "whatever-it-is-123" });
        Assert.That(known.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(counter.Verifications - before, Is.EqualTo(2));
    }

    [TestCase("aaaaaaaaaaaa")]
    [TestCase("            ")]
    [TestCase("\0\0\0\0\0\0\0\0\0\0\0\0")]
    [TestCase("password1234")]
    public async Task Weak_passwords_are_refused_and_no_user_is_created(string password)
    {
        var email = $"weak-{Guid.NewGuid():N}@example.test";
        var response = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "Weak", role = Roles.StaffAgent, password });

        await AssertFieldProblemAsync(response, "password");
        Assert.That(await UserCountAsync(email), Is.Zero);
    }

    [Test]
    public async Task A_password_longer_than_the_maximum_is_refused()
    {
        var response = await admin.PostAsJsonAsync("/api/users", new
        {
            email = $"long-{Guid.NewGuid():N}@example.test", displayName = "Long", role = Roles.StaffAgent, password = new string('x', 100) + Password + new string('y', 100),
        });

        await AssertFieldProblemAsync(response, "password");
    }

    [TestCase("00000000-0000-0000-0000-000000000000")]
    [TestCase("4b1f0c9e-7d3a-4e55-9a1e-8a2b3c4d5e6f")]
    public async Task A_client_user_of_a_tenant_that_does_not_exist_is_refused_and_nothing_is_stored(string tenantId)
    {
        var email = $"dangling-{Guid.NewGuid():N}@example.test";
        var response = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "Dangling", role = Roles.ClientAdmin, tenantId = Guid.Parse(tenantId), password = Password });

        await AssertFieldProblemAsync(response, "tenantId");
        Assert.That(await UserCountAsync(email), Is.Zero);
    }

    [Test]
    public async Task Moving_a_user_to_a_tenant_that_does_not_exist_is_refused()
    {
        var (id, _) = await NewAcmeAdminAsync();
        var response = await admin.PutAsJsonAsync($"/api/users/{id}", new { role = Roles.ClientAdmin, tenantId = Guid.NewGuid() });

        await AssertFieldProblemAsync(response, "tenantId");
        var user = await admin.GetFromJsonAsync<JsonElement>($"/api/users/{id}");
        Assert.That(user.GetProperty("tenantId").GetGuid(), Is.EqualTo(DemoData.AcmeTenantId));
    }

    private async Task<(Guid Id, HttpClient Client)> NewAcmeAdminAsync()
    {
        var email = $"acme-{Guid.NewGuid():N}@acme-conseil.fr";
        var created = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "Acme Admin", role = Roles.ClientAdmin, tenantId = DemoData.AcmeTenantId, password = Password });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return (id, await factory.SignedInClientAsync(email, Password));
    }

    private Task<long> UserCountAsync(string email) =>
        factory.Service<ModuleDatabase<IdentityModule>>().QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM users WHERE email = @email", new { email });

    internal static async Task AssertFieldProblemAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.That(errors.TryGetProperty(field, out _), Is.True, text);
    }

    private sealed class CountingHasher(IPasswordHasher<UserRecord> inner) : IPasswordHasher<UserRecord>
    {
        private int verifications;

        public int Verifications => Volatile.Read(ref verifications);

        public string HashPassword(UserRecord user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(UserRecord user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref verifications);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
