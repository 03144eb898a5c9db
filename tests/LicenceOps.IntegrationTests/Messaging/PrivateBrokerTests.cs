using System.Diagnostics;
using System.Text;
using LicenceOps.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace LicenceOps.IntegrationTests.Messaging;

[TestFixture]
[Category(TestRabbitMq.Category)]
public sealed class PrivateBrokerTests
{
    [Test]
    public async Task Test_broker_accepts_a_connection_and_round_trips_a_message()
    {
        var factory = new ConnectionFactory { Uri = TestRabbitMq.Address };
        await using var connection = await factory.CreateConnectionAsync("licenceops-broker-check");
        await using var channel = await connection.CreateChannelAsync();
        var queue = await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true);
        var body = Encoding.UTF8.GetBytes("ping " + Guid.NewGuid());

        await channel.BasicPublishAsync(exchange: "", routingKey: queue.QueueName, body: body);

        BasicGetResult? received = null;
        var waited = Stopwatch.StartNew();
        while (received is null && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            received = await channel.BasicGetAsync(queue.QueueName, autoAck: true);
            if (received is null)
            {
                await Task.Delay(50);
            }
        }

        Assert.That(received, Is.Not.Null, "the message published to the private broker never came back");
        Assert.That(received!.Body.ToArray(), Is.EqualTo(body));
    }
}
