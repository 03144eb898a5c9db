using System.Threading.Channels;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Seats.Transfers;

/// <summary>
/// Advances a workflow as soon as the event or command that created its work has committed, instead of at the next
/// sweep. Kicks live only in memory: at start the kicker runs one full pass over running workflows (covering kicks a
/// crash lost) and the recurring sweep stays the safety net.
/// </summary>
public sealed partial class TransferKicker(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<TransferKicker> logger)
    : BackgroundService
{
    private readonly Channel<Guid?> kicks = Channel.CreateUnbounded<Guid?>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Asks for these transfers to be advanced soon; safe to call from any thread, never blocks.</summary>
    public void Kick(IEnumerable<Guid> transferIds)
    {
        foreach (var id in transferIds)
        {
            kicks.Writer.TryWrite(id);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Workflows live in the Seats database, which is migrated once the host has started.
        if (!await lifetime.WaitForStartAsync(stoppingToken))
        {
            return;
        }

        kicks.Writer.TryWrite(null);
        try
        {
            await foreach (var transferId in kicks.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    using var actor = ActorScope.Begin(Actor.System("transfer-kicker"));
                    var engine = scope.ServiceProvider.GetRequiredService<TransferEngine>();
                    if (transferId is { } id)
                    {
                        await engine.AdvanceAsync(id, stoppingToken);
                    }
                    else
                    {
                        await engine.AdvanceAllAsync(stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The sweep picks the workflow up again; one failed kick loses nothing.
                    LogKickFailed(ex, transferId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advancing transfer {TransferId} failed; the sweep will retry it")]
    private partial void LogKickFailed(Exception ex, Guid? transferId);
}
