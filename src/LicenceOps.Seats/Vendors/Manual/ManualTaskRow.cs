using LicenceOps.Platform.Data;

namespace LicenceOps.Seats.Vendors.Manual;

public sealed class ManualTaskRow
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? TransferStepId { get; set; }
    public Guid PersonId { get; set; }
    public Guid SubscriptionId { get; set; }
    public string VendorCode { get; set; } = "";
    public string Action { get; set; } = "";
    public string Instructions { get; set; } = "";
    public string Status { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string? ConfirmedById { get; set; }
    public string? ConfirmedBy { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public string? CancelReason { get; set; }

    public const string SelectSql = """
        SELECT id AS Id, tenant_id AS TenantId, transfer_step_id AS TransferStepId, person_id AS PersonId,
               subscription_id AS SubscriptionId, vendor_code AS VendorCode, action AS Action, instructions AS Instructions,
               status AS Status, created_at AS CreatedAt, confirmed_by_id AS ConfirmedById, confirmed_by AS ConfirmedBy,
               confirmed_at AS ConfirmedAt, cancel_reason AS CancelReason
        FROM manual_tasks
        """;

    public static async Task<Guid> CreateAsync(UnitOfWork uow, VendorMemberContext member, string action, string instructions)
    {
        var id = RowIds.New();
        await uow.ExecuteAsync(
            """
            INSERT INTO manual_tasks (id, tenant_id, transfer_step_id, person_id, subscription_id, vendor_code, action,
                instructions, status, created_at)
            VALUES (@id, @tenantId, @stepId, @personId, @subscriptionId, @vendorCode, @action, @instructions, 'open', @now)
            """,
            new
            {
                id, tenantId = member.Account.TenantId, stepId = member.TransferStepId, personId = member.PersonId,
                subscriptionId = member.Account.SubscriptionId, vendorCode = member.Account.VendorCode, action, instructions,
                now = uow.Now,
            });
        await uow.AuditAsync("manual_task", id, "created", new { action, member.Email, member.TransferStepId }, member.Account.TenantId);
        return id;
    }
}
