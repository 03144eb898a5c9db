using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Catalogue;

namespace LicenceOps.Seats.Vendors.Manual;

/// <summary>
/// For vendors without a usable admin API: every action becomes a task a staff member performs in the vendor's
/// console and confirms; the action is done when the task is confirmed. Readings come from CSV imports instead.
/// </summary>
public sealed class ManualConnector : IVendorConnector
{
    public string Name => "manual";

    public bool IsApi => false;

    public bool Handles(string vendorCode) => true;

    public Task<VendorReading<VendorMemberList>> ListMembersAsync(VendorAccount account, CancellationToken ct) =>
        Task.FromResult<VendorReading<VendorMemberList>>(new VendorReading<VendorMemberList>.Unavailable(NoApi(account)));

    public Task<VendorReading<VendorMember?>> FindMemberAsync(VendorAccount account, string email, CancellationToken ct) =>
        Task.FromResult<VendorReading<VendorMember?>>(new VendorReading<VendorMember?>.Unavailable(NoApi(account)));

    public Task<VendorReading<string>> TestAsync(VendorAccount account, CancellationToken ct) =>
        Task.FromResult<VendorReading<string>>(new VendorReading<string>.Unavailable(NoApi(account)));

    public Task<VendorReading<VendorQuantity>> ReadPurchasedQuantityAsync(VendorAccount account, CancellationToken ct) =>
        Task.FromResult<VendorReading<VendorQuantity>>(new VendorReading<VendorQuantity>.Unavailable(NoApi(account)));

    public Task<VendorReading<IReadOnlyList<VendorUsage>>> ReadUsageAsync(VendorAccount account, DateOnly from, DateOnly to, CancellationToken ct) =>
        Task.FromResult<VendorReading<IReadOnlyList<VendorUsage>>>(new VendorReading<IReadOnlyList<VendorUsage>>.Unavailable(NoApi(account)));

    public Task<ConnectorResult> InviteAsync(VendorMemberContext member, UnitOfWork uow, CancellationToken ct) =>
        TaskOutcomeAsync(uow, member, ManualTaskActions.Invite,
            $"Invite {member.Email} ({member.DisplayName}) to the {member.Account.PlanName} workspace {member.Account.VendorAccountId} " +
            $"in the {member.Account.VendorName} admin console, then confirm.");

    public Task<ConnectorResult> RevokeAsync(VendorMemberContext member, UnitOfWork uow, CancellationToken ct) =>
        TaskOutcomeAsync(uow, member, ManualTaskActions.Revoke,
            $"Remove {member.Email} from the {member.Account.PlanName} workspace {member.Account.VendorAccountId} " +
            $"in the {member.Account.VendorName} admin console, then confirm.");

    public Task<ConnectorResult> TransferDataAsync(VendorMemberContext member, string offboardingDataRule, UnitOfWork uow, CancellationToken ct) =>
        offboardingDataRule switch
        {
            OffboardingDataRules.TransferToWorkspaceOwner => TaskOutcomeAsync(uow, member, ManualTaskActions.TransferData,
                $"Check that a workspace owner of {member.Account.VendorAccountId} will receive the projects and custom GPTs of " +
                $"{member.Email} when the member is removed ({member.Account.VendorName} hands them to an owner), then confirm."),
            OffboardingDataRules.ExportBeforeRemoval => TaskOutcomeAsync(uow, member, ManualTaskActions.ExportData,
                $"Export the projects and conversations of {member.Email} from {member.Account.VendorAccountId} and store them " +
                $"with the client's manager before removal ({member.Account.VendorName} makes them inaccessible), then confirm."),
            _ => throw new VendorConnectorException($"No data hand-over is defined for rule '{offboardingDataRule}'."),
        };

    private static string NoApi(VendorAccount account) =>
        $"{account.VendorName} is handled manually: import the workspace's CSV member export instead.";

    private static async Task<ConnectorResult> TaskOutcomeAsync(UnitOfWork uow, VendorMemberContext member, string action, string instructions)
    {
        var existing = member.TransferStepId is null
            ? null
            : await uow.QuerySingleOrDefaultAsync<ManualTaskRow>(
                ManualTaskRow.SelectSql + " WHERE transfer_step_id = @stepId AND action = @action",
                new { stepId = member.TransferStepId, action });
        if (existing is null)
        {
            await ManualTaskRow.CreateAsync(uow, member, action, instructions);
            return new ConnectorResult.Pending($"manual task '{action}' to be confirmed by staff");
        }
        return existing.Status == ManualTaskStatuses.Confirmed
            ? new ConnectorResult.Done(existing.ConfirmedBy ?? "staff", existing.ConfirmedAt ?? uow.Now)
            : new ConnectorResult.Pending($"manual task '{action}' to be confirmed by staff");
    }
}
