using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Domain.Transfers;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Accounts;
using LicenceOps.Seats.Vendors.Http;
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

/// <summary>
/// What a step needs after its planning transaction: nothing (it finished in the transaction), or one call to a vendor
/// admin API, made with no transaction open and recorded afterwards in a new one.
/// </summary>
internal abstract record StepPlan
{
    public sealed record Finished(StepProgress Progress) : StepPlan;

    /// <param name="Attempts">The step's attempts when planned: the outcome is recorded only if the step has not moved since.</param>
    /// <param name="LeasedUntil">The step's next attempt while the call runs (set by the engine), naming this attempt.</param>
    public sealed record VendorCall(
        IVendorConnector Connector, VendorMemberContext Member, string StepKind, int Attempts, DateTimeOffset LeasedUntil = default) : StepPlan;
}

/// <summary>What the vendor said: the action's result, or for an activation check whether the member is active.</summary>
internal sealed record VendorOutcome(ConnectorResult? Result, bool MemberActive);

/// <summary>
/// Runs one workflow step. Database work happens inside the caller's transaction; a call to a vendor admin API never
/// does (a slow vendor must not hold a database transaction, and a rolled-back transaction cannot take back an
/// invite). So a vendor step is planned (<see cref="PlanAsync"/>), called (<see cref="CallAsync"/>, no transaction),
/// then recorded (<see cref="RecordAsync"/>). A crash between the call and the record leaves the step pending: it is
/// called again, which is safe because every API connector checks the vendor's member list before it invites and
/// treats an unknown member as already removed. Connectors that are not <see cref="ApiConnector"/>s (manual, CSV)
/// keep their state (tasks) in the step's transaction and run inside it.
/// </summary>
internal sealed class StepExecutor(VendorConnectors connectors, VendorCredentials credentials, IOptions<SeatsOptions> options)
{
    public async Task<StepPlan> PlanAsync(UnitOfWork uow, TransferRow transfer, TransferStepRow step, CancellationToken ct)
    {
        var person = await PersonAsync(uow, transfer);
        var sub = await SubscriptionAsync(uow, transfer, step);

        if (TransferPlanner.IsOnboardingKind(step.Kind) && person.Status == "left")
        {
            return Finished(new StepProgress.Cancelled($"superseded: {person.Email} has left"));
        }

        return step.Kind switch
        {
            StepKinds.AssignSeat => Finished(await AssignSeatAsync(uow, transfer, step, sub)),
            StepKinds.Invite => await InviteAsync(uow, step, person, sub, ct),
            StepKinds.AwaitActivation => await AwaitActivationAsync(uow, step, person, sub),
            // API connectors hand data over through a manual task too (no vendor API moves a member's content), so this
            // step never calls a vendor and stays in the transaction.
            StepKinds.HandOverData => Finished(await (await ConnectorForAsync(uow, sub, step)).TransferDataAsync(
                await MemberAsync(uow, person, sub, step), step.DataRule ?? "", uow, ct) switch
            {
                ConnectorResult.Done done => new StepProgress.Completed(done.DoneBy),
                _ => new StepProgress.Waiting(),
            }),
            StepKinds.RevokeAccess => await RevokeAsync(uow, transfer, step, person, sub, ct),
            StepKinds.ReleaseSeat => Finished(await ReleaseAsync(uow, transfer, step, person)),
            _ => throw new StepBlockedException($"Unknown step kind '{step.Kind}'."),
        };
    }

    /// <summary>The vendor call of a planned step. Runs with no transaction open; a failure throws and is retried.</summary>
    public static async Task<VendorOutcome> CallAsync(StepPlan.VendorCall call, CancellationToken ct)
    {
        switch (call.StepKind)
        {
            case StepKinds.Invite:
                return new VendorOutcome(await ((ApiConnector)call.Connector).InviteAsync(call.Member, ct), false);
            case StepKinds.RevokeAccess:
                return new VendorOutcome(await ((ApiConnector)call.Connector).RevokeAsync(call.Member, ct), false);
            case StepKinds.AwaitActivation:
                var found = await call.Connector.FindMemberAsync(call.Member.Account, call.Member.Email, ct);
                return new VendorOutcome(null, found is VendorReading<VendorMember?>.Read { Value.Status: VendorMemberStatuses.Active });
            default:
                throw new InvalidOperationException($"Step kind '{call.StepKind}' makes no vendor call.");
        }
    }

    /// <summary>Applies a vendor call's outcome in a new transaction, re-reading what may have changed during the call.</summary>
    public async Task<StepProgress> RecordAsync(UnitOfWork uow, TransferRow transfer, TransferStepRow step, StepPlan.VendorCall call, VendorOutcome outcome)
    {
        var seat = await SeatOf(uow, step);
        var status = SeatLifecycle.Parse(seat.Status);
        switch (call.StepKind)
        {
            case StepKinds.Invite when outcome.Result is ConnectorResult.Done done:
                if (status == SeatStatus.Released)
                {
                    // Released during the call: the seat's release workflow removes the member the invite just added.
                    return new StepProgress.Cancelled($"superseded: seat {seat.Id} was released during the invite");
                }
                if (status == SeatStatus.Requested)
                {
                    await SeatLedger.TransitionAsync(uow, seat, SeatStatus.Requested, SeatStatus.Invited, $"invite done by {done.DoneBy}");
                }
                return new StepProgress.Completed(done.DoneBy, seat.Id);
            case StepKinds.RevokeAccess when outcome.Result is ConnectorResult.Done done:
                return new StepProgress.Completed(done.DoneBy, seat.Id);
            case StepKinds.AwaitActivation when status is SeatStatus.Active or SeatStatus.Suspended:
                return new StepProgress.Completed("vendor activation", seat.Id);
            case StepKinds.AwaitActivation when status == SeatStatus.Released:
                return new StepProgress.Cancelled($"superseded: seat {seat.Id} was released before activation");
            case StepKinds.AwaitActivation:
                var person = await PersonAsync(uow, transfer);
                var sub = await SubscriptionAsync(uow, transfer, step);
                if (outcome.MemberActive && status == SeatStatus.Invited
                    && await SeatLedger.TransitionAsync(uow, seat, SeatStatus.Invited, SeatStatus.Active, $"{call.Connector.Name} API reports the member active"))
                {
                    return new StepProgress.Completed($"{call.Connector.Name} API: member active", seat.Id);
                }
                return await AwaitActivationInTransactionAsync(uow, step, person, sub, seat);
            default:
                return new StepProgress.Waiting();
        }
    }

    private static StepPlan Finished(StepProgress progress) => new StepPlan.Finished(progress);

    private static async Task<PersonRow> PersonAsync(UnitOfWork uow, TransferRow transfer) =>
        await uow.QuerySingleOrDefaultAsync<PersonRow>(PersonRow.SelectSql + " WHERE person_id = @personId", new { personId = transfer.PersonId })
        ?? throw new StepBlockedException($"Person {transfer.PersonId} is unknown to Seats.");

    private static async Task<SubscriptionRow> SubscriptionAsync(UnitOfWork uow, TransferRow transfer, TransferStepRow step) =>
        await SubscriptionLedger.FindAsync(uow, transfer.TenantId, step.SubscriptionId)
        ?? throw new StepBlockedException($"Subscription {step.SubscriptionId} no longer exists.");

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

    private async Task<StepPlan> InviteAsync(UnitOfWork uow, TransferStepRow step, PersonRow person, SubscriptionRow sub, CancellationToken ct)
    {
        var seat = await SeatOf(uow, step);
        var status = SeatLifecycle.Parse(seat.Status);
        if (status == SeatStatus.Released)
        {
            return Finished(new StepProgress.Cancelled($"superseded: seat {seat.Id} was released before the invite"));
        }
        if (status != SeatStatus.Requested)
        {
            return Finished(new StepProgress.Completed("already invited", seat.Id));
        }
        var connector = await ConnectorForAsync(uow, sub, step);
        var member = await MemberAsync(uow, person, sub, step);
        if (connector is ApiConnector)
        {
            return new StepPlan.VendorCall(connector, member, step.Kind, step.Attempts);
        }
        if (await connector.InviteAsync(member, uow, ct) is not ConnectorResult.Done done)
        {
            return Finished(new StepProgress.Waiting());
        }
        await SeatLedger.TransitionAsync(uow, seat, SeatStatus.Requested, SeatStatus.Invited, $"invite done by {done.DoneBy}");
        return Finished(new StepProgress.Completed(done.DoneBy, seat.Id));
    }

    private async Task<StepPlan> AwaitActivationAsync(UnitOfWork uow, TransferStepRow step, PersonRow person, SubscriptionRow sub)
    {
        var seat = await SeatOf(uow, step);
        switch (SeatLifecycle.Parse(seat.Status))
        {
            case SeatStatus.Active or SeatStatus.Suspended:
                return Finished(new StepProgress.Completed("vendor activation", seat.Id));
            case SeatStatus.Released:
                return Finished(new StepProgress.Cancelled($"superseded: seat {seat.Id} was released before activation"));
        }
        // With an admin API the vendor itself says when the member joined (a Graph licence is active on assignment).
        var account = await credentials.AccountOfAsync(uow, sub);
        var connector = connectors.For(account);
        if (connector.IsApi && SeatLifecycle.Parse(seat.Status) == SeatStatus.Invited)
        {
            return new StepPlan.VendorCall(connector, await MemberAsync(uow, person, sub, step), step.Kind, step.Attempts);
        }
        return Finished(await AwaitActivationInTransactionAsync(uow, step, person, sub, seat));
    }

    /// <summary>Not active yet: remind staff at the configured interval and keep waiting.</summary>
    private async Task<StepProgress> AwaitActivationInTransactionAsync(UnitOfWork uow, TransferStepRow step, PersonRow person, SubscriptionRow sub, SeatRow seat)
    {
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

    private async Task<StepPlan> RevokeAsync(
        UnitOfWork uow, TransferRow transfer, TransferStepRow step, PersonRow person, SubscriptionRow sub, CancellationToken ct)
    {
        var seat = await SeatOf(uow, step);
        // A seat released by hand still has its member at the vendor: that is what a seat_release workflow removes.
        if (seat.Status == SeatLifecycle.ToCode(SeatStatus.Released) && transfer.Kind != TransferKinds.SeatRelease)
        {
            return Finished(new StepProgress.Completed("seat already released", seat.Id));
        }
        var connector = await ConnectorForAsync(uow, sub, step);
        var member = await MemberAsync(uow, person, sub, step);
        if (connector is ApiConnector)
        {
            return new StepPlan.VendorCall(connector, member, step.Kind, step.Attempts);
        }
        return Finished(await connector.RevokeAsync(member, uow, ct) is ConnectorResult.Done done
            ? new StepProgress.Completed(done.DoneBy, seat.Id)
            : new StepProgress.Waiting());
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
