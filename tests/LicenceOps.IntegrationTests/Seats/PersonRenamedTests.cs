using System.Net;
using System.Net.Http.Json;
using System.Text;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Support;
using LicenceOps.Tenants;
using LicenceOps.Platform;

namespace LicenceOps.IntegrationTests.Seats;

/// <summary>
/// A person's new name reaches the modules that keep a copy of it (PersonRenamed): Seats' person and the seats they hold
/// (ADR 0092), and Support's directory. Edited through the API or by an import that does not move the person.
/// </summary>
public sealed class PersonRenamedTests
{
    private static readonly Guid TenantId = DemoData.AcmeTenantId;
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;

    [SetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync();
    }

    [TearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    [Test]
    public async Task An_edited_name_reaches_seats_copy_the_seat_it_holds_and_supports_directory()
    {
        var (person, _) = await JoinWithSeatAsync();

        var edited = await staff.PutAsJsonAsync($"/api/tenants/{TenantId}/people/{person}", new { firstName = "Renée", lastName = "Renamed" });
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK), await edited.Content.ReadAsStringAsync());

        await NamesReachAsync(person, "Renée Renamed");
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT version FROM people WHERE person_id = @person", new { person }), Is.EqualTo(2),
            "the edit raised the person's version, and Seats' copy holds it");

        // A change of manager or external flag alone names nobody anew: nothing is published for it.
        var renamedEvents = await TenantsOutboxCountAsync(nameof(PersonRenamed));
        var flagged = await staff.PutAsJsonAsync($"/api/tenants/{TenantId}/people/{person}", new { firstName = "Renée", lastName = "Renamed", external = true });
        Assert.That(flagged.StatusCode, Is.EqualTo(HttpStatusCode.OK), await flagged.Content.ReadAsStringAsync());
        Assert.That(await TenantsOutboxCountAsync(nameof(PersonRenamed)), Is.EqualTo(renamedEvents));
        Assert.That(renamedEvents, Is.EqualTo(1));
    }

    [Test]
    public async Task An_import_that_renames_without_moving_publishes_the_new_name()
    {
        var (person, email) = await JoinWithSeatAsync();

        var file = $"""
            email,first_name,last_name,department,manager_email,start_date,external
            {email},Imported,Name,,,{Today:yyyy-MM-dd},false
            """;
        var applied = await staff.PostAsync($"/api/tenants/{TenantId}/people/import?mode=apply", new StringContent(file, Encoding.UTF8, "text/csv"));
        Assert.That(applied.StatusCode, Is.EqualTo(HttpStatusCode.OK), await applied.Content.ReadAsStringAsync());

        await NamesReachAsync(person, "Imported Name");
    }

    [Test]
    public async Task An_older_rename_arriving_late_changes_nothing()
    {
        var (person, email) = await JoinWithSeatAsync();
        (await staff.PutAsJsonAsync($"/api/tenants/{TenantId}/people/{person}", new { firstName = "Second", lastName = "Name" })).EnsureSuccessStatusCode();
        (await staff.PutAsJsonAsync($"/api/tenants/{TenantId}/people/{person}", new { firstName = "Third", lastName = "Name" })).EnsureSuccessStatusCode();
        await NamesReachAsync(person, "Third Name");

        // Version 2's event delivered again, late, under a new message id: the copies keep version 3's name.
        await SeatsKit.PublishAsync(factory, new PersonRenamed(person, TenantId, email, "Second Name", null, "active", null, factory.Clock.GetUtcNow(), 2));
        await SeatsKit.PublishAsync(factory, new PersonRenamed(person, TenantId, email, "Third Name", null, "active", null, factory.Clock.GetUtcNow(), 3));
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM inbox_messages WHERE consumer LIKE 'PersonRenamedConsumer'") >= 4);
        Assert.That(await SeatsKit.CountAsync(factory,
            "SELECT COUNT(*) FROM seats s JOIN people p ON p.person_id = s.person_id WHERE s.person_id = @person AND p.display_name = 'Third Name' AND s.person_name = 'Third Name'",
            new { person }), Is.EqualTo(1));
    }

    private DateOnly Today => DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);

    /// <summary>A person of the demo tenant, known to Seats and Support, holding one seat.</summary>
    private async Task<(Guid Person, string Email)> JoinWithSeatAsync()
    {
        var email = $"r{Guid.NewGuid():N}@{DemoData.AcmeDomain}";
        var response = await staff.PostAsJsonAsync($"/api/tenants/{TenantId}/people", new { email, firstName = "First", lastName = "Name", startDate = Today });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var person = (await SeatsKit.BodyAsync(response)).Id();
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM people WHERE person_id = @person", new { person }) == 1);
        await Eventually.UntilAsync(async () => await SupportNameAsync(person) == "First Name");

        var subscription = await SeatsKit.CreateSubscriptionAsync(factory, staff, TenantId, quantity: 1);
        await SeatsKit.AssignAsync(staff, TenantId, subscription.Id(), person);
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM seats WHERE person_id = @person AND person_name = 'First Name'", new { person }),
            Is.EqualTo(1));
        return (person, email);
    }

    private async Task NamesReachAsync(Guid person, string name)
    {
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory,
                "SELECT COUNT(*) FROM people WHERE person_id = @person AND display_name = @name", new { person, name }) == 1,
            because: $"Seats' copy of the person is named {name}");
        Assert.That(await SeatsKit.CountAsync(factory,
                "SELECT COUNT(*) FROM seats WHERE person_id = @person AND person_name = @name", new { person, name }), Is.EqualTo(1),
            "the seat the person holds names them anew (ADR 0092's trigger)");
        await Eventually.UntilAsync(async () => await SupportNameAsync(person) == name, because: $"Support's directory names the person {name}");
    }

    private Task<long> TenantsOutboxCountAsync(string messageType) =>
        factory.Service<ModuleDatabase<TenantsModule>>().QuerySingleOrDefaultAsync<long>(
            "SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE @pattern", new { pattern = $"%.{messageType},%" });

    private async Task<string?> SupportNameAsync(Guid person) =>
        await factory.Service<ModuleDatabase<SupportModule>>().QuerySingleOrDefaultAsync<string?>(
            "SELECT display_name FROM support_people WHERE person_id = @person", new { person });
}
