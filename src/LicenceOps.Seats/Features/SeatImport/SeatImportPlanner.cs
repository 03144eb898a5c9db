using System.Globalization;

namespace LicenceOps.Seats.Features.SeatImport;

/// <summary>One data row of a seat import file; <see cref="Row"/> is its line number in the file (header = 1).</summary>
public sealed record SeatCsvRow(int Row, string Email, string PlanCode, string StartDate, string? VendorMemberId);

public sealed record SeatRowError(int Row, string Field, string Message);

public sealed record ImportPerson(Guid Id, string Email, string Status);

/// <param name="AllowIncrease">The subscription's policy lets a seat beyond the commitment raise the quantity.</param>
public sealed record ImportSubscription(Guid Id, string PlanCode, DateOnly TermStart, int CommittedQuantity, int OccupiedSeats, bool AllowIncrease);

public sealed record SeatImportContext(
    IReadOnlyList<ImportPerson> People, IReadOnlyList<ImportSubscription> Subscriptions, IReadOnlySet<(Guid SubscriptionId, Guid PersonId)> OpenSeats, DateOnly Today);

public sealed record PlannedSeat(SeatCsvRow Data, Guid PersonId, Guid SubscriptionId, DateOnly AssignedOn, string? VendorMemberId);

public sealed record SeatImportPlan(IReadOnlyList<PlannedSeat> Seats, IReadOnlyList<SeatRowError> Errors);

/// <summary>
/// Decides, without writing anything, what importing a client's existing seats would do: each row gives a known person
/// of the tenant a seat of the tenant's subscription to that plan, dated from its start date (never in the future nor
/// before the subscription's term start). A row that breaks a rule is an error of its own; seats beyond the committed
/// quantity need a subscription that allows raising it.
/// </summary>
public static class SeatImportPlanner
{
    public const int MaxVendorMemberIdLength = 200;

    public static SeatImportPlan Plan(IReadOnlyList<SeatCsvRow> rows, SeatImportContext context)
    {
        var errors = new List<SeatRowError>();
        var seats = new List<PlannedSeat>();
        var people = context.People.GroupBy(p => p.Email, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var byPlan = context.Subscriptions.GroupBy(s => s.PlanCode, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var planned = new HashSet<(Guid, Guid)>();
        var added = new Dictionary<Guid, int>();

        foreach (var row in rows)
        {
            var before = errors.Count;
            void Fail(string field, string message) => errors.Add(new SeatRowError(row.Row, field, message));

            people.TryGetValue(row.Email.Trim(), out var person);
            if (person is null)
            {
                Fail("email", $"{row.Email} is not a person of this tenant; import the people first.");
            }
            else if (person.Status == "left")
            {
                Fail("email", $"{row.Email} has left the company.");
            }

            ImportSubscription? subscription = null;
            if (!byPlan.TryGetValue(row.PlanCode.Trim(), out var candidates))
            {
                Fail("plan", $"The tenant has no subscription to plan '{row.PlanCode}'.");
            }
            else if (candidates.Count > 1)
            {
                Fail("plan", $"The tenant has {candidates.Count} subscriptions to plan '{row.PlanCode}'; assign these seats one by one.");
            }
            else
            {
                subscription = candidates[0];
            }

            if (!DateOnly.TryParseExact(row.StartDate.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
            {
                Fail("start_date", $"'{row.StartDate}' is not a date written yyyy-MM-dd.");
            }
            else if (start > context.Today)
            {
                Fail("start_date", $"{start:yyyy-MM-dd} is in the future.");
            }
            else if (subscription is not null && start < subscription.TermStart)
            {
                Fail("start_date", $"{start:yyyy-MM-dd} is before the subscription's term start {subscription.TermStart:yyyy-MM-dd}.");
            }

            var memberId = string.IsNullOrWhiteSpace(row.VendorMemberId) ? null : row.VendorMemberId.Trim();
            if (memberId is { Length: > MaxVendorMemberIdLength })
            {
                Fail("vendor_member_id", $"A vendor member id has at most {MaxVendorMemberIdLength} characters.");
            }

            if (person is not null && subscription is not null)
            {
                if (context.OpenSeats.Contains((subscription.Id, person.Id)))
                {
                    Fail("email", $"{row.Email} already holds a seat of plan '{row.PlanCode}'.");
                }
                else if (planned.Contains((subscription.Id, person.Id)))
                {
                    Fail("email", $"{row.Email} appears twice for plan '{row.PlanCode}'.");
                }
            }

            if (errors.Count > before || person is null || subscription is null)
            {
                continue;
            }

            var count = added.GetValueOrDefault(subscription.Id) + 1;
            if (subscription.OccupiedSeats + count > subscription.CommittedQuantity && !subscription.AllowIncrease)
            {
                Fail("plan", $"All {subscription.CommittedQuantity} committed seats of '{row.PlanCode}' would be taken and the subscription requires staff approval to add one: raise the quantity first.");
                continue;
            }

            planned.Add((subscription.Id, person.Id));
            added[subscription.Id] = count;
            seats.Add(new PlannedSeat(row, person.Id, subscription.Id, start, memberId));
        }

        return new SeatImportPlan(seats, errors);
    }
}
