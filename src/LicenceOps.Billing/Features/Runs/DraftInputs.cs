using System.Buffers.Text;
using System.Text;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Billing.Features.Pricing;
using LicenceOps.Platform.Data;

namespace LicenceOps.Billing.Features.Runs;

/// <summary>
/// Everything drafting a month needs for a batch of tenants, read in the batch's write transaction with one query per
/// kind of input, not per tenant (ADR 0042): buyers, subscription terms and seat changes up to the period's end, the
/// invoiced months a regularisation may correct, the rates those invoices used and what later documents already billed
/// for those months. The planning on top of it is pure (<see cref="InvoiceDraftBuilder"/>, <see cref="Regularisation"/>).
/// </summary>
internal sealed class DraftInputs
{
    private readonly Dictionary<Guid, BuyerProfile> buyers;
    private readonly ILookup<Guid, TermsRow> terms;
    private readonly SeatChanges seats;
    private readonly ILookup<Guid, InvoiceRow> invoiced;
    private readonly ILookup<Guid, InvoiceRateRow> usedRates;
    private readonly ILookup<Guid, BilledRow> billed;

    private DraftInputs(
        Dictionary<Guid, BuyerProfile> buyers, ILookup<Guid, TermsRow> terms, SeatChanges seats, ILookup<Guid, InvoiceRow> invoiced,
        ILookup<Guid, InvoiceRateRow> usedRates, ILookup<Guid, BilledRow> billed)
    {
        this.buyers = buyers;
        this.terms = terms;
        this.seats = seats;
        this.invoiced = invoiced;
        this.usedRates = usedRates;
        this.billed = billed;
    }

    private const string BuyersSql = """
        SELECT tenant_id AS TenantId, legal_name AS LegalName, siren AS Siren, vat_number AS VatNumber,
            country_code AS CountryCode, address_line1 AS AddressLine1, address_line2 AS AddressLine2,
            postal_code AS PostalCode, city AS City, billing_email AS BillingEmail, siret AS Siret
        FROM billing_tenants WHERE tenant_id IN @tenants
        """;

    private const string TermsSql = """
        SELECT tenant_id AS TenantId, subscription_id AS SubscriptionId, vendor_name AS VendorName, plan_code AS PlanCode, plan_name AS PlanName,
            committed_quantity AS CommittedQuantity, effective_date AS EffectiveDate, billing_cycle AS BillingCycle,
            term_start AS TermStart, price_unit AS PriceUnit, billing_frequency AS BillingFrequency, recorded_at AS RecordedAt,
            list_price AS ListPrice, list_price_currency AS ListPriceCurrency, list_price_includes_vat AS ListPriceIncludesVat,
            sale_price_per_seat_eur AS SalePricePerSeatEur, occurred_at AS OccurredAt
        FROM subscription_terms WHERE tenant_id IN @tenants AND effective_date <= @end
        """;

    private const string SeatsSql = """
        SELECT tenant_id AS TenantId, seat_id AS SeatId, subscription_id AS SubscriptionId, assigned AS Assigned, effective_date AS EffectiveDate,
            occurred_at AS OccurredAt, recorded_at AS RecordedAt
        FROM seat_changes WHERE tenant_id IN @tenants AND effective_date <= @end
        """;

    /// <summary>
    /// The same on SQLite, packed (<see cref="PackedRows"/>): per tenant, its id and one text of its changes, each change one JSON
    /// array in the order of <see cref="SeatsSql"/>'s columns but the tenant's, in the order the column read returns them (both scan
    /// the tenant's rows the same way). The tenant's id is read once per tenant: in every change it was 39 of about 190 bytes that
    /// SQLite wrote as JSON and the run parsed back, about a hundred times per tenant (feat/i16dw).
    /// </summary>
    private const string PackedSeatsSql = """
        SELECT tenant_id, CAST(json_group_array(json_array(seat_id, subscription_id, assigned, effective_date, occurred_at, recorded_at)) AS BLOB)
        FROM seat_changes WHERE tenant_id IN @tenants AND effective_date <= @end
        GROUP BY tenant_id
        """;

    private const string InvoicedSql = $"""
        SELECT {InvoiceRow.Columns} FROM invoices
        WHERE tenant_id IN @tenants AND kind = 'invoice' AND period_start < @start AND period_start >= @oldest
        ORDER BY period_start
        """;

    private const string BilledSql = """
        SELECT p.id AS InvoiceId, l.subscription_id AS SubscriptionId,
            CASE WHEN i.kind = 'credit-note' THEN -l.net_amount ELSE l.net_amount END AS Net
        FROM invoices p
        JOIN invoices i ON i.tenant_id = p.tenant_id
            AND ((i.kind = 'invoice' AND i.period_start > p.period_start)
                 OR (i.kind = 'credit-note' AND i.regularisation_of IS NOT NULL AND i.credited_invoice_id = p.id))
        JOIN invoice_lines l ON l.invoice_id = i.id
        WHERE p.id IN @ids AND l.subscription_id IS NOT NULL AND l.period_start >= p.period_start AND l.period_start <= p.period_end
        """;

    private const string UsedRatesSql = $"SELECT {InvoiceRateRow.Columns} FROM invoice_exchange_rates WHERE invoice_id IN @ids";

    /// <summary>The statements, for the T-SQL parse test (no SQL Server runs here; the same text runs on both).</summary>
    internal static IReadOnlyList<string> SqlServerStatements => [BuyersSql, TermsSql, SeatsSql, InvoicedSql, UsedRatesSql, BilledSql];

    /// <param name="oldest">The first month a regularisation may still correct.</param>
    public static async Task<DraftInputs> LoadAsync(UnitOfWork uow, IReadOnlyList<Guid> tenants, BillingPeriod period, DateOnly oldest)
    {
        var buyers = await uow.QueryAsync<BuyerProfile>(BuyersSql, new { tenants });
        var terms = await uow.QueryAsync<TermsRow>(TermsSql, new { tenants, end = period.End });
        var seats = await LoadSeatsAsync(uow, tenants, period.End);
        var invoiced = await uow.QueryAsync<InvoiceRow>(InvoicedSql, new { tenants, start = period.Start, oldest });
        IReadOnlyList<InvoiceRateRow> rates = [];
        IReadOnlyList<BilledRow> billed = [];
        if (invoiced.Count > 0)
        {
            var ids = invoiced.Select(i => i.Id).ToList();
            rates = await uow.QueryAsync<InvoiceRateRow>(UsedRatesSql, new { ids });
            // Per invoiced month p: later invoices' lines dated in p, and the regularisation credit notes drafted on p's
            // invoice (negative). An invoice's period_end is its month's last day.
            billed = await uow.QueryAsync<BilledRow>(BilledSql, new { ids });
        }
        return new DraftInputs(buyers.ToDictionary(b => b.TenantId), terms.ToLookup(t => t.TenantId), seats,
            invoiced.ToLookup(i => i.TenantId), rates.ToLookup(r => r.InvoiceId), billed.ToLookup(b => b.InvoiceId));
    }

    /// <summary>
    /// The seat changes of <paramref name="tenants"/> up to <paramref name="end"/>, about a hundred per tenant at the reseller's
    /// scale, by tenant and subscription as the planner takes them. On SQLite every column of every row is carried out of the
    /// engine by native calls of its own (two per value, each taking and releasing the statement's handle; docs/performance.md):
    /// there a tenant's changes come as one text, read straight into the planner's <see cref="SeatChange"/>s (no row object per
    /// change, no list of every row of the batch to group afterwards: feat/i16wx). SQL Server reads the columns.
    /// </summary>
    internal static async Task<SeatChanges> LoadSeatsAsync(UnitOfWork uow, IReadOnlyList<Guid> tenants, DateOnly end)
    {
        if (uow.Dialect != SqlDialect.Sqlite)
        {
            return await LoadSeatsByColumnAsync(uow, tenants, end);
        }
        var seats = new SeatChanges();
        await uow.ReadKeyedBlobsAsync(PackedSeatsSql, new { tenants, end }, (ReadOnlySpan<byte> tenant, ReadOnlySpan<byte> packed) =>
        {
            // The tenant's id as SQLite stores every GUID (SqliteText: 36 characters), read as PackedRows reads the other ids.
            var tenantId = Utf8Parser.TryParse(tenant, out Guid id, out var length, 'D') && length == tenant.Length
                ? id
                : Guid.Parse(Encoding.UTF8.GetString(tenant));
            PackedRows.ReadAll(packed, (ref PackedRows c) => ReadSeat(tenantId, ref c), seats);
        });
        return seats;
    }

    private static (Guid TenantId, Guid SubscriptionId, SeatChange Change) ReadSeat(Guid tenantId, ref PackedRows c)
    {
        var seatId = c.Guid();
        var subscriptionId = c.Guid();
        var assigned = c.Flag();
        var effective = c.Date();
        var occurred = c.Instant();
        return (tenantId, subscriptionId, new SeatChange(seatId, assigned, effective, occurred, c.NullableInstant()));
    }

    /// <summary>The column-by-column read of <see cref="LoadSeatsAsync"/>: SQL Server's, and the test's reference on SQLite.</summary>
    internal static async Task<SeatChanges> LoadSeatsByColumnAsync(UnitOfWork uow, IReadOnlyList<Guid> tenants, DateOnly end)
    {
        var seats = new SeatChanges();
        foreach (var s in await uow.QueryAsync<SeatRow>(SeatsSql, new { tenants, end }))
        {
            seats.Add((s.TenantId, s.SubscriptionId, new SeatChange(s.SeatId, s.Assigned, s.EffectiveDate, s.OccurredAt, s.RecordedAt)));
        }
        return seats;
    }

    public BuyerProfile? Buyer(Guid tenantId) => buyers.GetValueOrDefault(tenantId);

    /// <summary>The tenant's invoices of the months a regularisation may correct, oldest first.</summary>
    public IReadOnlyList<InvoiceRow> Invoiced(Guid tenantId) => invoiced[tenantId].ToList();

    /// <summary>The ECB quotes <paramref name="invoiceId"/> was priced at.</summary>
    public IEnumerable<InvoiceRateRow> RatesUsedBy(Guid invoiceId) => usedRates[invoiceId];

    /// <summary>Net already billed per subscription, by later documents, for the month of <paramref name="invoiceId"/>.</summary>
    public Dictionary<Guid, decimal> AlreadyBilled(Guid invoiceId) =>
        billed[invoiceId].GroupBy(b => b.SubscriptionId).ToDictionary(g => g.Key, g => g.Sum(b => b.Net));

    /// <summary>The tenant's subscriptions as known up to <paramref name="end"/> (this period's, or an earlier month's).</summary>
    public List<SubscriptionHistory> History(Guid tenantId, DateOnly end)
    {
        var tenantSeats = seats.Of(tenantId);
        return terms[tenantId].Where(t => t.EffectiveDate <= end).GroupBy(t => t.SubscriptionId)
            .Select(g => new SubscriptionHistory(
                g.Key,
                g.Select(t => new SubscriptionTermsVersion(t.SubscriptionId, t.VendorName, t.PlanCode, t.PlanName, t.CommittedQuantity,
                    t.EffectiveDate,
                    new PlanPrice(t.BillingCycle, t.ListPrice, t.ListPriceCurrency, t.ListPriceIncludesVat, t.SalePricePerSeatEur, t.PriceUnit, t.BillingFrequency),
                    t.OccurredAt, t.TermStart, t.RecordedAt)).ToList(),
                SeatChanges.Until(tenantSeats?.GetValueOrDefault(g.Key), end)))
            .ToList();
    }

    private sealed class TermsRow
    {
        public Guid TenantId { get; set; }
        public Guid SubscriptionId { get; set; }
        public string VendorName { get; set; } = "";
        public string PlanCode { get; set; } = "";
        public string PlanName { get; set; } = "";
        public int CommittedQuantity { get; set; }
        public DateOnly EffectiveDate { get; set; }
        public string BillingCycle { get; set; } = "";
        public DateOnly TermStart { get; set; }
        public DateTimeOffset? RecordedAt { get; set; }
        public string PriceUnit { get; set; } = PriceUnits.PerSeatMonth;
        public string BillingFrequency { get; set; } = BillingFrequencies.Monthly;
        public decimal ListPrice { get; set; }
        public string ListPriceCurrency { get; set; } = "";
        public bool ListPriceIncludesVat { get; set; }
        public decimal? SalePricePerSeatEur { get; set; }
        public DateTimeOffset OccurredAt { get; set; }
    }

    private sealed class BilledRow
    {
        public Guid InvoiceId { get; set; }
        public Guid SubscriptionId { get; set; }
        public decimal Net { get; set; }
    }

    /// <summary>
    /// A batch's seat changes by tenant, then by subscription, each subscription's in the order they were read (the seat-day
    /// planning keeps that order between changes equal in every key). Filled once by the read; the lists are shared, never changed.
    /// </summary>
    internal sealed class SeatChanges : ICollection<(Guid TenantId, Guid SubscriptionId, SeatChange Change)>
    {
        private readonly Dictionary<Guid, Dictionary<Guid, List<SeatChange>>> byTenant = [];

        public int Count { get; private set; }

        public bool IsReadOnly => false;

        public void Add((Guid TenantId, Guid SubscriptionId, SeatChange Change) item)
        {
            if (!byTenant.TryGetValue(item.TenantId, out var subscriptions))
            {
                byTenant[item.TenantId] = subscriptions = [];
            }
            if (!subscriptions.TryGetValue(item.SubscriptionId, out var changes))
            {
                subscriptions[item.SubscriptionId] = changes = [];
            }
            changes.Add(item.Change);
            Count++;
        }

        /// <summary>The tenant's changes by subscription, or null when it has none.</summary>
        public Dictionary<Guid, List<SeatChange>>? Of(Guid tenantId) => byTenant.GetValueOrDefault(tenantId);

        /// <summary>
        /// The changes effective up to <paramref name="end"/>: the list itself when all are (every change read is, for the month
        /// being drafted), else a copy without the later ones (an earlier month's regularisation).
        /// </summary>
        public static IReadOnlyList<SeatChange> Until(List<SeatChange>? changes, DateOnly end) =>
            changes is null ? [] : changes.TrueForAll(c => c.EffectiveDate <= end) ? changes : changes.FindAll(c => c.EffectiveDate <= end);

        public IEnumerator<(Guid TenantId, Guid SubscriptionId, SeatChange Change)> GetEnumerator() =>
            byTenant.SelectMany(t => t.Value.SelectMany(s => s.Value.Select(c => (t.Key, s.Key, c)))).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public void Clear() => throw new NotSupportedException();

        public bool Contains((Guid TenantId, Guid SubscriptionId, SeatChange Change) item) => throw new NotSupportedException();

        public void CopyTo((Guid TenantId, Guid SubscriptionId, SeatChange Change)[] array, int arrayIndex) => throw new NotSupportedException();

        public bool Remove((Guid TenantId, Guid SubscriptionId, SeatChange Change) item) => throw new NotSupportedException();
    }

    /// <summary>A seat change as SQL Server's column read returns it.</summary>
    private sealed class SeatRow
    {
        public Guid TenantId { get; set; }
        public Guid SeatId { get; set; }
        public Guid SubscriptionId { get; set; }
        public bool Assigned { get; set; }
        public DateOnly EffectiveDate { get; set; }
        public DateTimeOffset OccurredAt { get; set; }
        public DateTimeOffset? RecordedAt { get; set; }
    }
}
