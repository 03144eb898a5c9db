using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Security;

namespace LicenceOps.IntegrationTests.Security;

/// <summary>
/// A user is read before the write transaction of an edit, so two edits at once raced: a rename that read the user
/// while still active, committing after a disable, re-enabled them. The edit is now conditional on the version read
/// (security stamp and name): each concurrent edit either applies to what it read or is a 409, never undoes another.
/// </summary>
public sealed class ConcurrentUserEditTests
{
    [Test]
    public async Task A_disable_racing_renames_is_never_undone_by_a_stale_rename()
    {
        using var factory = new LicenceOpsFactory();
        using var admin = await factory.StaffClientAsync();
        var created = await admin.PostAsJsonAsync("/api/users", new
        {
            email = $"race{Guid.NewGuid():N}@licenceops.example"[..40], displayName = "Race", role = Roles.StaffAgent,
            password = LicenceOpsFactory.UserPassword,
        });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        var disablesApplied = 0;
        for (var round = 0; round < 8; round++)
        {
            var edits = new List<Task<HttpResponseMessage>> { admin.PutAsJsonAsync($"/api/users/{id}", new { isActive = false }) };
            edits.AddRange(Enumerable.Range(0, 4).Select(i => admin.PutAsJsonAsync($"/api/users/{id}", new { displayName = $"Race {round}.{i}" })));
            var answers = await Task.WhenAll(edits);

            Assert.That(answers.Select(a => a.StatusCode), Is.All.AnyOf(HttpStatusCode.OK, HttpStatusCode.Conflict));
            var user = await admin.GetFromJsonAsync<JsonElement>($"/api/users/{id}");
            if (answers[0].StatusCode == HttpStatusCode.OK)
            {
                disablesApplied++;
                Assert.That(user.GetProperty("isActive").GetBoolean(), Is.False, $"round {round}: an acknowledged disable was undone");
            }

            // Back to active for the next round (sequential, so it applies).
            var reset = await admin.PutAsJsonAsync($"/api/users/{id}", new { isActive = true });
            Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.OK), await reset.Content.ReadAsStringAsync());
        }
        Assert.That(disablesApplied, Is.GreaterThan(0), "some disables applied, or the test proves nothing");
    }
}
