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
}
