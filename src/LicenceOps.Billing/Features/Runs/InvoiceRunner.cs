using LicenceOps.Billing.Features.ExchangeRates;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Billing.Features.Pricing;
using LicenceOps.Platform.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LicenceOps.Billing.Features.Runs;

public sealed record InvoiceRunResult(string Period, int Drafted, int AlreadyInvoiced, int Issued, IReadOnlyList<Guid> InvoiceIds, IReadOnlyList<RunFailure> Failures)
{
    public static InvoiceRunResult From(InvoiceRunView run) =>
        new(run.Period, run.Drafted, run.AlreadyInvoiced, run.Issued, run.InvoiceIds, run.Failures);
}

/// <summary>
/// Invoices one month for every tenant with subscriptions, as a durable run (<see cref="InvoiceRuns"/>). Safe to
/// re-run and to resume: a tenant's period is drafted once (NOT EXISTS guard plus a unique index on tenant + period),
/// issuing only ever touches drafts and takes its number inside its own transaction, and each tenant's outcome is
/// recorded in the transaction that makes it true, so a run killed at any point and resumed finishes with every
/// number used once and none skipped. Each tenant is its own transaction, so one tenant's problem (missing rate, no
/// profile) never blocks the others.
/// </summary>
public sealed partial class InvoiceRunner(
    ModuleDatabase<BillingModule> database, ExchangeRateStore rates, InvoiceDocuments documents, InvoiceRuns runs,
    IOptions<BillingOptions> options, ILogger<InvoiceRunner> logger)
{
    /// <summary>
    /// Queues a run and works it here and now (the monthly job, the demo history, benchmarks). It is a run like any
    /// other: listed by the API, and resumed by <see cref="InvoiceRunWorker"/> if this process dies.
    /// </summary>
    public async Task<InvoiceRunResult> RunAsync(BillingPeriod period, bool issue, CancellationToken ct)
    {
        var runId = await database.WriteAsync(uow => InvoiceRuns.QueueAsync(uow, period, issue), ct)
            ?? throw new InvalidOperationException($"A run of {period} is already queued or running.");
        var owner = Guid.NewGuid();
        if (!await runs.ClaimAsync(runId, owner, ct))
        {
            throw new InvalidOperationException($"Invoice run {runId} was taken by another executor.");
        }
        await ExecuteAsync(runId, owner, ct);
        return InvoiceRunResult.From((await runs.FindAsync(runId, ct))!);
    }

    /// <summary>
    /// Works run <paramref name="runId"/>, claimed by <paramref name="owner"/>, through its pending tenants and ends it.
    /// Returns early (leaving the rest to whoever holds the lease) when the lease was lost.
    /// </summary>
    public async Task ExecuteAsync(Guid runId, Guid owner, CancellationToken ct)
    {
        var run = await runs.RowAsync(runId, ct) ?? throw new InvalidOperationException($"No invoice run {runId}.");
        if (!BillingPeriod.TryParse(run.Period, out var parsed))
        {
            await runs.FinishAsync(runId, owner, $"Unreadable period \"{run.Period}\".", ct);
            return;
        }
        var period = parsed!.Value;
        // Drafting and numbering stay serial (the series is gapless, in issue order); each issued document's PDF is
        // rendered meanwhile on every core.
        var rendering = run.Issue ? documents.StartRendering(ct) : null;
        // Read once per run, not once per tenant: every tenant of a run is priced at the same ECB quotes.
        var quotes = new Dictionary<(string, DateOnly), EcbRateQuote?>();
        try
        {
            if (rendering is not null && run.Attempts > 1)
            {
                // Resumed: what was issued before the interruption may have no stored PDF yet.
                foreach (var invoiceId in await runs.IssuedInvoicesAsync(runId, ct))
                {
                    await rendering.Add(invoiceId, ct);
                }
            }

            var pending = await runs.PendingTenantsAsync(runId, ct);
            for (var next = 0; next < pending.Count;)
            {
                var (issued, taken) = await InvoiceBatchAsync(runId, owner, pending, next, period, run.Issue, quotes, ct);
                if (issued is null)
                {
                    LogLeaseLost(runId);
                    return;
                }
                next += taken;
                if (rendering is not null)
                {
                    foreach (var documentId in issued)
                    {
                        await rendering.Add(documentId, ct);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The host is stopping: hand the run back so the next start resumes it without waiting for the lease.
            await runs.ReleaseAsync(runId, owner);
            throw;
        }
        finally
        {
            if (rendering is not null)
            {
                await rendering.CompleteAsync();
            }
        }

        await runs.FinishAsync(runId, owner, null, ct);
    }

    /// <summary>
    /// Invoices tenants from <paramref name="pending"/>[<paramref name="from"/>] on in one write transaction (ADR 0030):
    /// the lease is renewed in it first, so a batch of an executor that lost its run changes nothing; then each tenant
    /// is drafted, numbered and its outcome recorded, until <see cref="BillingOptions.RunBatchTenants"/> tenants or
    /// <see cref="BillingOptions.RunBatchMilliseconds"/>.
    /// The batch commits or rolls back whole, numbers included: a crash leaves no gap and no half-done tenant. A tenant
    /// that throws rolls the batch back and the batch is redone one tenant per transaction, so its problem stays its own.
    /// Returns the documents issued (for rendering; null when the lease was lost) and the number of tenants taken.
    /// </summary>
    private async Task<(IReadOnlyList<Guid>? Issued, int Taken)> InvoiceBatchAsync(
        Guid runId, Guid owner, IReadOnlyList<Guid> pending, int from, BillingPeriod period, bool issue,
        Dictionary<(string, DateOnly), EcbRateQuote?> quotes, CancellationToken ct)
    {
        // Tenants started in the batch's transaction, the one in flight when it threw included.
        var taken = 0;
        try
        {
            var issued = await database.WriteAsync<List<Guid>?>(async uow =>
            {
                if (!await runs.RenewAsync(uow, runId, owner))
                {
                    return null;
                }
                var started = TimeProvider.System.GetTimestamp();
                var documents = new List<Guid>();
                var (most, longest) = (Math.Max(1, options.Value.RunBatchTenants), TimeSpan.FromMilliseconds(Math.Max(0, options.Value.RunBatchMilliseconds)));
                while (from + taken < pending.Count && taken < most && (taken == 0 || TimeProvider.System.GetElapsedTime(started) < longest))
                {
                    taken++;
                    documents.AddRange(await InvoiceTenantAsync(uow, runId, pending[from + taken - 1], period, issue, quotes, ct));
                }
                return documents;
            }, ct);
            return (issued, taken);
        }
        catch (Exception e) when (e is not OperationCanceledException && taken > 0)
        {
            // Rolled back whole. Redo the same tenants one transaction each: the one that failed is recorded as failed,
            // the others are invoiced as if nothing happened.
            var issued = new List<Guid>();
            for (var i = 0; i < taken; i++)
            {
                var tenantId = pending[from + i];
                try
                {
                    var done = await database.WriteAsync<IReadOnlyList<Guid>?>(async uow =>
                        await runs.RenewAsync(uow, runId, owner) ? await InvoiceTenantAsync(uow, runId, tenantId, period, issue, quotes, ct) : null, ct);
                    if (done is null)
                    {
                        return (null, i);
                    }
                    issued.AddRange(done);
                }
                catch (Exception tenantError) when (tenantError is not OperationCanceledException)
                {
                    // One tenant's unexpected problem is that tenant's failure, reported on the run; the others go on.
                    LogTenantFailed(tenantError, runId, tenantId);
                    await runs.RecordFailedAsync(runId, tenantId, $"Unexpected error: {tenantError.Message}", ct);
                }
            }
            LogBatchRetried(e, runId, taken);
            return (issued, taken);
        }
    }

    /// <summary>
    /// One tenant of a run, inside the batch's transaction: draft, optionally issue (the month's regularisation credit
    /// notes first, then the invoice), record the outcome. Returns the documents issued now, for rendering.
    /// </summary>
    private async Task<IReadOnlyList<Guid>> InvoiceTenantAsync(
        UnitOfWork uow, Guid runId, Guid tenantId, BillingPeriod period, bool issue, Dictionary<(string, DateOnly), EcbRateQuote?> quotes, CancellationToken ct)
    {
        var outcome = await DraftAsync(uow, tenantId, period, quotes, ct);
        if (outcome.Failure is not null)
        {
            await InvoiceRuns.RecordFailedAsync(uow, runId, tenantId, outcome.Failure);
            return [];
        }

        // Regularisation credit notes drafted for this month (now, or by an attempt a crash interrupted) go out first.
        var issued = issue ? await IssueRegularisationCreditNotesAsync(uow, tenantId, period) : [];
        if (outcome.InvoiceId is not { } invoiceId)
        {
            await InvoiceRuns.RecordDoneAsync(uow, runId, tenantId, issued.Count > 0 ? "credit notes only" : "nothing");
            return issued;
        }

        var drafted = outcome.Created ? "drafted" : "already";
        if (!issue)
        {
            await InvoiceRuns.RecordDoneAsync(uow, runId, tenantId, drafted, invoiceId);
            return [];
        }

        // The number, the run's record of it and the tenant's completion commit together.
        var numbered = await InvoiceIssuer.IssueAsync(uow, invoiceId) is not null;
        await InvoiceRuns.RecordDoneAsync(uow, runId, tenantId, drafted, invoiceId, numbered);
        return [.. issued, invoiceId];
    }

    /// <summary>
    /// Issues, in the caller's transaction, the regularisation credit notes still in draft that a run of
    /// <paramref name="period"/> drafted for the tenant (<c>regularisation_of</c>). Found by query rather than carried
    /// over from the draft step, so a run resumed after a crash issues the ones its first attempt left behind.
    /// </summary>
    private static async Task<IReadOnlyList<Guid>> IssueRegularisationCreditNotesAsync(UnitOfWork uow, Guid tenantId, BillingPeriod period)
    {
        var drafts = await uow.QueryAsync<Guid>(
            """
            SELECT id FROM invoices
            WHERE tenant_id = @tenantId AND kind = 'credit-note' AND regularisation_of = @period AND status = 'draft'
            ORDER BY period_start, id
            """,
            new { tenantId, period = period.ToString() });
        var issued = new List<Guid>();
        foreach (var creditNoteId in drafts)
        {
            if (await InvoiceIssuer.IssueAsync(uow, creditNoteId) is not null)
            {
                issued.Add(creditNoteId);
            }
        }
        return issued;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invoice run {RunId}: lost its lease to another executor; stopping here")]
    private partial void LogLeaseLost(Guid runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invoice run {RunId}: invoicing tenant {TenantId} failed")]
    private partial void LogTenantFailed(Exception exception, Guid runId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invoice run {RunId}: a batch of {Tenants} tenants was rolled back and redone one tenant at a time")]
    private partial void LogBatchRetried(Exception exception, Guid runId, int tenants);

    private sealed record DraftOutcome(Guid? InvoiceId, bool Created, string? Failure);

    /// <summary>
    /// Drafts the tenant's invoice of <paramref name="period"/> in the caller's write transaction, unless it exists.
    /// History, what earlier invoices billed and the new draft are read and written in that one transaction: a
    /// concurrent run (another month of the same tenant) cannot bill the same late change in between.
    /// </summary>
    private async Task<DraftOutcome> DraftAsync(
        UnitOfWork uow, Guid tenantId, BillingPeriod period, Dictionary<(string, DateOnly), EcbRateQuote?> runQuotes, CancellationToken ct)
    {
        var periodText = period.ToString();
        if (uow.Dialect == SqlDialect.SqlServer)
        {
            // SQLite's BEGIN IMMEDIATE already serialises writers; SQL Server reads committed, so lock the tenant.
            await uow.ExecuteAsync("EXEC sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Transaction'",
                new { resource = $"billing-draft:{tenantId}" });
        }

        if (await uow.QuerySingleOrDefaultAsync<Guid?>(
                "SELECT id FROM invoices WHERE tenant_id = @tenantId AND period = @periodText AND kind = 'invoice'", new { tenantId, periodText }) is { } drafted)
        {
            return new DraftOutcome(drafted, false, null);
        }

        var buyer = await uow.QuerySingleOrDefaultAsync<BuyerProfile>(
            """
            SELECT tenant_id AS TenantId, legal_name AS LegalName, siren AS Siren, vat_number AS VatNumber,
                country_code AS CountryCode, address_line1 AS AddressLine1, address_line2 AS AddressLine2,
                postal_code AS PostalCode, city AS City, billing_email AS BillingEmail, siret AS Siret
            FROM billing_tenants WHERE tenant_id = @tenantId
            """,
            new { tenantId });
        if (buyer is null)
        {
            return new DraftOutcome(null, false, "Billing has no profile for this tenant yet (TenantProfileChanged not received).");
        }

        var invoiceId = Guid.NewGuid();
        var history = await LoadHistoryAsync(uow, tenantId, period);
        var quotes = await QuotesAsync(uow, history, period, null, runQuotes, ct);
        InvoiceDraft draft;
        IReadOnlyList<InvoiceRow> corrected;
        try
        {
            var (regularisations, invoiced) = await RegularisationsAsync(uow, tenantId, period, runQuotes, ct);
            corrected = invoiced;
            draft = InvoiceDraftBuilder.Build(period, buyer, history, options.Value.MarginPercent, c => quotes.GetValueOrDefault(c), regularisations);
        }
        catch (MissingExchangeRateException missing)
        {
            return new DraftOutcome(null, false, missing.Message);
        }

        var documents = RegularisationCredits.Split(draft, draft.Vat.ExemptionReason);
        foreach (var credit in documents.Credits)
        {
            // Issued by the run with the month's invoice (IssueRegularisationCreditNotesAsync finds them by query).
            var original = corrected.Single(i => i.PeriodStart == credit.CorrectedPeriodStart);
            await CreditNotes.DraftRegularisationAsync(uow, original, credit, periodText);
        }

        if (documents.Invoice is not { Lines.Count: > 0 } invoice)
        {
            return new DraftOutcome(null, false, null);
        }

        if (!await InsertDraftAsync(uow, invoiceId, buyer, invoice))
        {
            // Drafted meanwhile by a path that does not take the tenant's applock (SQL Server reads committed): that one stands.
            var existing = await uow.QuerySingleOrDefaultAsync<Guid>(
                "SELECT id FROM invoices WHERE tenant_id = @tenantId AND period = @periodText AND kind = 'invoice'", new { tenantId, periodText });
            return new DraftOutcome(existing, false, null);
        }
        return new DraftOutcome(invoiceId, true, null);
    }

    /// <summary>ECB quotes for the foreign list prices of a period: the ones an invoice already used, else the store's.</summary>
    private async Task<Dictionary<string, EcbRateQuote?>> QuotesAsync(
        UnitOfWork uow, IEnumerable<SubscriptionHistory> history, BillingPeriod period, Guid? invoicedWith,
        Dictionary<(string, DateOnly), EcbRateQuote?> runQuotes, CancellationToken ct)
    {
        var used = invoicedWith is { } invoiceId
            ? await uow.QueryAsync<InvoiceRateRow>($"SELECT {InvoiceRateRow.Columns} FROM invoice_exchange_rates WHERE invoice_id = @invoiceId", new { invoiceId })
            : [];
        var quotes = new Dictionary<string, EcbRateQuote?>(StringComparer.OrdinalIgnoreCase);
        foreach (var currency in history.SelectMany(h => h.Terms).Where(t => SeatPricing.NeedsExchangeRate(t.Price))
                     .Select(t => t.Price.ListPriceCurrency.ToUpperInvariant()).Distinct())
        {
            if (used.FirstOrDefault(r => r.Currency == currency) is { } rate)
            {
                quotes[currency] = new EcbRateQuote(rate.Currency, rate.UnitsPerEuro, rate.RateDate);
                continue;
            }
            if (!runQuotes.TryGetValue((currency, period.End), out var quote))
            {
                quote = await rates.FindAsync(currency, period.End, ct);
                runQuotes[(currency, period.End)] = quote;
            }
            quotes[currency] = quote;
        }

        return quotes;
    }

    /// <summary>
    /// Late-recorded changes dated inside the tenant's invoiced months (see <see cref="Regularisation"/>), with the
    /// invoices of those months. What later documents already settled for a month counts: later invoices' lines dated
    /// in it, and the regularisation credit notes drafted on its invoice (negative).
    /// </summary>
    private async Task<(List<InvoiceDraftBuilder.PricedCharge> Charges, IReadOnlyList<InvoiceRow> Invoiced)> RegularisationsAsync(
        UnitOfWork uow, Guid tenantId, BillingPeriod period, Dictionary<(string, DateOnly), EcbRateQuote?> runQuotes, CancellationToken ct)
    {
        var oldest = period.Start.AddMonths(-Math.Max(0, options.Value.RegularisationMonths));
        var invoiced = await uow.QueryAsync<InvoiceRow>(
            $"""
             SELECT {InvoiceRow.Columns} FROM invoices
             WHERE tenant_id = @tenantId AND kind = 'invoice' AND period_start < @start AND period_start >= @oldest
             ORDER BY period_start
             """,
            new { tenantId, start = period.Start, oldest });
        var result = new List<InvoiceDraftBuilder.PricedCharge>();
        foreach (var invoice in invoiced)
        {
            var past = BillingPeriod.FromDate(invoice.PeriodStart);
            var history = await LoadHistoryAsync(uow, tenantId, past);
            var quotes = await QuotesAsync(uow, history, past, invoice.Id, runQuotes, ct);
            var billed = await uow.QueryAsync<BilledRow>(
                """
                SELECT l.subscription_id AS SubscriptionId, CASE WHEN i.kind = 'credit-note' THEN -l.net_amount ELSE l.net_amount END AS Net
                FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
                WHERE i.tenant_id = @tenantId
                  AND ((i.kind = 'invoice' AND i.period_start > @pastStart)
                       OR (i.kind = 'credit-note' AND i.regularisation_of IS NOT NULL AND i.credited_invoice_id = @invoiceId))
                  AND l.subscription_id IS NOT NULL AND l.period_start >= @pastStart AND l.period_start <= @pastEnd
                """,
                new { tenantId, pastStart = past.Start, pastEnd = past.End, invoiceId = invoice.Id });
            var already = billed.GroupBy(b => b.SubscriptionId).ToDictionary(g => g.Key, g => g.Sum(b => b.Net));
            result.AddRange(Regularisation.Compute(past, history, invoice.CreatedAt, already, options.Value.MarginPercent, c => quotes.GetValueOrDefault(c)));
        }

        return (result, invoiced);
    }

    private static async Task<List<SubscriptionHistory>> LoadHistoryAsync(UnitOfWork uow, Guid tenantId, BillingPeriod period)
    {
        var terms = await uow.QueryAsync<TermsRow>(
            """
            SELECT subscription_id AS SubscriptionId, vendor_name AS VendorName, plan_code AS PlanCode, plan_name AS PlanName,
                committed_quantity AS CommittedQuantity, effective_date AS EffectiveDate, billing_cycle AS BillingCycle,
                term_start AS TermStart, price_unit AS PriceUnit, billing_frequency AS BillingFrequency, recorded_at AS RecordedAt,
                list_price AS ListPrice, list_price_currency AS ListPriceCurrency, list_price_includes_vat AS ListPriceIncludesVat,
                sale_price_per_seat_eur AS SalePricePerSeatEur, occurred_at AS OccurredAt
            FROM subscription_terms WHERE tenant_id = @tenantId AND effective_date <= @end
            """,
            new { tenantId, end = period.End });
        var seats = await uow.QueryAsync<SeatRow>(
            """
            SELECT seat_id AS SeatId, subscription_id AS SubscriptionId, assigned AS Assigned, effective_date AS EffectiveDate, occurred_at AS OccurredAt,
                recorded_at AS RecordedAt
            FROM seat_changes WHERE tenant_id = @tenantId AND effective_date <= @end
            """,
            new { tenantId, end = period.End });

        return terms.GroupBy(t => t.SubscriptionId)
            .Select(g => new SubscriptionHistory(
                g.Key,
                g.Select(t => new SubscriptionTermsVersion(t.SubscriptionId, t.VendorName, t.PlanCode, t.PlanName, t.CommittedQuantity,
                    t.EffectiveDate,
                    new PlanPrice(t.BillingCycle, t.ListPrice, t.ListPriceCurrency, t.ListPriceIncludesVat, t.SalePricePerSeatEur, t.PriceUnit, t.BillingFrequency),
                    t.OccurredAt, t.TermStart, t.RecordedAt)).ToList(),
                seats.Where(s => s.SubscriptionId == g.Key).Select(s => new SeatChange(s.SeatId, s.Assigned, s.EffectiveDate, s.OccurredAt, s.RecordedAt)).ToList()))
            .ToList();
    }

    // The seller's identity comes from options read at start: the same snapshot for every draft of this process.
    private readonly Lazy<string> sellerJson = new(() => SnapshotJson.Serialize(SellerSnapshot.From(options.Value)));

    private async Task<bool> InsertDraftAsync(UnitOfWork uow, Guid invoiceId, BuyerProfile buyer, InvoiceDraft draft)
    {
        var inserted = await uow.ExecuteAsync(
            """
            INSERT INTO invoices (id, tenant_id, kind, period, period_start, period_end, status, vat_category, vat_rate,
                vat_exemption_reason, buyer_json, seller_json, total_excl_vat, total_vat, total_incl_vat, currency, created_at)
            SELECT @invoiceId, @TenantId, 'invoice', @period, @periodStart, @periodEnd, 'draft', @category, @rate,
                @reason, @buyerJson, @sellerJson, @exclVat, @vat, @inclVat, 'EUR', @now
            WHERE NOT EXISTS (SELECT 1 FROM invoices WHERE tenant_id = @TenantId AND period = @period AND kind = 'invoice')
            """,
            new
            {
                invoiceId,
                buyer.TenantId,
                period = draft.Period.ToString(),
                periodStart = draft.Period.Start,
                periodEnd = draft.Period.End,
                category = draft.Vat.Category,
                rate = draft.Vat.Rate,
                reason = draft.Vat.ExemptionReason,
                buyerJson = SnapshotJson.Serialize(buyer),
                sellerJson = sellerJson.Value,
                exclVat = draft.Totals.TotalExclVat,
                vat = draft.Totals.TotalVat,
                inclVat = draft.Totals.TotalInclVat,
                now = uow.Now,
            });
        if (inserted == 0)
        {
            return false;
        }

        foreach (var line in draft.Lines)
        {
            await InvoiceLineWriter.InsertAsync(uow, invoiceId, line, null);
        }

        foreach (var rate in draft.ExchangeRates)
        {
            await uow.ExecuteAsync(
                "INSERT INTO invoice_exchange_rates (invoice_id, currency, units_per_euro, rate_date) VALUES (@invoiceId, @Currency, @UnitsPerEuro, @RateDate)",
                new { invoiceId, rate.Currency, rate.UnitsPerEuro, rate.RateDate });
        }

        await uow.AuditAsync("invoice", invoiceId, "drafted", new { period = draft.Period.ToString(), draft.Totals.TotalInclVat }, buyer.TenantId);
        return true;
    }

    private sealed class TermsRow
    {
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
        public Guid SubscriptionId { get; set; }
        public decimal Net { get; set; }
    }

    private sealed class SeatRow
    {
        public Guid SeatId { get; set; }
        public Guid SubscriptionId { get; set; }
        public bool Assigned { get; set; }
        public DateOnly EffectiveDate { get; set; }
        public DateTimeOffset OccurredAt { get; set; }
        public DateTimeOffset? RecordedAt { get; set; }
    }
}
