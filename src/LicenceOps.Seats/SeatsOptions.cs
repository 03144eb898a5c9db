namespace LicenceOps.Seats;

/// <summary>Configuration section "Seats".</summary>
public sealed class SeatsOptions
{
    /// <summary>Days an invite may stay unaccepted before a reminder, and between reminders.</summary>
    public int ActivationReminderAfterDays { get; set; } = 3;

    /// <summary>First retry delay of a failing workflow step; it doubles after each failure.</summary>
    public int StepRetryBaseDelaySeconds { get; set; } = 60;

    /// <summary>Attempts before a failing step is marked needs_attention.</summary>
    public int StepMaxAttempts { get; set; } = 5;

    /// <summary>Vendor API calls: resilience and default addresses (section "Seats:Vendors").</summary>
    public Vendors.Http.VendorHttpOptions Vendors { get; set; } = new();

    /// <summary>Renewal planning: seats to renew = active seats plus this percentage, rounded up (room for joiners).</summary>
    public decimal RenewalHeadroomPercent { get; set; } = 10m;

    /// <summary>Where the Data Protection key ring that encrypts vendor credentials lives; default: "keys" in the data directory.</summary>
    public string? CredentialKeyDirectory { get; set; }

    /// <summary>Reconciliation schedule, default policies and usage retention (section "Seats:Reconciliation").</summary>
    public ReconciliationOptions Reconciliation { get; set; } = new();

    /// <summary>Lease of an estate take-over job's executor, in seconds (real time): a dead executor's job resumes after it.</summary>
    public int TakeOverLeaseSeconds { get; set; } = 30;

    /// <summary>Members seated per transaction by a take-over job (each chunk is committed whole, with its events and audit).</summary>
    public int TakeOverChunkRows { get; set; } = 200;
}

/// <summary>Configuration section "Seats:Reconciliation".</summary>
public sealed class ReconciliationOptions
{
    /// <summary>
    /// Minutes between two scheduled runs of a vendor account without its own interval (vendor_accounts.reconcile_every_minutes);
    /// one of <see cref="Domain.Reconciliation.ReconciliationCron.Allowed"/>, checked at start.
    /// </summary>
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>
    /// Minutes after start-up at which an account overdue for reconciliation (no run within its interval) runs once, instead
    /// of waiting for its next cron time: the in-memory job store starts empty after every restart.
    /// </summary>
    public int CatchUpAfterStartMinutes { get; set; } = 2;

    /// <summary>
    /// Days after which a purchased quantity staff recorded (for a connector that cannot read it) counts as unverified, as
    /// the settings watch does for settings.
    /// </summary>
    public int PurchasedQuantityUnverifiedAfterDays { get; set; } = 30;

    /// <summary>Days without activity after which an active seat is inactive, for tenants without their own policy.</summary>
    public int InactiveAfterDays { get; set; } = Domain.Reconciliation.TenantPolicy.DefaultInactiveAfterDays;

    /// <summary>Days an invite may stay unaccepted before it is a finding, for tenants without their own policy.</summary>
    public int StaleInviteAfterDays { get; set; } = Domain.Reconciliation.TenantPolicy.DefaultStaleInviteAfterDays;

    /// <summary>Days of usage sheets (seat_usage_sheets) kept for reports: older ones go once a later sheet supersedes them.</summary>
    public int UsageRetentionDays { get; set; } = 400;

    /// <summary>
    /// Rows (seats, latest usage rows, findings, other tools' seats) of the accounts' last comparisons kept in memory so that the
    /// next comparison over unchanged records need not read them again (ADR 0052). About 0.5 KB of managed heap each: the
    /// issue's scale of 100,000 seats with their latest usage rows and 33,000 findings (233,000 rows) took 120 MB more at the
    /// peak (docs/performance.md). The default keeps that scale whole; 0 keeps none.
    /// </summary>
    public int RememberedInputsMaxRows { get; set; } = 300_000;
}
