using LicenceOps.Seats.Vendors;

namespace LicenceOps.Seats.Domain.Reconciliation;

/// <summary>A subscription connected to the vendor account being reconciled.</summary>
public sealed record PlanSubscription(Guid Id, string ProductName, int CommittedQuantity, SeatPrice Price);

/// <summary>
/// A seat we record (not released) on one of those subscriptions. <see cref="InvitedOn"/> is when it became invited;
/// <see cref="VendorMemberId"/> the vendor's id of the member holding it, when known (estate take-over).
/// </summary>
public sealed record PlanSeat(
    Guid SeatId, Guid SubscriptionId, Guid PersonId, string PersonEmail, string PersonName, string Status, DateOnly AssignedOn,
    DateOnly? InvitedOn, string? VendorMemberId);

/// <summary>Another AI tool the same person holds (a seat on another vendor account), with its last recorded activity.</summary>
public sealed record OtherToolUse(Guid PersonId, Guid SubscriptionId, string VendorCode, string ProductName, DateOnly? LastActiveOn);

/// <summary>The tenant's e-mail domains (lower-case; empty when unknown) and its policies in days.</summary>
public sealed record TenantPolicy(IReadOnlyCollection<string> Domains, int InactiveAfterDays, int StaleInviteAfterDays)
{
    public const int DefaultInactiveAfterDays = 30;
    public const int DefaultStaleInviteAfterDays = 14;
}

/// <param name="Quantity">Null when the connector did not read the purchased quantity.</param>
/// <param name="RecordedQuantity">For a connector that cannot read the quantity at all: what staff recorded (its latest
/// observation, null when none) and when it counts as unverified. Null otherwise: with neither, the quantity is not compared.</param>
/// <param name="PendingRemovalEmails">People whose removal at the vendor is under way (released seat, leaver): their
/// member is expected to linger until the workflow's revoke step ran, so it is no shadow user.</param>
public sealed record ReconciliationInput(
    Guid VendorAccountId, string VendorCode, string VendorName, VendorQuantity? Quantity, VendorMemberList Members,
    IReadOnlyList<PlanSubscription> Subscriptions, IReadOnlyList<PlanSeat> Seats, IReadOnlyCollection<string> PendingRemovalEmails,
    IReadOnlyList<OtherToolUse> OtherTools, TenantPolicy Policy, DateOnly Today, RecordedQuantityInput? RecordedQuantity = null);

/// <summary>The quantity staff recorded for a connector that cannot read it (<paramref name="Latest"/> null: never recorded).</summary>
public sealed record RecordedQuantityInput(RecordedQuantity? Latest, int UnverifiedAfterDays);

public sealed record PlannedFinding(
    string Kind, string SubjectKey, Guid? SubscriptionId, Guid? SeatId, Guid? PersonId, string? MemberEmail, string Summary,
    string RecommendedAction, bool NeedsClient, long MonthlyEffectCents, string EffectBasis, string? ExpectedEmail = null);

public sealed record SeatActivation(Guid SeatId, Guid SubscriptionId, Guid PersonId, string MemberEmail);

/// <summary>
/// One seat's reading for today's usage snapshot. A value, not an object: a comparison makes one per seat (100,000 per pass at the
/// reseller's scale), held in the plan's list until its writer has compared them with the stored entries (docs/performance.md,
/// feat/i11cp).
/// </summary>
public readonly record struct UsageSnapshot(Guid SeatId, Guid SubscriptionId, Guid PersonId, DateOnly? LastActiveOn, bool Active, bool ActivityReported);

/// <param name="EvaluatedKinds">Kinds this reading could establish: only findings of these kinds may close for want of a cause.</param>
/// <param name="HoldsThrough">The last evaluation day on which the same input plans exactly this (<see cref="TimeHorizon"/>).</param>
public sealed record ReconciliationPlan(
    IReadOnlyList<PlannedFinding> Findings, IReadOnlyCollection<string> EvaluatedKinds, IReadOnlyList<SeatActivation> Activations,
    IReadOnlyList<UsageSnapshot> Usage, DateOnly HoldsThrough);

/// <summary>
/// Compares one vendor account's complete reading with what Seats records and bills. Pure: the runner reads the vendor
/// (outside any transaction) and the database, then applies this plan in one write.
/// </summary>
public static class ReconciliationPlanner
{
    /// <summary>Consumer mail providers: a company seat activated with one of these is a wrong-account activation.</summary>
    public static readonly IReadOnlySet<string> PersonalDomains = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "gmail.com", "googlemail.com", "outlook.com", "outlook.fr", "hotmail.com", "hotmail.fr", "live.com", "live.fr", "msn.com",
        "yahoo.com", "yahoo.fr", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "aol.com", "gmx.com", "gmx.de",
        "gmx.fr", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net", "bbox.fr", "web.de",
    };

    /// <summary>General AI assistants that overlap (chat, writing, search); image tools are not counted as overlapping.</summary>
    public static readonly IReadOnlySet<string> AssistantVendors = new HashSet<string>(StringComparer.Ordinal)
    {
        "openai", "anthropic", "microsoft", "google", "perplexity",
    };

    /// <summary>A tool unused this long while an overlapping one is in use counts as "little use".</summary>
    public const int OverlapLittleUseDays = 14;

    public static ReconciliationPlan Plan(ReconciliationInput input)
    {
        var findings = new List<PlannedFinding>();
        var activations = new List<SeatActivation>();
        // At most one entry per seat: sized once instead of grown.
        var usage = new List<UsageSnapshot>(input.Seats.Count);
        var today = input.Today;
        // Every comparison with `today` below reports to the horizon the day its outcome would flip.
        var horizon = new TimeHorizon(today);
        var account = input.VendorAccountId;
        var price = input.Subscriptions.Count > 0 ? input.Subscriptions[0].Price : SeatPrice.Unknown;
        // A finding's price is looked up when the finding is made, not for every seat compared; an account connects a handful of
        // subscriptions at most, so a scan beats building a dictionary for each plan (docs/performance.md, feat/i11pn).
        SeatPrice PriceOf(Guid subscriptionId)
        {
            foreach (var s in input.Subscriptions)
            {
                if (s.Id == subscriptionId)
                {
                    return s.Price;
                }
            }
            return price;
        }
        var effects = new OneSeatEffects();
        var product = input.Subscriptions.Count > 0 ? input.Subscriptions[0].ProductName : input.VendorName;

        // One member per address (normalised once here, in the order addresses first appear): the first with the best status
        // (active, then invited, then any other). Found by its slot: one dictionary serves the members and, below, the seats.
        var members = new List<VendorMember>(input.Members.Members.Count);
        var memberEmails = new List<string>(input.Members.Members.Count);
        var slotOf = new Dictionary<string, int>(input.Members.Members.Count, StringComparer.Ordinal);
        foreach (var m in input.Members.Members)
        {
            var email = Normalise(m.Email);
            if (!slotOf.TryGetValue(email, out var slot))
            {
                slotOf[email] = members.Count;
                members.Add(m);
                memberEmails.Add(email);
            }
            else if (Rank(m.Status) < Rank(members[slot].Status))
            {
                members[slot] = m;
            }
        }
        var atVendor = input.Seats.Where(s => s.Status is "invited" or "active" or "suspended").ToList();
        // Each seat's address normalised once and looked up once: the slot of the member listed with it (-1: none). A member whose
        // person holds any open seat (even one still requested: its invite is on its way) is covered.
        var seatEmails = new string[input.Seats.Count];
        var memberOfSeat = new int[input.Seats.Count];
        var covered = new bool[members.Count];
        for (var i = 0; i < seatEmails.Length; i++)
        {
            seatEmails[i] = Normalise(input.Seats[i].PersonEmail);
            if (slotOf.TryGetValue(seatEmails[i], out var slot))
            {
                memberOfSeat[i] = slot;
                covered[slot] = true;
            }
            else
            {
                memberOfSeat[i] = -1;
            }
        }
        var pending = input.PendingRemovalEmails.Count == 0 ? null : input.PendingRemovalEmails.Select(Normalise).ToHashSet();
        // Seats a wrong-account finding names (rare): those are not also missing at the vendor.
        HashSet<Guid>? explainedSeats = null;
        // The seats at the vendor whose person the vendor does not list, for the few members that hold no seat (built once).
        List<PlanSeat>? unlisted = null;

        // Members: who they are to us.
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (member.Status is not (VendorMemberStatuses.Active or VendorMemberStatuses.Invited))
            {
                continue;
            }
            var email = memberEmails[i];
            if (covered[i])
            {
                continue;
            }
            if (pending?.Contains(email) == true)
            {
                continue;
            }
            var subject = $"member:{account}:{email}";
            var wrong = WrongAccountReason(email, input.Policy.Domains);
            unlisted ??= UnlistedAtVendor(input.Seats, memberOfSeat);
            var expected = ExpectedSeat(member, atVendor, unlisted);
            if (wrong is null && expected is not null && member.ExternalId is { Length: > 0 } ext && expected.VendorMemberId == ext)
            {
                wrong = $"the seat's vendor identity {ext} now signs in as {email}, not as {expected.PersonEmail}";
            }
            if (wrong is not null)
            {
                var p = expected is null ? price : PriceOf(expected.SubscriptionId);
                var (cents, basis) = effects.Of(p);
                if (expected is not null)
                {
                    (explainedSeats ??= []).Add(expected.SeatId);
                }
                findings.Add(new PlannedFinding(FindingKinds.WrongAccount, subject, expected?.SubscriptionId ?? FirstSubscription(input), expected?.SeatId,
                    expected?.PersonId, email,
                    $"{email} holds a {product} seat in the company workspace: {wrong}" +
                    (expected is null ? "." : $"; the seat is assigned to {expected.PersonName} ({expected.PersonEmail})."),
                    expected is null
                        ? $"Remove {email} from the {input.VendorName} workspace; if it is an employee, invite their company address instead."
                        : $"Remove {email} from the {input.VendorName} workspace and invite {expected.PersonEmail} again with the company address.",
                    NeedsClient: false, cents, basis, expected?.PersonEmail));
                continue;
            }
            var (shadowCents, shadowBasis) = effects.Of(price);
            findings.Add(new PlannedFinding(FindingKinds.ShadowUser, subject, FirstSubscription(input), null, null, email,
                $"{email} is a {member.Status} member of the {input.VendorName} workspace but holds no seat recorded in LicenceOps (a seat we do not bill).",
                $"Ask the client whether {email} should keep access: if yes, assign a seat (billed); if not, remove the member at {input.VendorName}.",
                NeedsClient: true, shadowCents, shadowBasis));
        }

        // Seats: are they where we think, in use, activated?
        var inactiveDays = input.Policy.InactiveAfterDays;
        var takenUp = 0;
        // Other tools only count when this account's vendor is an assistant; then by person, in their stored order.
        var otherTools = AssistantVendors.Contains(input.VendorCode) && input.OtherTools.Count > 0
            ? input.OtherTools.ToLookup(o => o.PersonId)
            : null;
        for (var i = 0; i < input.Seats.Count; i++)
        {
            var seat = input.Seats[i];
            if (seat.Status is not ("requested" or "invited" or "active" or "suspended"))
            {
                continue;
            }
            var email = seatEmails[i];
            var member = memberOfSeat[i] >= 0 ? members[memberOfSeat[i]] : null;
            if (seat.Status == "requested")
            {
                // Not expected at the vendor before its invite, unless the vendor already lists the person active with the
                // company address (an existing member): then the invite is moot and the seat is active.
                if (member?.Status != VendorMemberStatuses.Active)
                {
                    continue;
                }
                takenUp++;
            }
            var listed = member is not null && member.Status is VendorMemberStatuses.Active or VendorMemberStatuses.Invited;
            var status = seat.Status;
            if (!listed || member is null)
            {
                usage.Add(new UsageSnapshot(seat.SeatId, seat.SubscriptionId, seat.PersonId, null, false, input.Members.ReportsActivity));
                if (explainedSeats?.Contains(seat.SeatId) != true)
                {
                    var (cents, basis) = effects.Of(PriceOf(seat.SubscriptionId));
                    findings.Add(new PlannedFinding(FindingKinds.MissingAtVendor, $"seat:{seat.SeatId}", seat.SubscriptionId, seat.SeatId, seat.PersonId,
                        email, $"{seat.PersonName} ({email}) holds a {status} {product} seat in LicenceOps but is not a member of the {input.VendorName} workspace.",
                        status == "invited"
                            ? $"Send the invite to {email} again, or release the seat if it is no longer needed."
                            : $"Invite {email} to the {input.VendorName} workspace again, or release the seat (it is billed but unusable).",
                        NeedsClient: false, cents, basis));
                }
                continue;
            }

            if (status is "invited" or "requested" && member.Status == VendorMemberStatuses.Active)
            {
                activations.Add(new SeatActivation(seat.SeatId, seat.SubscriptionId, seat.PersonId, email));
                status = "active";
            }
            var last = member.LastActiveOn;
            var usedWithinPolicy = input.Members.ReportsActivity && last is { } l && l >= today.AddDays(-inactiveDays);
            if (input.Members.ReportsActivity && last is { } lastUsed)
            {
                horizon.FlipsAfter(lastUsed, inactiveDays);
            }
            usage.Add(new UsageSnapshot(seat.SeatId, seat.SubscriptionId, seat.PersonId, last, usedWithinPolicy, input.Members.ReportsActivity));

            if (status == "invited" && member.Status == VendorMemberStatuses.Invited)
            {
                var since = seat.InvitedOn ?? seat.AssignedOn;
                var age = today.DayNumber - since.DayNumber;
                horizon.FlipsAfter(since, input.Policy.StaleInviteAfterDays);
                if (age > input.Policy.StaleInviteAfterDays)
                {
                    var (cents, basis) = effects.Of(PriceOf(seat.SubscriptionId));
                    findings.Add(new PlannedFinding(FindingKinds.StaleInvite, $"seat:{seat.SeatId}", seat.SubscriptionId, seat.SeatId, seat.PersonId, email,
                        $"{seat.PersonName} was invited to {product} on {since:yyyy-MM-dd}, longer ago than the tenant's policy of {input.Policy.StaleInviteAfterDays} days, and has not joined yet.",
                        $"Remind {seat.PersonName} to accept the invite, or release the seat if they do not need it.",
                        NeedsClient: true, cents, basis));
                }
                continue;
            }

            if (status != "active" || !input.Members.ReportsActivity)
            {
                continue;
            }
            var justActivated = seat.Status is "invited" or "requested";
            var reference = last ?? (justActivated ? today : seat.AssignedOn);
            var idle = today.DayNumber - reference.DayNumber;
            // A seat this run activates without a reported activity counts its idle days from the evaluation day itself: 0 on any day.
            var idleGrows = last is not null || !justActivated;
            if (idleGrows)
            {
                horizon.FlipsAfter(reference, inactiveDays);
            }
            // The overlapping assistant used most recently within the last OverlapLittleUseDays (the first listed of a tie). Its
            // window only closes as days pass: with none open today the overlap rule cannot apply on any later day. Looked up by
            // person (none when this account's vendor is no assistant).
            OtherToolUse? other = null;
            foreach (var o in otherTools?[seat.PersonId] ?? [])
            {
                if (o.SubscriptionId == seat.SubscriptionId || o.VendorCode == input.VendorCode || !AssistantVendors.Contains(o.VendorCode)
                    || o.LastActiveOn is not { } used)
                {
                    continue;
                }
                horizon.FlipsAfter(used, OverlapLittleUseDays);
                if (today.DayNumber - used.DayNumber <= OverlapLittleUseDays && (other is null || used > other.LastActiveOn))
                {
                    other = o;
                }
            }
            if (other is not null && idleGrows)
            {
                horizon.FlipsAfter(reference, OverlapLittleUseDays);
            }
            if (other is not null && idle > OverlapLittleUseDays)
            {
                var (cents, basis) = effects.Of(PriceOf(seat.SubscriptionId));
                findings.Add(new PlannedFinding(FindingKinds.OverlappingTools, $"person:{seat.PersonId}:{seat.SubscriptionId}", seat.SubscriptionId, seat.SeatId,
                    seat.PersonId, email,
                    $"{seat.PersonName} holds both {product} and {other.ProductName}; {product} was {(last is null ? "never used" : $"last used on {last:yyyy-MM-dd}")}" +
                    $" while {other.ProductName} was used on {other.LastActiveOn:yyyy-MM-dd}.",
                    $"Ask {seat.PersonName} whether they need both tools; reclaim the {product} seat if not.",
                    NeedsClient: true, cents, basis));
            }
            else if (idle > inactiveDays)
            {
                var (cents, basis) = effects.Of(PriceOf(seat.SubscriptionId));
                // The text names dates, never a count of days (as the stale invite's): a count would change every day and
                // rewrite every inactive seat's finding on each day's first run (20,000 rows at the reseller's scale,
                // docs/performance.md). Readers see the date and the policy; first_seen_at says since when it is open.
                findings.Add(new PlannedFinding(FindingKinds.InactiveSeat, $"seat:{seat.SeatId}", seat.SubscriptionId, seat.SeatId, seat.PersonId, email,
                    last is null
                        ? $"{seat.PersonName} has never used {product} since the seat was assigned on {seat.AssignedOn:yyyy-MM-dd}, longer than the tenant's policy of {inactiveDays} days."
                        : $"{seat.PersonName} has not used {product} since {last:yyyy-MM-dd}, longer than the tenant's policy of {inactiveDays} days.",
                    "Reclaim the seat: release it and remove the member at the vendor (data handed over per the plan's rule).",
                    NeedsClient: false, cents, basis));
            }
        }

        // Counts and quantities.
        var memberCount = members.Count(m => m.Status is VendorMemberStatuses.Active or VendorMemberStatuses.Invited);
        var recorded = atVendor.Count + takenUp;
        if (memberCount != recorded && input.Subscriptions.Count > 0)
        {
            var subscription = input.Subscriptions[0].Id;
            findings.Add(new PlannedFinding(FindingKinds.MemberCountMismatch, $"account:{account}", subscription, null, null, null,
                $"The {input.VendorName} workspace lists {memberCount} member(s) (active or invited); LicenceOps records {recorded} seat(s) there.",
                "Work through this account's shadow-user, missing-member and wrong-account findings; they explain the difference.",
                NeedsClient: false, 0, "summary of the member-level findings of this account, which carry the euro effect (not counted twice)"));
        }
        if (input.Quantity is { } quantity)
        {
            findings.AddRange(PurchasedQuantityWatch.FromConnector(account, input.VendorName, input.Subscriptions, quantity.Purchased));
        }
        else if (input.RecordedQuantity is { } staffRecorded)
        {
            findings.AddRange(PurchasedQuantityWatch.FromRecord(account, input.VendorName, input.Subscriptions, staffRecorded.Latest,
                staffRecorded.UnverifiedAfterDays, today, horizon));
        }

        var evaluated = new List<string>(FindingKinds.FromMembers);
        if (input.Quantity is not null || input.RecordedQuantity is not null)
        {
            evaluated.AddRange(PurchasedQuantityWatch.Kinds);
        }
        if (input.Members.ReportsActivity)
        {
            evaluated.AddRange(FindingKinds.FromActivity);
        }
        return new ReconciliationPlan(findings, evaluated, activations, usage, horizon.HoldsThrough);
    }

    /// <summary>Why an address cannot be the company identity, or null when it can.</summary>
    public static string? WrongAccountReason(string email, IReadOnlyCollection<string> tenantDomains)
    {
        var at = email.LastIndexOf('@');
        var domain = at < 0 ? "" : email[(at + 1)..].ToLowerInvariant();
        if (PersonalDomains.Contains(domain))
        {
            return $"{domain} is a personal mail provider";
        }
        if (tenantDomains.Count > 0 && !tenantDomains.Any(d => domain == d || domain.EndsWith("." + d, StringComparison.Ordinal)))
        {
            return $"{domain} is not one of the company's domains ({string.Join(", ", tenantDomains.Order(StringComparer.Ordinal))})";
        }
        return null;
    }

    /// <summary>
    /// The seat a foreign identity most likely took: the seat whose taken-over vendor id it carries, else the unlisted seat
    /// of the person with the same name or the same mailbox name.
    /// </summary>
    /// <param name="unlisted">The seats of <paramref name="seats"/> whose person's address the vendor does not list.</param>
    private static PlanSeat? ExpectedSeat(VendorMember member, IReadOnlyList<PlanSeat> seats, List<PlanSeat> unlisted)
    {
        if (member.ExternalId is { Length: > 0 } id && seats.FirstOrDefault(s => s.VendorMemberId == id) is { } byId)
        {
            return byId;
        }
        if (member.DisplayName is { Length: > 0 } name
            && unlisted.Where(s => string.Equals(s.PersonName.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase)).ToList() is [var byName])
        {
            return byName;
        }
        var local = LocalPart(member.Email);
        return unlisted.Where(s => LocalPart(s.PersonEmail) == local).ToList() is [var byLocal] ? byLocal : null;
    }

    /// <summary>The seats at the vendor (invited, active, suspended) whose person's address the vendor does not list, in seat order.</summary>
    private static List<PlanSeat> UnlistedAtVendor(IReadOnlyList<PlanSeat> seats, int[] memberOfSeat)
    {
        var unlisted = new List<PlanSeat>();
        for (var i = 0; i < seats.Count; i++)
        {
            if (seats[i].Status is "invited" or "active" or "suspended" && memberOfSeat[i] < 0)
            {
                unlisted.Add(seats[i]);
            }
        }
        return unlisted;
    }

    /// <summary>
    /// The effect of one seat at each price a plan meets, worked out (a decimal rounded, a text formatted) once per price: every
    /// finding of a subscription carries the same, and an account's plan meets one or a few prices.
    /// </summary>
    private sealed class OneSeatEffects
    {
        private readonly List<(SeatPrice Price, (long Cents, string Basis) Effect)> known = new(2);

        public (long Cents, string Basis) Of(SeatPrice price)
        {
            foreach (var (p, effect) in known)
            {
                if (ReferenceEquals(p, price))
                {
                    return effect;
                }
            }
            var worked = price.Times(1);
            known.Add((price, worked));
            return worked;
        }
    }

    private static Guid? FirstSubscription(ReconciliationInput input) => input.Subscriptions.Count > 0 ? input.Subscriptions[0].Id : null;

    private static string LocalPart(string email)
    {
        var at = email.IndexOf('@');
        return (at < 0 ? email : email[..at]).Replace(".", "", StringComparison.Ordinal).ToLowerInvariant();
    }

    private static string Normalise(string email) => email.Trim().ToLowerInvariant();

    private static int Rank(string status) => status switch
    {
        VendorMemberStatuses.Active => 0,
        VendorMemberStatuses.Invited => 1,
        _ => 2,
    };
}
