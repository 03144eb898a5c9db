using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Transfers;

namespace LicenceOps.Seats.Transfers;

/// <summary>Creates a workflow and its planned steps in the consumer's transaction; the sweeper runs them.</summary>
internal static class TransferStarter
{
    public static async Task<Guid?> StartAsync(
        UnitOfWork uow, Guid tenantId, Guid personId, string kind, string dedupeKey, IReadOnlyList<PlannedStep> steps,
        DateTimeOffset startAt)
    {
        if (steps.Count == 0)
        {
            return null;
        }
        var transferId = RowIds.New();
        // The dedupe key makes a repeated or re-sent event a no-op even when its MessageId differs.
        var inserted = await uow.ExecuteAsync(
            """
            INSERT INTO transfers (id, tenant_id, person_id, kind, status, dedupe_key, attention_reason, created_at, updated_at, completed_at)
            SELECT @transferId, @tenantId, @personId, @kind, 'running', @dedupeKey, NULL, @now, @now, NULL
            WHERE NOT EXISTS (SELECT 1 FROM transfers WHERE dedupe_key = @dedupeKey)
            """,
            new { transferId, tenantId, personId, kind, dedupeKey, now = uow.Now });
        if (inserted == 0)
        {
            return null;
        }
        foreach (var step in steps)
        {
            await uow.ExecuteAsync(
                """
                INSERT INTO transfer_steps (id, transfer_id, tenant_id, lane, step_order, kind, subscription_id, seat_id, data_rule,
                    status, attempts, next_attempt_at, last_error, seat_request_id, waiting_since, last_reminder_at, completed_at, completed_by)
                VALUES (@id, @transferId, @tenantId, @lane, @order, @kind, @subscriptionId, @seatId, @dataRule,
                    'pending', 0, @startAt, NULL, NULL, NULL, NULL, NULL, NULL)
                """,
                new
                {
                    id = RowIds.New(), transferId, tenantId, lane = step.Lane, order = step.Order, kind = step.Kind,
                    subscriptionId = step.SubscriptionId, seatId = step.SeatId, dataRule = step.DataRule, startAt,
                });
        }
        await uow.AuditAsync("transfer", transferId, "started", new { kind, personId, steps = steps.Count, startAt }, tenantId);
        return transferId;
    }

    public static async Task<IReadOnlyList<TemplateEntry>> TemplateAsync(UnitOfWork uow, Guid tenantId, Guid? departmentId)
    {
        if (departmentId is null)
        {
            return [];
        }
        var rows = await uow.QueryAsync<TemplateEntryRow>(
            """
            SELECT t.subscription_id AS SubscriptionId, s.plan_code AS PlanCode
            FROM seat_templates t JOIN subscriptions s ON s.id = t.subscription_id
            WHERE t.tenant_id = @tenantId AND t.department_id = @departmentId
            ORDER BY s.plan_code
            """,
            new { tenantId, departmentId });
        return rows.Select(r => new TemplateEntry(r.SubscriptionId, r.PlanCode)).ToList();
    }

    public static async Task<IReadOnlyList<HeldSeat>> HeldSeatsAsync(UnitOfWork uow, Guid tenantId, Guid personId)
    {
        var rows = await uow.QueryAsync<HeldSeatRow>(
            """
            SELECT st.id AS SeatId, st.subscription_id AS SubscriptionId, s.plan_code AS PlanCode, p.offboarding_data_rule AS OffboardingDataRule
            FROM seats st JOIN subscriptions s ON s.id = st.subscription_id JOIN catalogue_plans p ON p.code = s.plan_code
            WHERE st.tenant_id = @tenantId AND st.person_id = @personId AND st.status <> 'released'
            ORDER BY s.plan_code
            """,
            new { tenantId, personId });
        return rows.Select(r => new HeldSeat(r.SeatId, r.SubscriptionId, r.PlanCode, r.OffboardingDataRule)).ToList();
    }

    private sealed class TemplateEntryRow
    {
        public Guid SubscriptionId { get; set; }
        public string PlanCode { get; set; } = "";
    }

    private sealed class HeldSeatRow
    {
        public Guid SeatId { get; set; }
        public Guid SubscriptionId { get; set; }
        public string PlanCode { get; set; } = "";
        public string OffboardingDataRule { get; set; } = "";
    }
}
