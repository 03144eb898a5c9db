using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Domain.Transfers;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Accounts;
using LicenceOps.Seats.Vendors.Manual;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Transfers;

internal abstract record StepProgress
{
    public sealed record Completed(string By, Guid? SeatId = null) : StepProgress;

    public sealed record Waiting(Guid? SeatRequestId = null) : StepProgress;

    /// <summary>The step has no purpose any more; its lane is cancelled with this reason.</summary>
    public sealed record Cancelled(string Reason) : StepProgress;
}

/// <summary>Runs one workflow step inside the caller's transaction. Every step is safe to run again.</summary>
internal sealed class StepExecutor(VendorConnectors connectors, VendorCredentials credentials, IOptions<SeatsOptions> options)
{
    public async Task<StepProgress> ExecuteAsync(UnitOfWork uow, TransferRow transfer, TransferStepRow step, CancellationToken ct)
    {
        var person = await uow.QuerySingleOrDefaultAsync<PersonRow>(PersonRow.SelectSql + " WHERE person_id = @personId",
            new { personId = transfer.PersonId })
            ?? throw new StepBlockedException($"Person {transfer.PersonId} is unknown to Seats.");
        var sub = await SubscriptionLedger.FindAsync(uow, transfer.TenantId, step.SubscriptionId)
            ?? throw new StepBlockedException($"Subscription {step.SubscriptionId} no longer exists.");

        if (TransferPlanner.IsOnboardingKind(step.Kind) && person.Status == "left")
        {
            return new StepProgress.Cancelled($"superseded: {person.Email} has left");
        }

        return step.Kind switch
        {
            StepKinds.AssignSeat => await AssignSeatAsync(uow, transfer, step, sub),
            StepKinds.Invite => await InviteAsync(uow, step, person, sub, ct),
            StepKinds.AwaitActivation => await AwaitActivationAsync(uow, step, person, sub, ct),
            StepKinds.HandOverData => await VendorActionAsync(
                async c => await c.TransferDataAsync(await MemberAsync(uow, person, sub, step), step.DataRule ?? "", uow, ct)),
            StepKinds.RevokeAccess => await RevokeAsync(uow, transfer, step, person, sub, ct),
            StepKinds.ReleaseSeat => await ReleaseAsync(uow, transfer, step, person),
            _ => throw new StepBlockedException($"Unknown step kind '{step.Kind}'."),
        };

        async Task<StepProgress> VendorActionAsync(Func<IVendorConnector, Task<ConnectorResult>> action) =>
            await action(await ConnectorForAsync(uow, sub, step)) switch
            {
                ConnectorResult.Done done => new StepProgress.Completed(done.DoneBy),
                _ => new StepProgress.Waiting(),
            };
    }

    private static async Task<StepProgress> AssignSeatAsync(UnitOfWork uow, TransferRow transfer, TransferStepRow step, SubscriptionRow sub)
    {
        if (step.SeatRequestId is { } requestId)
        {
            var request = await SeatRequestLedger.FindAsync(uow, transfer.TenantId, requestId)
                ?? throw new StepBlockedException($"Seat request {requestId} disappeared.");
            return request.Status switch
            {
                SeatRequestStatuses.Approved => new StepProgress.Completed(request.DecidedBy ?? "staff", request.SeatId),
                SeatRequestStatuses.Rejected => throw new StepBlockedException(
                    $"Seat request rejected by {request.DecidedBy}: {request.DecisionReason}"),
                _ => new StepProgress.Waiting(requestId),
            };
        }

        var open = await SeatLedger.FindOpenAsync(uow, sub.Id, transfer.PersonId);
        if (open is not null)
        {
            return new StepProgress.Completed("already assigned", open.Id);
        }
        var reason = $"{transfer.Kind} transfer {transfer.Id}";
        var claim = await SeatLedger.ClaimAsync(uow, sub, SeatAllocation.AllowsIncrease(sub.AutoIncreasePolicy), reason);
        if (claim == ClaimOutcome.Full)
        {
            var queued = await SeatRequestLedger.CreateAsync(uow, transfer.TenantId, sub.Id, transfer.PersonId,
                $"No free seat and the subscription waits for staff ({reason}).");
            return new StepProgress.Waiting(queued);
        }
        var seatId = await SeatLedger.InsertAsync(uow, sub, transfer.PersonId, reason);
        return new StepProgress.Completed(claim == ClaimOutcome.ClaimedWithIncrease ? "seat added per policy" : "free seat", seatId);
    }

    private async Task<StepProgress> InviteAsync(UnitOfWork uow, TransferStepRow step, PersonRow person, SubscriptionRow sub, CancellationToken ct)
    {
        var seat = await SeatOf(uow, step);
        var status = SeatLifecycle.Parse(seat.Status);
        if (status == SeatStatus.Released)
        {
            return new StepProgress.Cancelled($"superseded: seat {seat.Id} was released before the invite");
        }
        if (status != SeatStatus.Requested)
        {
            return new StepProgress.Completed("already invited", seat.Id);
        }
        var result = await (await ConnectorForAsync(uow, sub, step)).InviteAsync(await MemberAsync(uow, person, sub, step), uow, ct);
        if (result is not ConnectorResult.Done done)
        {
            return new StepProgress.Waiting();
        }
        await SeatLedger.TransitionAsync(uow, seat, SeatStatus.Requested, SeatStatus.Invited, $"invite done by {done.DoneBy}");
        return new StepProgress.Completed(done.DoneBy, seat.Id);
    }

    private async Task<StepProgress> AwaitActivationAsync(UnitOfWork uow, TransferStepRow step, PersonRow person, SubscriptionRow sub, CancellationToken ct)
    {
        var seat = await SeatOf(uow, step);
        switch (SeatLifecycle.Parse(seat.Status))
        {
            case SeatStatus.Active or SeatStatus.Suspended:
                return new StepProgress.Completed("vendor activation", seat.Id);
            case SeatStatus.Released:
                return new StepProgress.Cancelled($"superseded: seat {seat.Id} was released before activation");
        }
        // With an admin API the vendor itself says when the member joined (a Graph licence is active on assignment).
        var account = await credentials.AccountOfAsync(uow, sub);
        var connector = connectors.For(account);
        if (connector.IsApi && SeatLifecycle.Parse(seat.Status) == SeatStatus.Invited
            && await connector.FindMemberAsync(account, person.Email, ct) is VendorReading<VendorMember?>.Read { Value.Status: VendorMemberStatuses.Active }
            && await SeatLedger.TransitionAsync(uow, seat, SeatStatus.Invited, SeatStatus.Active, $"{connector.Name} API reports the member active"))
        {
            return new StepProgress.Completed($"{connector.Name} API: member active", seat.Id);
        }
        var interval = TimeSpan.FromDays(options.Value.ActivationReminderAfterDays);
        if (TransferTiming.ReminderDue(step.WaitingSince ?? uow.Now, step.LastReminderAt, uow.Now, interval))
        {
            await ManualTaskRow.CreateAsync(uow, await MemberAsync(uow, person, sub, step), ManualTaskActions.RemindActivation,
                $"{person.Email} has not joined the {sub.PlanName} workspace {sub.VendorAccountId} yet: remind them to accept " +
                "the invite with their company account, then confirm.");
            await uow.ExecuteAsync("UPDATE transfer_steps SET last_reminder_at = @now WHERE id = @id", new { id = step.Id, now = uow.Now });
        }
        return new StepProgress.Waiting();
    }

    private async Task<StepProgress> RevokeAsync(
        UnitOfWork uow, TransferRow transfer, TransferStepRow step, PersonRow person, SubscriptionRow sub, CancellationToken ct)
    {
        var seat = await SeatOf(uow, step);
        // A seat released by hand still has its member at the vendor: that is what a seat_release workflow removes.
        if (seat.Status == SeatLifecycle.ToCode(SeatStatus.Released) && transfer.Kind != TransferKinds.SeatRelease)
        {
            return new StepProgress.Completed("seat already released", seat.Id);
        }
        var connector = await ConnectorForAsync(uow, sub, step);
        return await connector.RevokeAsync(await MemberAsync(uow, person, sub, step), uow, ct) is ConnectorResult.Done done
            ? new StepProgress.Completed(done.DoneBy, seat.Id)
            : new StepProgress.Waiting();
    }

    private static async Task<StepProgress> ReleaseAsync(UnitOfWork uow, TransferRow transfer, TransferStepRow step, PersonRow person)
    {
        var seat = await SeatOf(uow, step);
        if (seat.Status == SeatLifecycle.ToCode(SeatStatus.Released))
        {
            return new StepProgress.Completed("seat already released", seat.Id);
        }
        var effective = transfer.Kind == TransferKinds.Offboarding && person.EndDate is { } end ? end : ParisCalendar.DateOf(uow.Now);
        var outcome = await SeatLedger.ReleaseAsync(uow, seat, effective, $"{transfer.Kind} transfer {transfer.Id}", applyCommitmentRule: true)
            ?? throw new InvalidOperationException($"Seat {seat.Id} changed while being released; retrying.");
        return new StepProgress.Completed(outcome == ReleaseOutcome.ReduceQuantity ? "released, quantity reduced" : "released, kept free until renewal", seat.Id);
    }

    private static async Task<SeatRow> SeatOf(UnitOfWork uow, TransferStepRow step) =>
        step.SeatId is { } seatId
            ? await SeatLedger.FindAsync(uow, step.TenantId, seatId) ?? throw new StepBlockedException($"Seat {seatId} disappeared.")
            : throw new StepBlockedException("The step has no seat: the assignment step did not record one.");

    private async Task<VendorMemberContext> MemberAsync(UnitOfWork uow, PersonRow person, SubscriptionRow sub, TransferStepRow step) =>
        new(await credentials.AccountOfAsync(uow, sub), person.PersonId, person.Email, person.DisplayName, step.Id);

    /// <summary>
    /// The API connector of the subscription's vendor account, unless it failed repeatedly on this step or staff already
    /// hold a manual task for it: then the manual connector, so a vendor outage never blocks a joiner or a leaver.
    /// </summary>
    private async Task<IVendorConnector> ConnectorForAsync(UnitOfWork uow, SubscriptionRow sub, TransferStepRow step)
    {
        var connector = connectors.For(await credentials.AccountOfAsync(uow, sub));
        if (!connector.IsApi)
        {
            return connector;
        }
        var fallback = step.Attempts >= options.Value.Vendors.ApiAttemptsBeforeManualFallback
            || await uow.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM manual_tasks WHERE transfer_step_id = @id AND action <> @remind",
                new { id = step.Id, remind = ManualTaskActions.RemindActivation }) > 0;
        return fallback ? connectors.Manual : connector;
    }
}
