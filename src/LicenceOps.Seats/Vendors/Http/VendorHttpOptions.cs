namespace LicenceOps.Seats.Vendors.Http;

/// <summary>Configuration section "Seats:Vendors": resilience of every vendor call and the default API addresses.</summary>
public sealed class VendorHttpOptions
{
    /// <summary>One HTTP attempt gives up after this long.</summary>
    public double AttemptTimeoutSeconds { get; set; } = 20;

    /// <summary>A call with all its retries gives up after this long.</summary>
    public double TotalTimeoutSeconds { get; set; } = 90;

    /// <summary>Retries after the first attempt (429, 5xx, 408, network errors, attempt timeouts).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay when the vendor sends no Retry-After; it grows exponentially with jitter.</summary>
    public double RetryBaseDelaySeconds { get; set; } = 1;

    /// <summary>Cap on any wait, including a vendor's Retry-After: a workflow step must not sit on one vendor for minutes.</summary>
    public double MaxRetryDelaySeconds { get; set; } = 30;

    /// <summary>
    /// While a workflow step calls a vendor API, no other sweeper picks the step up for this long (its next attempt is
    /// pushed back). After a crash mid-call the step runs again once the lease ends. Longer than a step's calls can take.
    /// </summary>
    public double StepCallLeaseSeconds { get; set; } = 600;

    /// <summary>Consecutive failed attempts of an API action before the step falls back to a manual task.</summary>
    public int ApiAttemptsBeforeManualFallback { get; set; } = 3;

    /// <summary>
    /// Default API addresses by name (graph, graphLogin, openai, anthropic, googleLicensing, googleReports, googleToken);
    /// a vendor account's own base address wins (sovereign clouds, test servers).
    /// </summary>
    public Dictionary<string, string> BaseAddresses { get; set; } = new()
    {
        ["graph"] = "https://graph.microsoft.com/",
        ["graphLogin"] = "https://login.microsoftonline.com/",
        ["openai"] = "https://api.openai.com/",
        ["anthropic"] = "https://api.anthropic.com/",
        ["googleLicensing"] = "https://licensing.googleapis.com/",
        ["googleReports"] = "https://admin.googleapis.com/",
        ["googleToken"] = "https://oauth2.googleapis.com/token",
    };

    public Uri Default(string name) =>
        BaseAddresses.TryGetValue(name, out var value) ? new Uri(value) : throw new InvalidOperationException($"No default vendor address '{name}'.");
}
