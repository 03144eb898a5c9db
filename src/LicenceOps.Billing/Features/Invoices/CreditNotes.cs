using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceOps.Billing.Features.Invoices;

/// <param name="Lines">Lines to credit; omitted or empty credits everything not yet credited.</param>
public sealed record CreditNoteRequest([property: Text(1000, Multiline = true)] string? Reason, IReadOnlyList<CreditLineRequest>? Lines);

/// <param name="Amount">Net amount excl. VAT to credit on that line; omitted credits what remains of it.</param>
public sealed record CreditLineRequest(int LineNumber, decimal? Amount);

/// <summary>
/// A credit note (avoir, type 381) is a new document in its own gapless series "AV-", issued at once, that
/// references the original invoice, which itself never changes. Each credited line keeps the original's VAT
/// category and rate; a line can never be credited beyond its net amount, over all credit notes.
/// </summary>
internal static class CreditNotes
{
    public static async Task<Results<Created<InvoiceSummary>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid tenantId, Guid invoiceId, CreditNoteRequest request, ModuleDatabase<BillingModule> database, InvoiceDocuments documents,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.Required("reason", request.Reason, "reason is required: say why the invoice is corrected.");
        if (request.Reason is { Length: > 500 })
        {
            errors.Add("reason", "reason must be at most 500 characters.");
        }

        var requested = request.Lines ?? [];
        if (requested.Any(l => l is null))
        {
            // JSON allows [null]; a line to credit is an object with its number.
            errors.Add("lines", "each line is an object with a lineNumber and an optional amount.");
            return errors.ToProblem();
        }
        if (requested.GroupBy(l => l.LineNumber).Any(g => g.Count() > 1))
        {
            errors.Add("lines", "each line may appear once.");
        }

        foreach (var (line, index) in requested.Select((l, i) => (l, i)))
        {
            if (line.Amount is { } amount && (amount <= 0 || decimal.Round(amount, 2) != amount))
            {
                errors.Add($"lines[{index}].amount", "amount must be positive, in euros and cents.");
            }
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var outcome = await database.WriteAsync(uow => CreateInTransactionAsync(uow, tenantId, invoiceId, request.Reason!.Trim(), requested), ct);
        if (outcome.Created is { } issued)
        {
            await documents.EnsureStoredAsync(issued.Id, ct);
        }
        return outcome switch
        {
            { Created: { } created } => TypedResults.Created($"/api/tenants/{tenantId}/invoices/{created.Id}", InvoiceSummary.From(created)),
            { Errors: { } invalid } => invalid.ToProblem(),
            { NotFound: true } => Problems.NotFound($"No invoice {invoiceId} for tenant {tenantId}."),
            _ => Problems.Conflict(outcome.Conflict!),
        };
    }

    private sealed record Outcome(InvoiceRow? Created = null, ValidationErrors? Errors = null, bool NotFound = false, string? Conflict = null);

    private static async Task<Outcome> CreateInTransactionAsync(
        UnitOfWork uow, Guid tenantId, Guid invoiceId, string reason, IReadOnlyList<CreditLineRequest> requested)
    {
        var original = await uow.QuerySingleOrDefaultAsync<InvoiceRow>(
            $"SELECT {InvoiceRow.Columns} FROM invoices WHERE id = @invoiceId AND tenant_id = @tenantId", new { invoiceId, tenantId });
        if (original is null)
        {
            return new Outcome(NotFound: true);
        }

        if (original.Kind != InvoiceKinds.Invoice || original.Number is null)
        {
            return new Outcome(Conflict: original.Number is null
                ? "A draft cannot be credited: it has no legal existence yet."
                : "A credit note cannot itself be credited.");
        }

        var lines = await uow.QueryAsync<InvoiceLineRow>(
            $"SELECT {InvoiceLineRow.Columns} FROM invoice_lines WHERE invoice_id = @invoiceId ORDER BY line_number", new { invoiceId });
        var credited = await InvoiceStore.CreditedPerLineAsync(uow, invoiceId);
        decimal Remaining(InvoiceLineRow line) => line.NetAmount - credited.GetValueOrDefault(line.LineNumber);

        var errors = new ValidationErrors();
        var selection = new List<(InvoiceLineRow Line, decimal Amount)>();
        if (requested.Count == 0)
        {
            selection.AddRange(lines.Where(l => Remaining(l) > 0).Select(l => (l, Remaining(l))));
        }
        else
        {
            foreach (var (request, index) in requested.Select((l, i) => (l, i)))
            {
                var line = lines.SingleOrDefault(l => l.LineNumber == request.LineNumber);
                if (line is null)
                {
                    errors.Add($"lines[{index}].lineNumber", $"invoice {original.Number} has no line {request.LineNumber}.");
                    continue;
                }

                var amount = request.Amount ?? Remaining(line);
                if (amount <= 0 || amount > Remaining(line))
                {
                    errors.Add($"lines[{index}].amount", $"line {line.LineNumber} has {Remaining(line):0.00} EUR left to credit.");
                    continue;
                }

                selection.Add((line, amount));
            }
        }

        if (errors.Any)
        {
            return new Outcome(Errors: errors);
        }

        if (selection.Count == 0)
        {
            return new Outcome(Conflict: $"Invoice {original.Number} is already fully credited.");
        }

        var creditLines = selection.Select((s, i) =>
        {
            var whole = s.Amount == s.Line.NetAmount;
            return new DraftLine(i + 1, s.Line.SubscriptionId, s.Line.ProductGroup, $"Avoir sur ligne {s.Line.LineNumber} : {s.Line.Description}",
                s.Line.PeriodStart, s.Line.PeriodEnd, whole ? s.Line.Quantity : 1m, whole ? s.Line.Unit : "forfait",
                whole ? s.Line.UnitPriceExclVat : s.Amount, s.Line.VatCategory, s.Line.VatRate, s.Amount);
        }).ToList();
        var computed = InvoiceTotals.Compute(creditLines.Select(l => new TaxedAmount(l.VatCategory, l.VatRate, l.NetAmount, original.VatExemptionReason)));
        var invoicedGroups = InvoiceTotals.Compute(lines.Select(l => new TaxedAmount(l.VatCategory, l.VatRate, l.NetAmount, null))).VatGroups;
        var earlier = await CreditedPerGroupAsync(uow, invoiceId);
        var groups = computed.VatGroups.Select(g =>
        {
            var invoiced = invoicedGroups.Single(i => i.Category == g.Category && i.Rate == g.Rate);
            var before = earlier.GetValueOrDefault((g.Category, g.Rate));
            var vat = CreditNoteVat.Allocate(new CreditableVat(invoiced.TaxableAmount, invoiced.VatAmount, before.Net, before.Vat), g.TaxableAmount, g.Rate);
            return g with { VatAmount = vat };
        }).ToList();
        var totals = new InvoiceTotals(groups, groups.Sum(g => g.TaxableAmount), groups.Sum(g => g.VatAmount), groups.Sum(g => g.TaxableAmount + g.VatAmount));

        var creditNoteId = RowIds.New();
        await uow.ExecuteAsync(
            """
            INSERT INTO invoices (id, tenant_id, kind, period, period_start, period_end, status, credited_invoice_id, credit_reason,
                vat_category, vat_rate, vat_exemption_reason, buyer_json, seller_json, total_excl_vat, total_vat, total_incl_vat,
                currency, created_at)
            VALUES (@creditNoteId, @TenantId, 'credit-note', @Period, @PeriodStart, @PeriodEnd, 'draft', @Id, @reason,
                @VatCategory, @VatRate, @VatExemptionReason, @BuyerJson, @SellerJson, @exclVat, @vat, @inclVat, @Currency, @now)
            """,
            new
            {
                creditNoteId, original.TenantId, original.Period, original.PeriodStart, original.PeriodEnd, original.Id, reason,
                original.VatCategory, original.VatRate, original.VatExemptionReason, original.BuyerJson, original.SellerJson,
                exclVat = totals.TotalExclVat, vat = totals.TotalVat, inclVat = totals.TotalInclVat, original.Currency, now = uow.Now,
            });
        await InvoiceLineWriter.InsertAsync(uow, creditLines.Zip(selection, (line, source) => new LineToInsert(creditNoteId, line, source.Line.LineNumber)).ToList());

        await uow.ExecuteAsync(
            $"""
             INSERT INTO invoice_exchange_rates (invoice_id, currency, units_per_euro, rate_date)
             SELECT @creditNoteId, currency, units_per_euro, rate_date FROM invoice_exchange_rates WHERE invoice_id = @invoiceId
             """,
            new { creditNoteId, invoiceId });
        await uow.AuditAsync("invoice", creditNoteId, "credit-note-created", new { creditedInvoice = original.Number, reason, totals.TotalInclVat }, tenantId);
        var issued = await InvoiceIssuer.IssueAsync(uow, creditNoteId);
        return new Outcome(Created: issued);
    }

    /// <summary>
    /// Drafts the credit note a month's run owes on <paramref name="original"/> for late changes that reduce it
    /// (<see cref="RegularisationCredits"/>), marked with the run's month so a re-run finds it and later
    /// regularisations count it. Its VAT per rate is capped like any credit note's. Returns null when that month's
    /// run already drafted it. Issued with the month's invoice (the run's issue flag), not here.
    /// </summary>
    internal static async Task<Guid?> DraftRegularisationAsync(UnitOfWork uow, InvoiceRow original, RegularisationCredit credit, string runPeriod)
    {
        var computed = InvoiceTotals.Compute(credit.Lines.Select(l => new TaxedAmount(l.VatCategory, l.VatRate, l.NetAmount, original.VatExemptionReason)));
        var invoicedLines = await uow.QueryAsync<InvoiceLineRow>(
            $"SELECT {InvoiceLineRow.Columns} FROM invoice_lines WHERE invoice_id = @Id ORDER BY line_number", new { original.Id });
        var invoicedGroups = InvoiceTotals.Compute(invoicedLines.Select(l => new TaxedAmount(l.VatCategory, l.VatRate, l.NetAmount, null))).VatGroups;
        var earlier = await CreditedPerGroupAsync(uow, original.Id);
        var groups = computed.VatGroups.Select(g =>
        {
            var invoiced = invoicedGroups.SingleOrDefault(i => i.Category == g.Category && i.Rate == g.Rate);
            if (invoiced is null)
            {
                return g;
            }

            var before = earlier.GetValueOrDefault((g.Category, g.Rate));
            return g with { VatAmount = CreditNoteVat.Allocate(new CreditableVat(invoiced.TaxableAmount, invoiced.VatAmount, before.Net, before.Vat), g.TaxableAmount, g.Rate) };
        }).ToList();
        var totals = new InvoiceTotals(groups, groups.Sum(g => g.TaxableAmount), groups.Sum(g => g.VatAmount), groups.Sum(g => g.TaxableAmount + g.VatAmount));

        var creditNoteId = RowIds.New();
        var inserted = await uow.ExecuteAsync(
            """
            INSERT INTO invoices (id, tenant_id, kind, period, period_start, period_end, status, credited_invoice_id, credit_reason,
                vat_category, vat_rate, vat_exemption_reason, buyer_json, seller_json, total_excl_vat, total_vat, total_incl_vat,
                currency, created_at, regularisation_of)
            SELECT @creditNoteId, @TenantId, 'credit-note', @Period, @PeriodStart, @PeriodEnd, 'draft', @Id, @reason,
                @VatCategory, @VatRate, @VatExemptionReason, @BuyerJson, @SellerJson, @exclVat, @vat, @inclVat, @Currency, @now, @runPeriod
            WHERE NOT EXISTS (SELECT 1 FROM invoices WHERE credited_invoice_id = @Id AND regularisation_of = @runPeriod)
            """,
            new
            {
                creditNoteId, original.TenantId, original.Period, original.PeriodStart, original.PeriodEnd, original.Id, reason = credit.Reason,
                original.VatCategory, original.VatRate, original.VatExemptionReason, original.BuyerJson, original.SellerJson,
                exclVat = totals.TotalExclVat, vat = totals.TotalVat, inclVat = totals.TotalInclVat, original.Currency, now = uow.Now, runPeriod,
            });
        if (inserted == 0)
        {
            return null;
        }

        await InvoiceLineWriter.InsertAsync(uow, credit.Lines.Select(line => new LineToInsert(creditNoteId, line)).ToList());

        await uow.ExecuteAsync(
            """
            INSERT INTO invoice_exchange_rates (invoice_id, currency, units_per_euro, rate_date)
            SELECT @creditNoteId, currency, units_per_euro, rate_date FROM invoice_exchange_rates WHERE invoice_id = @Id
            """,
            new { creditNoteId, original.Id });
        await uow.AuditAsync("invoice", creditNoteId, "regularisation-credit-note-drafted",
            new { creditedInvoice = original.Number, runPeriod, totals.TotalInclVat }, original.TenantId);
        return creditNoteId;
    }

    /// <summary>
    /// Net and VAT already given back per VAT group by earlier credit notes. A document has a single VAT group
    /// (one treatment per buyer), so a credit note's stored VAT total is its group's VAT.
    /// </summary>
    private static async Task<Dictionary<(string Category, decimal Rate), (decimal Net, decimal Vat)>> CreditedPerGroupAsync(UnitOfWork uow, Guid invoiceId)
    {
        var notes = await uow.QueryAsync<InvoiceRow>(
            $"SELECT {InvoiceRow.Columns} FROM invoices WHERE credited_invoice_id = @invoiceId AND number IS NOT NULL", new { invoiceId });
        return notes.GroupBy(n => (n.VatCategory, n.VatRate))
            .ToDictionary(g => g.Key, g => (g.Sum(n => n.TotalExclVat), g.Sum(n => n.TotalVat)));
    }
}
