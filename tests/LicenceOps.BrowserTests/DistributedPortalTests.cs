using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace LicenceOps.BrowserTests;

/// <summary>
/// The portal in the distributed mode: two hosts of the same executable on the test run's private RabbitMQ, one
/// running sign-in, the portal and Tenants, the other Seats, Billing and Support. The portal reaches the second
/// host's modules only through <c>Portal:ModuleApiAddresses</c>, with the user's token, which that host accepts
/// because both share <c>Auth:SigningKey</c> and it reads security stamps from the first host's Identity database.
/// </summary>
[NonParallelizable]
[Category("RabbitMq")]
public sealed class DistributedPortalTests
{
    private PortalHost? front;
    private PortalHost? back;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var prefix = "portal" + Guid.NewGuid().ToString("N")[..8];
        var frontData = PortalHost.NewDataDirectory();
        var backPort = PortalHost.FreePort();
        var shared = new Dictionary<string, string?>(BusSettings(prefix))
        {
            // A test-only key: long and random enough for the host's key policy, never used outside this run.
            ["Auth:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
            ["ConnectionStrings:Identity"] = $"Data Source={Path.Combine(frontData, "identity.db")}",
        };

        // The consuming host first: on a first start, its queues must be bound before the front host publishes the
        // demo companies, or RabbitMQ has nowhere to route them (docs/operations.md, "First start").
        back = await PortalHost.StartAsync(new Dictionary<string, string?>(shared) { ["Modules"] = "Seats,Billing,Support" }, port: backPort);
        front = await PortalHost.StartAsync(new Dictionary<string, string?>(shared)
        {
            ["Modules"] = "Identity,Portal,Tenants",
            ["Portal:ModuleApiAddresses:Seats"] = $"http://127.0.0.1:{backPort}/",
            ["Portal:ModuleApiAddresses:Billing"] = $"http://127.0.0.1:{backPort}/",
            ["Portal:ModuleApiAddresses:Support"] = $"http://127.0.0.1:{backPort}/",
        }, dataDirectory: frontData);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        foreach (var (name, host) in new[] { ("front", front), ("back", back) })
        {
            if (host is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(PortalWorld.Artifacts, $"distributed-{name}.log"), host.Output);
                await host.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task A_client_reads_pages_served_by_two_hosts_and_the_hotline_answers_across_them()
    {
        await using var client = await PortalWorld.Browser.NewContextAsync(Options());
        var page = await client.NewPageAsync();
        await SignInAsync(page, PortalWorld.AcmeAdmin);

        // Tenants (front host) and Seats (back host) on one page.
        await page.GotoAsync($"/portal/t/{PortalWorld.Acme}/seats");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("table tbody tr").First).Not.ToContainTextAsync("Nothing to show.");

        // Support (back host): a ticket opened through the portal is answered by staff on the same queue.
        var subject = $"Distributed check {Guid.NewGuid():N}"[..30];
        await page.GotoAsync($"/portal/t/{PortalWorld.Acme}/tickets");
        await page.GetByLabel("Subject").FillAsync(subject);
        await page.GetByLabel("Describe the problem").FillAsync("Opened through the front host, stored by the back host.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the ticket" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is open");
        await page.ScreenshotAsync(new() { Path = Path.Combine(PortalWorld.Artifacts, "distributed-client-tickets.png"), FullPage = true });

        await using var staffContext = await PortalWorld.Browser.NewContextAsync(Options());
        var staff = await staffContext.NewPageAsync();
        await SignInAsync(staff, PortalWorld.StaffAdmin);
        await staff.GotoAsync("/portal/staff/tickets");
        var row = staff.GetByRole(AriaRole.Row).Filter(new() { HasText = subject });
        await Assertions.Expect(row).ToContainTextAsync("Acme Conseil SAS");
        await row.GetByRole(AriaRole.Link).First.ClickAsync();
        await staff.GetByLabel(new Regex("^Message")).FillAsync("Answered from the staff queue.");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Send the reply" }).ClickAsync();
        await Assertions.Expect(staff.Locator(".conversation")).ToContainTextAsync("Answered from the staff queue.");

        // The other company's pages stay out of reach on both hosts.
        var other = await page.GotoAsync($"/portal/t/{PortalWorld.Nordwind}/seats");
        Assert.That(other!.Status, Is.EqualTo(404));
    }

    private BrowserNewContextOptions Options() => new()
    {
        BaseURL = front!.BaseAddress.ToString().TrimEnd('/'),
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        Locale = "en-GB",
    };

    private static async Task SignInAsync(IPage page, string email)
    {
        // The staff landing page reads every company's health across both hosts: generous on a loaded CI machine.
        page.SetDefaultTimeout(60_000);
        // Signed in once the sign-in form's answer sends the browser on, not once the landing page has arrived: it reads every
        // company's health across both hosts while the second one may still be rendering its demo documents, which on a
        // loaded machine took longer than any timeout here, and it is not what this test is about. The next navigation
        // replaces the landing page's.
        await SignInForm.SubmitAsync(page, email);
    }

    /// <summary>The private broker scripts/test.sh starts (LICENCEOPS_TEST_RABBITMQ): missing fails, never skips.</summary>
    private static Dictionary<string, string?> BusSettings(string prefix)
    {
        var value = Environment.GetEnvironmentVariable("LICENCEOPS_TEST_RABBITMQ");
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value, UriKind.Absolute, out var address) || address.Scheme != "amqp")
        {
            Assert.Fail("LICENCEOPS_TEST_RABBITMQ is not an amqp:// address: run scripts/test.sh, which starts the private RabbitMQ node.");
            throw new InvalidOperationException();
        }

        var credentials = address.UserInfo.Split(':', 2);
        var virtualHost = Uri.UnescapeDataString(address.AbsolutePath.TrimStart('/'));
        return new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:EndpointPrefix"] = prefix,
            ["Bus:RabbitMq:Host"] = address.Host,
            ["Bus:RabbitMq:Port"] = (address.IsDefaultPort ? 5672 : address.Port).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Bus:RabbitMq:VirtualHost"] = virtualHost.Length == 0 ? "/" : virtualHost,
            ["Bus:RabbitMq:Username"] = Uri.UnescapeDataString(credentials[0]),
            ["Bus:RabbitMq:Password"] = credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : string.Empty,
        };
    }
}
