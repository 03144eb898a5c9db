namespace LicenceOps.Seats.Domain.Reports;

/// <summary>One version of a subscription's committed quantity, in force from <see cref="EffectiveDate"/>.</summary>
public sealed record QuantityVersion(DateOnly EffectiveDate, int Quantity);

public sealed record ReportSubscription(Guid Id, string Product, string Vendor, IReadOnlyList<QuantityVersion> Committed);

/// <summary>A seat held from <see cref="AssignedOn"/> to <see cref="ReleasedOn"/>, both days included (as Billing counts them).</summary>
public sealed record ReportSeat(Guid Id, Guid SubscriptionId, Guid PersonId, DateOnly AssignedOn, DateOnly? ReleasedOn);

public sealed record ReportPerson(Guid Id, string DisplayName, Guid? DepartmentId);

/// <summary>The vendor reported activity of the seat's holder on <see cref="Day"/>.</summary>
public sealed record SeatActivity(Guid SeatId, DateOnly Day);

/// <summary>Euros excl. VAT invoiced for a service period, signed: negative on a credit note.</summary>
public sealed record InvoicedAmount(Guid? SubscriptionId, DateOnly PeriodStart, DateOnly PeriodEnd, decimal NetAmountEur);

/// <param name="First">First month of the report (any day of it).</param>
/// <param name="Last">Last month of the report (any day of it); not after <paramref name="Today"/>'s month.</param>
/// <param name="OverlappingProducts">Products that do the same job (general AI assistants): holding two of them is an overlap.</param>
public sealed record UsageReportInput(
    DateOnly First,
    DateOnly Last,
    DateOnly Today,
    IReadOnlyList<ReportSubscription> Subscriptions,
    IReadOnlyList<ReportSeat> Seats,
    IReadOnlyList<ReportPerson> People,
    IReadOnlyList<SeatActivity> Activity,
    IReadOnlyList<InvoicedAmount> Invoiced,
    IReadOnlyDictionary<Guid, string> DepartmentNames,
    IReadOnlySet<string> OverlappingProducts);

/// <summary>Seat counts are taken on <c>asOf</c> (the month's last day, or today in the current month).</summary>
public sealed record UsageFigures(
    int Purchased, int Assigned, int Active, int Inactive, decimal? AdoptionRate, decimal CostEur, decimal? CostPerActiveUserEur,
    int ReclaimableSeats, decimal MonthlySavingEur);

/// <param name="Key">The department id, or "none" (holders without a department), or "unassigned" (seats paid for and held by nobody).</param>
public sealed record DepartmentUsage(
    string Key, Guid? DepartmentId, string Name, int Assigned, int Active, int Inactive, long SeatDays, decimal CostEur, decimal? CostPerActiveUserEur);

public sealed record ProductUsage(string Product, string Vendor, UsageFigures Figures, IReadOnlyList<DepartmentUsage> Departments);

public sealed record OverlapTool(string Product, int ActiveDays);

public sealed record OverlapHolder(Guid PersonId, string DisplayName, Guid? DepartmentId, IReadOnlyList<OverlapTool> Tools);

/// <param name="UnallocatedCostEur">Invoiced in the month on lines that name no subscription (not in any product's cost).</param>
public sealed record MonthUsage(
    string Month, DateOnly AsOf, UsageFigures Totals, decimal UnallocatedCostEur, IReadOnlyList<ProductUsage> Products, IReadOnlyList<OverlapHolder> Overlaps);

/// <param name="AdoptionChangePoints">Last month's adoption minus the first month's, in percentage points.</param>
public sealed record UsageTrend(
    decimal? FirstAdoptionRate, decimal? LastAdoptionRate, decimal? AdoptionChangePoints, decimal FirstCostEur, decimal LastCostEur,
    decimal TotalCostEur, decimal TotalMonthlySavingEur);

public sealed record UsageReport(string From, string To, IReadOnlyList<MonthUsage> Months, UsageTrend Trend);

/// <summary>
/// The usage report, month by month, product by product, department by department (rules in docs/reports.md):
/// <list type="bullet">
/// <item>Counts are a snapshot on the month's last day (today in the current month): purchased = max(committed, assigned)
/// (what Billing bills), assigned = seats held, active = held seats with vendor-reported activity in the month,
/// inactive = assigned − active. Adoption = active / purchased.</item>
/// <item>Cost = euros excl. VAT as invoiced, each document line spread over the months of its service period by days
/// (credit notes negative, so they reduce the month they correct). Cost per active user = cost / active.</item>
/// <item>Reclaimable = purchased − active; monthly saving = cost × reclaimable / purchased, per subscription.</item>
/// <item>A subscription's month cost goes to departments by seat-days: each held seat-day to its holder's department,
/// the rest of the paid capacity (Σ max(committed, assigned) per day) to "unassigned". Cent rounding by largest remainder.</item>
/// <item>An overlap is a person holding seats of two or more overlapping products in the month; each tool shows the days
/// with activity.</item>
/// </list>
/// </summary>
public static class UsageReportCalculator
{
    public const string NoDepartment = "none";
    public const string Unassigned = "unassigned";

    public static UsageReport Compute(UsageReportInput input, Func<string, string> label)
    {
        var firstMonth = new DateOnly(input.First.Year, input.First.Month, 1);
        var lastMonth = new DateOnly(input.Last.Year, input.Last.Month, 1);
        if (lastMonth < firstMonth || lastMonth > new DateOnly(input.Today.Year, input.Today.Month, 1))
        {
            throw new ArgumentException("The report's months must be in order and not after the current month.");
        }

        var months = new List<(DateOnly Start, DateOnly AsOf)>();
        for (var m = firstMonth; m <= lastMonth; m = m.AddMonths(1))
        {
            var end = m.AddMonths(1).AddDays(-1);
            months.Add((m, end < input.Today ? end : input.Today));
        }

        var people = input.People.ToDictionary(p => p.Id);
        var seatsBySubscription = input.Seats.ToLookup(s => s.SubscriptionId);
        var activeDays = ActiveDaysPerSeatAndMonth(input.Activity, firstMonth, months.Count);
        var costs = CostPerSubscriptionAndMonth(input.Invoiced, firstMonth, months.Count);

        var result = new List<MonthUsage>(months.Count);
        for (var index = 0; index < months.Count; index++)
        {
            var (start, asOf) = months[index];
            var products = new List<ProductUsage>();
            foreach (var product in input.Subscriptions.GroupBy(s => (s.Product, s.Vendor)).OrderBy(g => g.Key.Vendor).ThenBy(g => g.Key.Product))
            {
                var figures = new List<UsageFigures>();
                var departments = new Dictionary<string, DepartmentAccumulator>();
                foreach (var subscription in product)
                {
                    var cost = costs.TryGetValue((subscription.Id, index), out var c) ? c : 0m;
                    figures.Add(Subscription(subscription, seatsBySubscription[subscription.Id].ToList(), people, activeDays, index, start, asOf, cost,
                        departments));
                }

                var departmentRows = departments.Values
                    .Select(d => d.ToUsage(input.DepartmentNames, label))
                    .OrderBy(d => d.Key == Unassigned ? 2 : d.Key == NoDepartment ? 1 : 0).ThenBy(d => d.Name, StringComparer.Ordinal)
                    .ToList();
                products.Add(new ProductUsage(product.Key.Product, product.Key.Vendor, Sum(figures), departmentRows));
            }

            var unallocated = costs.TryGetValue((Guid.Empty, index), out var other) ? other : 0m;
            var totals = Sum(products.Select(p => p.Figures).ToList());
            var overlaps = Overlaps(input, people, activeDays, index, start, asOf);
            result.Add(new MonthUsage($"{start:yyyy-MM}", asOf, totals, unallocated, products, overlaps));
        }

        return new UsageReport($"{firstMonth:yyyy-MM}", $"{lastMonth:yyyy-MM}", result, Trend(result));
    }

    private static UsageFigures Subscription(
        ReportSubscription subscription, List<ReportSeat> seats, Dictionary<Guid, ReportPerson> people,
        Dictionary<(Guid Seat, int Month), int> activeDays, int index, DateOnly start, DateOnly asOf, decimal cost,
        Dictionary<string, DepartmentAccumulator> departments)
    {
        var committed = subscription.Committed.OrderBy(v => v.EffectiveDate).ToList();
        int CommittedOn(DateOnly day) => committed.LastOrDefault(v => v.EffectiveDate <= day)?.Quantity ?? 0;

        // Held seats per day of the month (up to asOf), for the paid capacity; seat-days per department for the split.
        var days = asOf.DayNumber - start.DayNumber + 1;
        var held = new int[days + 1];
        var seatDaysByKey = new Dictionary<string, long>();
        var assigned = 0;
        var active = 0;
        foreach (var seat in seats)
        {
            var from = Math.Max(seat.AssignedOn.DayNumber, start.DayNumber);
            var to = Math.Min((seat.ReleasedOn ?? DateOnly.MaxValue).DayNumber, asOf.DayNumber);
            if (from > to)
            {
                continue;
            }

            held[from - start.DayNumber]++;
            held[to - start.DayNumber + 1]--;
            var key = KeyOf(people.GetValueOrDefault(seat.PersonId));
            seatDaysByKey[key] = seatDaysByKey.GetValueOrDefault(key) + (to - from + 1);

            var department = Department(departments, key);
            if (to == asOf.DayNumber)
            {
                assigned++;
                department.Assigned++;
                if (activeDays.ContainsKey((seat.Id, index)))
                {
                    active++;
                    department.Active++;
                }
            }
        }

        long capacity = 0;
        var running = 0;
        for (var d = 0; d < days; d++)
        {
            running += held[d];
            capacity += Math.Max(CommittedOn(start.AddDays(d)), running);
        }

        var heldDays = seatDaysByKey.Values.Sum();
        var keys = seatDaysByKey.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var weights = keys.Select(k => seatDaysByKey[k]).ToList();
        if (capacity > heldDays || heldDays == 0)
        {
            // Paid capacity nobody held; also where a cost goes when nothing was held or committed at all (a late credit note).
            keys.Add(Unassigned);
            weights.Add(Math.Max(capacity - heldDays, 1));
        }

        var shares = Cents.Split(cost, weights);
        for (var i = 0; i < keys.Count; i++)
        {
            var department = Department(departments, keys[i]);
            department.SeatDays += keys[i] == Unassigned ? 0 : weights[i];
            department.Cost += shares[i];
        }

        var purchased = Math.Max(CommittedOn(asOf), assigned);
        var reclaimable = Math.Max(purchased - active, 0);
        var saving = purchased == 0 ? 0m : Cents.Round(cost * reclaimable / purchased);
        if (purchased > assigned)
        {
            Department(departments, Unassigned);
        }

        return Figures(purchased, assigned, active, cost, reclaimable, saving);
    }

    private static UsageFigures Figures(int purchased, int assigned, int active, decimal cost, int reclaimable, decimal saving) =>
        new(purchased, assigned, active, assigned - active, purchased == 0 ? null : decimal.Round((decimal)active / purchased, 4),
            cost, active == 0 ? null : Cents.Round(cost / active), reclaimable, saving);

    private static UsageFigures Sum(IReadOnlyList<UsageFigures> parts) =>
        Figures(parts.Sum(p => p.Purchased), parts.Sum(p => p.Assigned), parts.Sum(p => p.Active), parts.Sum(p => p.CostEur),
            parts.Sum(p => p.ReclaimableSeats), parts.Sum(p => p.MonthlySavingEur));

    private static string KeyOf(ReportPerson? person) => person?.DepartmentId is { } id ? id.ToString("D") : NoDepartment;

    private static DepartmentAccumulator Department(Dictionary<string, DepartmentAccumulator> departments, string key)
    {
        if (!departments.TryGetValue(key, out var department))
        {
            department = new DepartmentAccumulator(key);
            departments[key] = department;
        }

        return department;
    }

    private static List<OverlapHolder> Overlaps(
        UsageReportInput input, Dictionary<Guid, ReportPerson> people, Dictionary<(Guid Seat, int Month), int> activeDays, int index,
        DateOnly start, DateOnly asOf)
    {
        var productOf = input.Subscriptions.ToDictionary(s => s.Id, s => s.Product);
        return input.Seats
            .Where(s => s.AssignedOn <= asOf && (s.ReleasedOn ?? DateOnly.MaxValue) >= start)
            .Where(s => productOf.TryGetValue(s.SubscriptionId, out var product) && input.OverlappingProducts.Contains(product))
            .GroupBy(s => s.PersonId)
            .Select(person => (person.Key, Tools: person
                .GroupBy(s => productOf[s.SubscriptionId])
                .Select(tool => new OverlapTool(tool.Key, tool.Sum(s => activeDays.GetValueOrDefault((s.Id, index)))))
                .OrderBy(t => t.Product, StringComparer.Ordinal)
                .ToList()))
            .Where(p => p.Tools.Count >= 2)
            .Select(p => people.TryGetValue(p.Key, out var person)
                ? new OverlapHolder(p.Key, person.DisplayName, person.DepartmentId, p.Tools)
                : new OverlapHolder(p.Key, "", null, p.Tools))
            .OrderBy(h => h.DisplayName, StringComparer.Ordinal).ThenBy(h => h.PersonId)
            .ToList();
    }

    private static Dictionary<(Guid Seat, int Month), int> ActiveDaysPerSeatAndMonth(IReadOnlyList<SeatActivity> activity, DateOnly firstMonth, int count)
    {
        var days = new Dictionary<(Guid, int), int>();
        foreach (var (seatId, day) in activity.Select(a => (a.SeatId, a.Day)).Distinct())
        {
            var index = (day.Year - firstMonth.Year) * 12 + day.Month - firstMonth.Month;
            if (index >= 0 && index < count)
            {
                days[(seatId, index)] = days.GetValueOrDefault((seatId, index)) + 1;
            }
        }

        return days;
    }

    /// <summary>Each line's amount spread over the calendar months of its service period by days; Guid.Empty collects lines without a subscription.</summary>
    private static Dictionary<(Guid Subscription, int Month), decimal> CostPerSubscriptionAndMonth(
        IReadOnlyList<InvoicedAmount> invoiced, DateOnly firstMonth, int count)
    {
        var costs = new Dictionary<(Guid, int), decimal>();
        foreach (var line in invoiced)
        {
            if (line.PeriodEnd < line.PeriodStart)
            {
                continue;
            }

            var pieces = new List<(int Month, long Days)>();
            for (var m = new DateOnly(line.PeriodStart.Year, line.PeriodStart.Month, 1); m <= line.PeriodEnd; m = m.AddMonths(1))
            {
                var from = Math.Max(m.DayNumber, line.PeriodStart.DayNumber);
                var to = Math.Min(m.AddMonths(1).AddDays(-1).DayNumber, line.PeriodEnd.DayNumber);
                pieces.Add(((m.Year - firstMonth.Year) * 12 + m.Month - firstMonth.Month, to - from + 1));
            }

            var shares = Cents.Split(line.NetAmountEur, pieces.Select(p => p.Days).ToList());
            for (var i = 0; i < pieces.Count; i++)
            {
                if (pieces[i].Month >= 0 && pieces[i].Month < count)
                {
                    var key = (line.SubscriptionId ?? Guid.Empty, pieces[i].Month);
                    costs[key] = costs.GetValueOrDefault(key) + shares[i];
                }
            }
        }

        return costs;
    }

    private static UsageTrend Trend(IReadOnlyList<MonthUsage> months)
    {
        var first = months[0].Totals;
        var last = months[^1].Totals;
        decimal? change = first.AdoptionRate is { } a && last.AdoptionRate is { } b ? decimal.Round((b - a) * 100m, 2) : null;
        return new UsageTrend(first.AdoptionRate, last.AdoptionRate, change, first.CostEur, last.CostEur,
            months.Sum(m => m.Totals.CostEur + m.UnallocatedCostEur), months.Sum(m => m.Totals.MonthlySavingEur));
    }

    private sealed class DepartmentAccumulator(string key)
    {
        public string Key { get; } = key;
        public int Assigned { get; set; }
        public int Active { get; set; }
        public long SeatDays { get; set; }
        public decimal Cost { get; set; }

        public DepartmentUsage ToUsage(IReadOnlyDictionary<Guid, string> names, Func<string, string> label)
        {
            Guid? id = Guid.TryParse(Key, out var parsed) ? parsed : null;
            var name = id is { } known
                ? names.TryGetValue(known, out var n) ? n : known.ToString("D")[..8]
                : label(Key == Unassigned ? "department.unassigned" : "department.none");
            return new DepartmentUsage(Key, id, name, Assigned, Active, Assigned - Active, SeatDays, Cost,
                Active == 0 ? null : Cents.Round(Cost / Active));
        }
    }
}
