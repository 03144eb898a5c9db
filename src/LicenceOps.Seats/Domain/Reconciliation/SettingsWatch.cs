namespace LicenceOps.Seats.Domain.Reconciliation;

public sealed record SettingBaseline(string SettingKey, string Label, string ExpectedValue);

public sealed record SettingObservation(string SettingKey, string ObservedValue, DateOnly ObservedOn);

/// <summary>
/// Compares a vendor account's latest observed security settings with its product's baseline: a drifted value, or one
/// not verified for <see cref="UnverifiedAfterDays"/> days (vendors change defaults often), is a finding.
/// </summary>
public static class SettingsWatch
{
    public const int UnverifiedAfterDays = 30;

    /// <param name="horizon">When given, learns the day each verified setting grows unverified (ADR 0048).</param>
    public static IReadOnlyList<PlannedFinding> Plan(
        Guid accountId, string vendorName, Guid? subscriptionId, IReadOnlyList<SettingBaseline> baselines,
        IReadOnlyList<SettingObservation> observations, DateOnly today, TimeHorizon? horizon = null)
    {
        var findings = new List<PlannedFinding>();
        const string basis = "a security setting: no direct monthly euro effect";
        foreach (var b in baselines)
        {
            var subject = $"setting:{accountId}:{b.SettingKey}";
            var latest = observations.Where(o => o.SettingKey == b.SettingKey).OrderByDescending(o => o.ObservedOn).FirstOrDefault();
            if (latest is not null && !Same(latest.ObservedValue, b.ExpectedValue))
            {
                findings.Add(new PlannedFinding(FindingKinds.SettingDrift, subject, subscriptionId, null, null, null,
                    $"{vendorName}: '{b.Label}' was '{latest.ObservedValue}' on {latest.ObservedOn:yyyy-MM-dd}; the baseline expects '{b.ExpectedValue}'.",
                    $"Set '{b.Label}' back to '{b.ExpectedValue}' in the {vendorName} admin console, then record the new value.",
                    NeedsClient: false, 0, basis));
            }
            else if (latest is null || today.DayNumber - latest.ObservedOn.DayNumber > UnverifiedAfterDays)
            {
                findings.Add(new PlannedFinding(FindingKinds.SettingUnverified, subject, subscriptionId, null, null, null,
                    latest is null
                        ? $"{vendorName}: '{b.Label}' has never been verified."
                        : $"{vendorName}: '{b.Label}' was last verified on {latest.ObservedOn:yyyy-MM-dd}, more than {UnverifiedAfterDays} days ago.",
                    $"Check '{b.Label}' in the {vendorName} admin console and record the observed value.",
                    NeedsClient: false, 0, basis));
            }
            else
            {
                // Verified and as expected, until the verification grows old.
                horizon?.FlipsAfter(latest.ObservedOn, UnverifiedAfterDays);
            }
        }
        return findings;
    }

    public static bool Same(string observed, string expected) =>
        string.Equals(observed.Trim(), expected.Trim(), StringComparison.OrdinalIgnoreCase);
}
