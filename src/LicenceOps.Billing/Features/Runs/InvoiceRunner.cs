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
/// number used once and none skipped. Tenants are drafted and issued in batches, one transaction and one statement per
/// table for each (ADR 0030, 0042); one tenant's expected problem (missing rate, no profile) is recorded as its failure
/// inside the batch, and a batch that throws is redone one tenant per transaction, so one tenant never blocks the others.
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
        // Read once per run, not once per tenant: every tenant of a run is priced at the same ECB quotes.
        var quotes = new Dictionary<(string, DateOnly), EcbRateQuote?>();
        var workers = RunWorkers;
        var leaseLost = false;
        try
        {
            var pending = await runs.PendingTenantsAsync(runId, ct);
            var next = 0;
            var size = RunBatchSizes.First(MostPerBatch, run.Issue ? workers : null, options.Value.RunBatchRampUp);

            // The next batch, drafted, numbered and recorded in one transaction. Only ever called by one flow at a time (the
            // holder of the workers' serial token, or the loop below), so the series stays gapless in issue order.
            async Task<RunDraft> DraftNextAsync(CancellationToken token)
            {
                if (next >= pending.Count)
                {
                    return new RunDraft([], More: false);
                }
                var batch = pending.Skip(next).Take(size).ToList();
                var (issued, taken, took) = await InvoiceBatchAsync(runId, owner, batch, period, run.Issue, quotes, token);
                if (issued is null)
                {
                    leaseLost = true;
                    return new RunDraft([], More: false);
                }
                next += taken;
                size = RunBatchSizes.Next(taken, took, MostPerBatch, TimeSpan.FromMilliseconds(Math.Max(0, options.Value.RunBatchMilliseconds)));
                return new RunDraft(issued, next < pending.Count);
            }

            if (run.Issue)
            {
                // Drafting and numbering stay serial; each issued document's PDF is rendered and stored meanwhile, by one
                // worker per core that does whichever comes first (ADR 0068). Resumed: what was issued before the
                // interruption may have no stored PDF yet.
                var resumed = run.Attempts > 1 ? (await runs.IssuedInvoicesAsync(runId, ct)).Select(id => new RenderRequest(id)) : [];
                // A worker renders rather than queue at the write gate while another write holds it (ADR 0088).
                var gate = database.WriteGate;
                await new InvoiceRunWorkers(documents, DraftNextAsync, workers, gate is null ? null : () => gate.Held).RunAsync(resumed, ct);
            }
            else
            {
                for (var more = true; more;)
                {
                    more = (await DraftNextAsync(ct)).More;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The host is stopping: hand the run back so the next start resumes it without waiting for the lease.
            await runs.ReleaseAsync(runId, owner);
            throw;
        }

        if (leaseLost)
        {
            LogLeaseLost(runId);
            return;
        }
        await runs.FinishAsync(runId, owner, null, ct);
    }

    /// <summary>An issuing run's workers: one per core (<see cref="BillingOptions.RunWorkers"/> overrides it for tests).</summary>
    private int RunWorkers => options.Value.RunWorkers > 0 ? options.Value.RunWorkers : Environment.ProcessorCount;

    private int MostPerBatch => Math.Max(1, options.Value.RunBatchTenants);

    /// <summary>
    /// Invoices <paramref name="tenants"/> in one write transaction (ADR 0030), set-based (ADR 0042): the lease is renewed in
    /// it first, so a batch of an executor that lost its run changes nothing; then the batch's tenants are drafted, numbered
    /// and their outcomes recorded together (<see cref="InvoiceTenantsAsync"/>).
    /// The batch commits or rolls back whole, numbers included: a crash leaves no gap and no half-done tenant. A batch that
    /// throws is redone one tenant per transaction (the same code with a batch of one), so one tenant's problem stays its own.
    /// Returns the documents issued, for rendering, once their transaction committed (null when the lease was lost), the
    /// number of tenants taken and how long the batch's transaction ran.
    /// </summary>
    private async Task<(IReadOnlyList<RenderRequest>? Issued, int Taken, TimeSpan Took)> InvoiceBatchAsync(
        Guid runId, Guid owner, IReadOnlyList<Guid> tenants, BillingPeriod period, bool issue,
        Dictionary<(string, DateOnly), EcbRateQuote?> quotes, CancellationToken ct)
    {
        var took = TimeSpan.Zero;
        try
        {
            var issued = await database.WriteAsync(async uow =>
            {
                if (!await runs.RenewAsync(uow, runId, owner))
                {
                    return null;
                }
                var started = TimeProvider.System.GetTimestamp();
                var documents = await InvoiceTenantsAsync(uow, runId, tenants, period, issue, quotes, ct);
                took = TimeProvider.System.GetElapsedTime(started);
                return documents;
            }, ct);
            return (issued, tenants.Count, took);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Rolled back whole. Redo the same tenants one transaction each: the one that failed is recorded as failed,
            // the others are invoiced as if nothing happened.
            var issued = new List<RenderRequest>();
            for (var i = 0; i < tenants.Count; i++)
            {
                var tenantId = tenants[i];
                try
                {
                    var done = await database.WriteAsync(async uow =>
                        await runs.RenewAsync(uow, runId, owner) ? await InvoiceTenantsAsync(uow, runId, [tenantId], period, issue, quotes, ct) : null, ct);
                    if (done is null)
                    {
                        return (null, i, took);
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
            LogBatchRetried(e, runId, tenants.Count);
            return (issued, tenants.Count, took);
        }
    }

    /// <summary>
    /// The batch's tenants, inside its transaction: draft them all (<see cref="DraftAsync"/>), then, when issuing, number
    /// every tenant's regularisation credit notes and then its invoice, tenant after tenant in the batch's order (the order
    /// the per-tenant path numbered them in), and record every outcome. Returns the documents to render, in that order: each
    /// invoice with the rows it is printed from, as this transaction issued them (ADR 0064), each credit note by its id.
    /// </summary>
    private async Task<IReadOnlyList<RenderRequest>> InvoiceTenantsAsync(
        UnitOfWork uow, Guid runId, IReadOnlyList<Guid> tenants, BillingPeriod period, bool issue, Dictionary<(string, DateOnly), EcbRateQuote?> quotes,
        CancellationToken ct)
    {
        var outcomes = await DraftAsync(uow, tenants, period, quotes, ct);
        var invoiced = new List<Guid>();
        foreach (var tenantId in tenants)
        {
            if (outcomes[tenantId].Failure is { } failure)
            {
                // Rare (no billing profile yet, a missing ECB rate): one statement for this tenant.
                await InvoiceRuns.RecordFailedAsync(uow, runId, tenantId, failure);
            }
            else
            {
                invoiced.Add(tenantId);
            }
        }
        if (invoiced.Count == 0)
        {
            return [];
        }

        // Regularisation credit notes drafted for this month (now, or by an attempt a crash interrupted) go out first.
        var creditNotes = issue ? await RegularisationCreditNotesAsync(uow, invoiced, period) : Enumerable.Empty<TenantDocument>().ToLookup(d => d.TenantId, d => d.Id);
        // The drafts this transaction just wrote are issued and printed as written, not read back (ADR 0072).
        var written = new Dictionary<Guid, InvoiceIssuer.WrittenDraft>();
        foreach (var tenantId in invoiced)
        {
            if (outcomes[tenantId] is { InvoiceId: { } draftId, Written: { } draft })
            {
                written[draftId] = draft;
            }
        }
        var issuedBatch = issue
            ? await InvoiceIssuer.IssueWithLinesAsync(
                uow, invoiced.SelectMany(t => creditNotes[t].Concat(outcomes[t].InvoiceId is { } id ? [id] : [])).ToList(), written: written)
            : InvoiceIssuer.IssuedBatch.Empty;
        var numbered = issuedBatch.Rows.Select(d => d.Id).ToHashSet();
        var printable = await PrintableAsync(uow, issuedBatch, written);

        var done = new List<InvoiceRuns.TenantDone>(invoiced.Count);
        var documents = new List<RenderRequest>();
        foreach (var tenantId in invoiced)
        {
            var notes = creditNotes[tenantId].Where(numbered.Contains).ToList();
            documents.AddRange(notes.Select(note => new RenderRequest(note)));
            var outcome = outcomes[tenantId];
            if (outcome.InvoiceId is not { } invoiceId)
            {
                done.Add(new(tenantId, notes.Count > 0 ? "credit notes only" : "nothing"));
                continue;
            }
            var drafted = outcome.Created ? "drafted" : "already";
            if (!issue)
            {
                done.Add(new(tenantId, drafted, invoiceId));
                continue;
            }
            // The number, the run's record of it and the tenant's completion commit together.
            done.Add(new(tenantId, drafted, invoiceId, numbered.Contains(invoiceId)));
            documents.Add(new RenderRequest(invoiceId, printable.GetValueOrDefault(invoiceId)));
        }
        await InvoiceRuns.RecordDoneAsync(uow, runId, done);
        return documents;
    }

    /// <summary>
    /// What the batch's issued invoices are printed from, as this transaction holds them: the issued rows and their lines from
    /// <see cref="InvoiceIssuer"/>, and their exchange rates read here in one statement. The renderers then need no read of
    /// their own: each of their three reads per invoice (row, lines, rates) ran on a pooled connection whose page cache another
    /// connection's commit had emptied, so every one went back to the file (docs/performance.md, feat/i16rd). Credit notes
    /// also print the invoice they correct, and are read by the renderer as before. The rates of a draft this transaction
    /// wrote are the ones it wrote (ADR 0072); only the others' are read.
    /// </summary>
    private static async Task<Dictionary<Guid, IssuedDocument>> PrintableAsync(
        UnitOfWork uow, InvoiceIssuer.IssuedBatch batch, IReadOnlyDictionary<Guid, InvoiceIssuer.WrittenDraft> written)
    {
        var invoices = batch.Rows.Where(r => r.CreditedInvoiceId is null).ToList();
        if (invoices.Count == 0)
        {
            return [];
        }
        var unread = invoices.Where(i => !written.ContainsKey(i.Id)).Select(i => i.Id).ToList();
        var rates = (unread.Count == 0 ? [] : await uow.QueryAsync<InvoiceRateRow>(IssuedRatesSql, new { ids = unread })).ToLookup(r => r.InvoiceId);
        return invoices.ToDictionary(i => i.Id, i => new IssuedDocument(
            i, batch.Lines[i.Id].ToList(), written.TryGetValue(i.Id, out var draft) ? draft.Rates : rates[i.Id].ToList()));
    }

    private const string IssuedRatesSql =
        $"SELECT {InvoiceRateRow.Columns} FROM invoice_exchange_rates WHERE invoice_id IN @ids ORDER BY invoice_id, currency";

    /// <summary>
    /// The regularisation credit notes still in draft that a run of <paramref name="period"/> drafted for the tenants
    /// (<c>regularisation_of</c>), per tenant in issue order. Found by query rather than carried over from the draft step, so
    /// a run resumed after a crash issues the ones its first attempt left behind. Through the tenant index (the unary + keeps
    /// SQLite off the status index, which a draft-only run fills with every tenant's draft).
    /// </summary>
    private static async Task<ILookup<Guid, Guid>> RegularisationCreditNotesAsync(UnitOfWork uow, IReadOnlyList<Guid> tenants, BillingPeriod period) =>
        (await uow.QueryAsync<TenantDocument>(CreditNoteDraftsSql(uow.Dialect), new { tenants, period = period.ToString() }))
        .ToLookup(d => d.TenantId, d => d.Id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invoice run {RunId}: lost its lease to another executor; stopping here")]
    private partial void LogLeaseLost(Guid runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invoice run {RunId}: invoicing tenant {TenantId} failed")]
    private partial void LogTenantFailed(Exception exception, Guid runId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invoice run {RunId}: a batch of {Tenants} tenants was rolled back and redone one tenant at a time")]
    private partial void LogBatchRetried(Exception exception, Guid runId, int tenants);

    /// <param name="Written">The draft as this transaction inserted it (null when it existed before or none was drafted).</param>
    private sealed record DraftOutcome(Guid? InvoiceId, bool Created, string? Failure, InvoiceIssuer.WrittenDraft? Written = null);

    private sealed class TenantDocument
    {
        public Guid TenantId { get; set; }
        public Guid Id { get; set; }
    }

    /// <summary>A new draft planned for a tenant, before it is written.</summary>
    private sealed record PlannedDraft(Guid InvoiceId, BuyerProfile Buyer, InvoiceDraft Draft);

    /// <summary>
    /// Drafts each tenant's invoice of <paramref name="period"/> in the caller's write transaction, unless it exists.
    /// History, what earlier invoices billed and the new drafts are read and written in that one transaction: a
    /// concurrent run (another month of the same tenant) cannot bill the same late change in between. The inputs of all
    /// the tenants are read with one query per kind (<see cref="DraftInputs"/>), every draft is planned in memory, and the
    /// invoices, lines and rates are written with one statement per table.
    /// </summary>
    private async Task<Dictionary<Guid, DraftOutcome>> DraftAsync(
        UnitOfWork uow, IReadOnlyList<Guid> tenants, BillingPeriod period, Dictionary<(string, DateOnly), EcbRateQuote?> runQuotes, CancellationToken ct)
    {
        var periodText = period.ToString();
        if (uow.Dialect == SqlDialect.SqlServer)
        {
            // SQLite's BEGIN IMMEDIATE already serialises writers; SQL Server reads committed, so lock the tenants (in the
            // batch's order, the same for every executor).
            foreach (var tenantId in tenants)
            {
                await uow.ExecuteAsync(SqlServerAppLockSql, new { resource = $"billing-draft:{tenantId}" });
            }
        }

        var outcomes = (await ExistingDraftsAsync(uow, tenants, periodText)).ToDictionary(d => d.TenantId, d => new DraftOutcome(d.Id, false, null));
        var fresh = tenants.Where(t => !outcomes.ContainsKey(t)).ToList();
        if (fresh.Count == 0)
        {
            return outcomes;
        }

        var inputs = await DraftInputs.LoadAsync(uow, fresh, period, period.Start.AddMonths(-Math.Max(0, options.Value.RegularisationMonths)));
        var planned = new List<PlannedDraft>();
        foreach (var tenantId in fresh)
        {
            if (inputs.Buyer(tenantId) is not { } buyer)
            {
                outcomes[tenantId] = new DraftOutcome(null, false, "Billing has no profile for this tenant yet (TenantProfileChanged not received).");
                continue;
            }

            var history = inputs.History(tenantId, period.End);
            var quotes = await QuotesAsync(history, period, [], runQuotes, ct);
            InvoiceDraft draft;
            try
            {
                var regularisations = await RegularisationsAsync(inputs, tenantId, period, runQuotes, ct);
                draft = InvoiceDraftBuilder.Build(period, buyer, history, options.Value.MarginPercent, c => quotes.GetValueOrDefault(c), regularisations);
            }
            catch (MissingExchangeRateException missing)
            {
                outcomes[tenantId] = new DraftOutcome(null, false, missing.Message);
                continue;
            }

            var documents = RegularisationCredits.Split(draft, draft.Vat.ExemptionReason);
            foreach (var credit in documents.Credits)
            {
                // Rare (a late change that lowers an invoiced month), so drafted one at a time. Issued by the run with the
                // month's invoice (RegularisationCreditNotesAsync finds them by query).
                var original = inputs.Invoiced(tenantId).Single(i => i.PeriodStart == credit.CorrectedPeriodStart);
                await CreditNotes.DraftRegularisationAsync(uow, original, credit, periodText);
            }

            if (documents.Invoice is { Lines.Count: > 0 } invoice)
            {
                planned.Add(new PlannedDraft(RowIds.New(), buyer, invoice));
            }
            else
            {
                outcomes[tenantId] = new DraftOutcome(null, false, null);
            }
        }

        foreach (var (tenantId, outcome) in await InsertDraftsAsync(uow, period, planned))
        {
            outcomes[tenantId] = outcome;
        }
        return outcomes;
    }

    private static Task<IReadOnlyList<TenantDocument>> ExistingDraftsAsync(UnitOfWork uow, IReadOnlyList<Guid> tenants, string periodText) =>
        uow.QueryAsync<TenantDocument>(ExistingDraftsSql, new { tenants, periodText });

    /// <summary>ECB quotes for the foreign list prices of a period: the ones an invoice already used, else the store's.</summary>
    private async Task<Dictionary<string, EcbRateQuote?>> QuotesAsync(
        IEnumerable<SubscriptionHistory> history, BillingPeriod period, IEnumerable<InvoiceRateRow> used,
        Dictionary<(string, DateOnly), EcbRateQuote?> runQuotes, CancellationToken ct)
    {
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
    /// Late-recorded changes dated inside the tenant's invoiced months (see <see cref="Regularisation"/>), priced at the
    /// rates those invoices used. What later documents already settled for a month counts: later invoices' lines dated
    /// in it, and the regularisation credit notes drafted on its invoice (negative).
    /// </summary>
    private async Task<List<InvoiceDraftBuilder.PricedCharge>> RegularisationsAsync(
        DraftInputs inputs, Guid tenantId, BillingPeriod period, Dictionary<(string, DateOnly), EcbRateQuote?> runQuotes, CancellationToken ct)
    {
        var result = new List<InvoiceDraftBuilder.PricedCharge>();
        foreach (var invoice in inputs.Invoiced(tenantId))
        {
            var past = BillingPeriod.FromDate(invoice.PeriodStart);
            var history = inputs.History(tenantId, past.End);
            var quotes = await QuotesAsync(history, past, inputs.RatesUsedBy(invoice.Id), runQuotes, ct);
            result.AddRange(Regularisation.Compute(past, history, invoice.CreatedAt, inputs.AlreadyBilled(invoice.Id), options.Value.MarginPercent,
                c => quotes.GetValueOrDefault(c)));
        }

        return result;
    }

    // The seller's identity comes from options read at start: the same snapshot for every draft of this process.
    private readonly Lazy<string> sellerJson = new(() => SnapshotJson.Serialize(SellerSnapshot.From(options.Value)));

    private const string DraftColumns = """
        INSERT INTO invoices (id, tenant_id, kind, period, period_start, period_end, status, vat_category, vat_rate,
            vat_exemption_reason, buyer_json, seller_json, total_excl_vat, total_vat, total_incl_vat, currency, created_at)
        """;

    private const string SqlServerDraftSql = DraftColumns + """
        SELECT @InvoiceId, @TenantId, 'invoice', @periodText, @periodStart, @periodEnd, 'draft', @category, @rate,
            @reason, @buyerJson, @sellerJson, @exclVat, @vat, @inclVat, 'EUR', @now
        WHERE NOT EXISTS (SELECT 1 FROM invoices WHERE tenant_id = @TenantId AND period = @periodText AND kind = 'invoice')
        """;

    private const string SqlServerAppLockSql = "EXEC sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Transaction'";

    private const string ExistingDraftsSql =
        "SELECT tenant_id AS TenantId, id AS Id FROM invoices WHERE tenant_id IN @tenants AND period = @periodText AND kind = 'invoice'";

    // On SQLite the unary + keeps the planner off the status index (see RegularisationCreditNotesAsync); T-SQL has no unary + on text.
    private static string CreditNoteDraftsSql(SqlDialect dialect) => $"""
        SELECT tenant_id AS TenantId, id AS Id FROM invoices
        WHERE tenant_id IN @tenants AND kind = 'credit-note' AND regularisation_of = @period AND {(dialect == SqlDialect.Sqlite ? "+" : "")}status = 'draft'
        ORDER BY period_start, id
        """;

    /// <summary>What a run's batch runs on SQL Server, for the T-SQL parse test (no SQL Server runs here).</summary>
    internal static IReadOnlyList<string> SqlServerStatements =>
        [SqlServerDraftSql, SqlServerAppLockSql, ExistingDraftsSql, CreditNoteDraftsSql(SqlDialect.SqlServer), IssuedRatesSql];

    /// <summary>
    /// Writes the planned drafts: invoices, lines and rates one statement per table on SQLite (<c>jsonb_each</c>), one insert
    /// per row on SQL Server, and their audit entries. Returns each tenant's outcome.
    /// </summary>
    private async Task<List<(Guid TenantId, DraftOutcome Outcome)>> InsertDraftsAsync(UnitOfWork uow, BillingPeriod period, IReadOnlyList<PlannedDraft> planned)
    {
        if (planned.Count == 0)
        {
            return [];
        }
        var periodText = period.ToString();
        // Each draft as the statements below store it, kept to be issued and printed without reading it back (ADR 0072).
        var written = planned.ToDictionary(p => p.InvoiceId, p => Written(p, period, periodText, sellerJson.Value, uow.Now));
        int inserted;
        if (uow.Dialect == SqlDialect.Sqlite)
        {
            var rows = new JsonRows();
            foreach (var p in planned)
            {
                rows.Row().Add(p.InvoiceId).Add(p.Buyer.TenantId).Add(p.Draft.Vat.Category).Add(p.Draft.Vat.Rate).Add(p.Draft.Vat.ExemptionReason)
                    .Add(written[p.InvoiceId].Row.BuyerJson).Add(p.Draft.Totals.TotalExclVat).Add(p.Draft.Totals.TotalVat).Add(p.Draft.Totals.TotalInclVat);
            }
            inserted = await uow.ExecuteRowsAsync(DraftColumns + """
                SELECT r.value ->> 0, r.value ->> 1, 'invoice', @periodText, @periodStart, @periodEnd, 'draft', r.value ->> 2, r.value ->> 3,
                    r.value ->> 4, r.value ->> 5, @sellerJson, r.value ->> 6, r.value ->> 7, r.value ->> 8, 'EUR', @now
                FROM jsonb_each(CAST(@rows AS TEXT)) AS r
                WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = r.value ->> 1 AND i.period = @periodText AND i.kind = 'invoice')
                """,
                rows, new { periodText, periodStart = period.Start, periodEnd = period.End, sellerJson = sellerJson.Value, now = uow.Now });
        }
        else
        {
            inserted = await uow.ExecuteAsync(SqlServerDraftSql, planned.Select(p => new
                {
                    p.InvoiceId, p.Buyer.TenantId, periodText, periodStart = period.Start, periodEnd = period.End, category = p.Draft.Vat.Category,
                    rate = p.Draft.Vat.Rate, reason = p.Draft.Vat.ExemptionReason, buyerJson = written[p.InvoiceId].Row.BuyerJson, sellerJson = sellerJson.Value,
                    exclVat = p.Draft.Totals.TotalExclVat, vat = p.Draft.Totals.TotalVat, inclVat = p.Draft.Totals.TotalInclVat, now = uow.Now,
                }).ToList());
        }

        var outcomes = new List<(Guid, DraftOutcome)>(planned.Count);
        var created = planned;
        if (inserted != planned.Count)
        {
            // Drafted meanwhile by a path that does not take the tenant's applock (SQL Server reads committed): that one stands.
            var stored = (await ExistingDraftsAsync(uow, planned.Select(p => p.Buyer.TenantId).ToList(), periodText)).ToDictionary(d => d.TenantId, d => d.Id);
            created = planned.Where(p => stored.GetValueOrDefault(p.Buyer.TenantId) == p.InvoiceId).ToList();
            outcomes.AddRange(planned.Except(created).Select(p => (p.Buyer.TenantId, new DraftOutcome(stored[p.Buyer.TenantId], false, null))));
        }
        outcomes.AddRange(created.Select(p => (p.Buyer.TenantId, new DraftOutcome(p.InvoiceId, true, null, written[p.InvoiceId]))));

        await InvoiceLineWriter.InsertAsync(uow, created.SelectMany(p => p.Draft.Lines.Select(l => new LineToInsert(p.InvoiceId, l))).ToList());
        await InvoiceLineWriter.InsertRatesAsync(uow, created.SelectMany(p => p.Draft.ExchangeRates.Select(r => (p.InvoiceId, r))).ToList());
        await uow.AuditManyAsync(created.Select(p => new UnitOfWork.AuditEntry(
            "invoice", p.InvoiceId, "drafted", new { period = periodText, p.Draft.Totals.TotalInclVat }, p.Buyer.TenantId)).ToList());
        return outcomes;
    }

    /// <summary>
    /// A planned draft as <see cref="InsertDraftsAsync"/> stores it: every column the statements write, with the values they
    /// write, and what the table's defaults leave empty. Stored money and rates are their invariant text with every digit, so
    /// reading them back would give these same decimals; InvoiceRunTests compare each stored PDF with a rendering of its rows
    /// read back from the table.
    /// </summary>
    private static InvoiceIssuer.WrittenDraft Written(PlannedDraft p, BillingPeriod period, string periodText, string sellerJson, DateTimeOffset now) =>
        new(
            new InvoiceRow
            {
                Id = p.InvoiceId, TenantId = p.Buyer.TenantId, Kind = InvoiceKinds.Invoice, Period = periodText, PeriodStart = period.Start,
                PeriodEnd = period.End, Status = InvoiceStatuses.Draft, VatCategory = p.Draft.Vat.Category, VatRate = p.Draft.Vat.Rate,
                VatExemptionReason = p.Draft.Vat.ExemptionReason, BuyerJson = SnapshotJson.Serialize(p.Buyer), SellerJson = sellerJson,
                TotalExclVat = p.Draft.Totals.TotalExclVat, TotalVat = p.Draft.Totals.TotalVat, TotalInclVat = p.Draft.Totals.TotalInclVat,
                Currency = "EUR", CreatedAt = now,
            },
            p.Draft.Lines.OrderBy(l => l.LineNumber).Select(l => new InvoiceLineRow
            {
                InvoiceId = p.InvoiceId, LineNumber = l.LineNumber, SubscriptionId = l.SubscriptionId, ProductGroup = l.ProductGroup,
                Description = l.Description, PeriodStart = l.PeriodStart, PeriodEnd = l.PeriodEnd, Quantity = l.Quantity, Unit = l.Unit,
                UnitPriceExclVat = l.UnitPriceExclVat, VatCategory = l.VatCategory, VatRate = l.VatRate, NetAmount = l.NetAmount,
            }).ToList(),
            p.Draft.ExchangeRates.Select(r => new InvoiceRateRow { InvoiceId = p.InvoiceId, Currency = r.Currency, UnitsPerEuro = r.UnitsPerEuro, RateDate = r.RateDate })
                .OrderBy(r => r.Currency, StringComparer.Ordinal).ToList());
}
