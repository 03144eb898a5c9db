namespace LicenceOps.IntegrationTests.Infrastructure;

/// <summary>
/// The private RabbitMQ node that scripts/test.sh starts for the run (scripts/rabbitmq.sh).
/// Tests that need it fail, never skip, when it is missing: a green run must mean the broker was tested.
/// </summary>
public static class TestRabbitMq
{
    public const string EnvironmentVariable = "LICENCEOPS_TEST_RABBITMQ";

    /// <summary>Category of every test that needs the broker: <c>--filter TestCategory!=RabbitMq</c> leaves them out.</summary>
    public const string Category = "RabbitMq";

    /// <summary>amqp://user:password@host:port/ of the private node.</summary>
    public static Uri Address
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                Assert.Fail(
                    $"{EnvironmentVariable} is not set. RabbitMQ tests run against the private broker that " +
                    "scripts/test.sh starts: run scripts/test.sh (or `eval \"$(scripts/rabbitmq.sh start)\"` and export " +
                    $"{EnvironmentVariable}), or leave these tests out with --filter TestCategory!={Category}.");
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != "amqp")
            {
                Assert.Fail($"{EnvironmentVariable}='{value}' is not an amqp://user:password@host:port/ address.");
            }

            return uri!;
        }
    }

    /// <summary>
    /// Host settings that put the bus on the private broker. <paramref name="endpointPrefix"/> makes the
    /// run's queue names unique, so a host never drains queues left by another test.
    /// </summary>
    public static Dictionary<string, string?> BusSettings(string endpointPrefix)
    {
        var address = Address;
        var credentials = address.UserInfo.Split(':', 2);
        var virtualHost = Uri.UnescapeDataString(address.AbsolutePath.TrimStart('/'));
        return new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:EndpointPrefix"] = endpointPrefix,
            ["Bus:RabbitMq:Host"] = address.Host,
            ["Bus:RabbitMq:Port"] = (address.IsDefaultPort ? 5672 : address.Port).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Bus:RabbitMq:VirtualHost"] = virtualHost.Length == 0 ? "/" : virtualHost,
            ["Bus:RabbitMq:Username"] = Uri.UnescapeDataString(credentials[0]),
            ["Bus:RabbitMq:Password"] = credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : string.Empty,
        };
    }
}
