using NUnit.Framework;

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
}
