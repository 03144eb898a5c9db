using SkiaSharp;

namespace LicenceOps.Billing.Documents;

/// <summary>Places every element of a French invoice or credit note on A4 pages.</summary>
internal sealed class InvoiceLayout
{
    private const float Line = 11f;
    private const float Cell = 10.5f;

    // Table columns: description and period are left-aligned from their start, figures right-aligned to their end.
    private const float DescriptionX = PdfPageComposer.Left + 4;
    private const float DescriptionWidth = 174;
    private const float PeriodX = PdfPageComposer.Left + 184;
    private const float QuantityEnd = PdfPageComposer.Left + 336;
    private const float UnitPriceEnd = PdfPageComposer.Left + 404;
    private const float VatRateEnd = PdfPageComposer.Left + 446;
    private const float NetEnd = PdfPageComposer.Right - 4;

    private readonly InvoiceDocument doc;
    private readonly SKFont title;
    private readonly SKFont heading;
    private readonly SKFont body;
    private readonly SKFont bodyBold;
    private readonly SKFont small;
    private readonly SKFont smallBold;
    private readonly SKPaint ink;
    private readonly SKPaint muted;
    private readonly SKPaint accent;
    private readonly SKPaint white;
    private readonly SKPaint band;
    private readonly SKPaint rule;

    public InvoiceLayout(InvoiceDocument document, PdfText text)
    {
        doc = document;
        title = text.Font(20, bold: true);
        heading = text.Font(10, bold: true);
        body = text.Font(8.5f);
        bodyBold = text.Font(8.5f, bold: true);
        small = text.Font(7.5f);
        smallBold = text.Font(7.5f, bold: true);
        ink = text.Fill(PdfText.Ink);
        muted = text.Fill(PdfText.Muted);
        accent = text.Fill(PdfText.Accent);
        white = text.Fill(SKColors.White);
        band = text.Fill(PdfText.Band);
        rule = text.Stroke(PdfText.Rule);
    }

    // The core stores kinds as "invoice" / "credit-note".
    public bool IsCreditNote =>
        doc.Kind.Replace("-", "", StringComparison.Ordinal).Equals("creditnote", StringComparison.OrdinalIgnoreCase);

    public string Title => IsCreditNote ? "AVOIR" : "FACTURE";

    public void Compose(PdfPageComposer page)
    {
        FirstPageHeader(page);
        page.OnNewPage = p => { ContinuationHeader(p); TableHeader(p); };
        TableHeader(page);
        foreach (var group in doc.Lines.GroupBy(l => l.ProductGroup))
        {
            var lines = group.ToList();
            page.KeepTogether(16 + RowHeight(lines[0]));
            GroupRow(page, group.Key);
            foreach (var line in lines)
            {
                LineRow(page, line);
            }
        }
        page.OnNewPage = ContinuationHeader;
        page.Space(14);
        // Totals and what to pay travel together: never a last page holding only the payment block.
        page.KeepTogether(SummaryHeight() + 12 + ParagraphsHeight([doc.PaymentInstructions]));
        Summary(page);
        Paragraphs(page, "Modalités de paiement", [doc.PaymentInstructions]);
        ExchangeRates(page);
        Paragraphs(page, "Mentions légales", doc.LegalMentions);
    }

    private float SummaryHeight()
    {
        var vatHeight = 32 + doc.VatBreakdown.Sum(v => 14 + (v.ExemptionReason is null ? 0 : PdfText.Wrap(v.ExemptionReason, small, 290 - 16).Count * 9.5f));
        return Math.Max(vatHeight, 3 * 18 + 4);
    }

    private float ParagraphsHeight(IReadOnlyList<string> paragraphs) =>
        16 + paragraphs.Where(p => !string.IsNullOrWhiteSpace(p)).Sum(p => PdfText.Wrap(p, body, PdfPageComposer.ContentWidth).Count * Line + 3) + 8;

    public void DrawFooter(PdfCanvas canvas, int pageNumber, int pageCount)
    {
        var y = PdfPageComposer.PageHeight - 40;
        canvas.DrawLine(PdfPageComposer.Left, y - 10, PdfPageComposer.Right, y - 10, rule);
        var seller = doc.Seller;
        var legal = string.Join(" · ", new[]
        {
            seller.Name,
            seller.Siren is null ? null : "SIREN " + seller.Siren,
            seller.VatNumber is null ? null : "TVA " + seller.VatNumber,
        }.Where(s => s is not null));
        canvas.DrawText(legal, PdfPageComposer.Left, y, SKTextAlign.Left, small, muted);
        canvas.DrawText($"{Title} {doc.Number} · Page {pageNumber} / {pageCount}", PdfPageComposer.Right, y, SKTextAlign.Right, small, muted);
    }

    private void FirstPageHeader(PdfPageComposer page)
    {
        var sellerLines = PartyLines(doc.Seller);
        var headerHeight = Math.Max(14 + sellerLines.Count * Line, 44);
        page.Add(headerHeight, (c, y) =>
        {
            c.DrawText(doc.Seller.Name, PdfPageComposer.Left, y + 11, SKTextAlign.Left, heading, accent);
            for (var i = 0; i < sellerLines.Count; i++)
            {
                c.DrawText(sellerLines[i], PdfPageComposer.Left, y + 14 + (i + 1) * Line, SKTextAlign.Left, body, ink);
            }
            c.DrawText(Title, PdfPageComposer.Right, y + 18, SKTextAlign.Right, title, accent);
            c.DrawText("N° " + doc.Number, PdfPageComposer.Right, y + 34, SKTextAlign.Right, heading, ink);
        });
        page.Space(16);

        var facts = new List<(string Label, string Value)>
        {
            ("Date d'émission", FrenchFormat.Date(doc.IssueDate)),
            ("Date d'échéance", FrenchFormat.Date(doc.DueDate)),
            ("Période de service", $"du {FrenchFormat.Date(doc.PeriodStart)} au {FrenchFormat.Date(doc.PeriodEnd)}"),
        };
        if (doc.CreditedInvoiceNumber is not null)
        {
            facts.Add(("Avoir sur facture", "N° " + doc.CreditedInvoiceNumber));
        }

        const float boxX = PdfPageComposer.Left + 270;
        const float boxWidth = PdfPageComposer.Right - boxX;
        var buyerLines = PartyLines(doc.Buyer, sirenToo: true);
        var boxHeight = 30 + buyerLines.Count * Line + 6;
        var valueX = PdfPageComposer.Left + facts.Max(f => bodyBold.MeasureText(f.Label + " :")) + 6;
        page.Add(Math.Max(boxHeight, facts.Count * 14 + 4), (c, y) =>
        {
            for (var i = 0; i < facts.Count; i++)
            {
                var baseline = y + 10 + i * 14;
                c.DrawText(facts[i].Label + " :", PdfPageComposer.Left, baseline, SKTextAlign.Left, bodyBold, ink);
                c.DrawText(facts[i].Value, valueX, baseline, SKTextAlign.Left, body, ink);
            }
            var box = new SKRect(boxX, y, boxX + boxWidth, y + boxHeight);
            c.DrawRoundRect(box, 4, 4, band);
            c.DrawText(IsCreditNote ? "CLIENT" : "FACTURÉ À", boxX + 10, y + 12, SKTextAlign.Left, smallBold, muted);
            c.DrawText(doc.Buyer.Name, boxX + 10, y + 25, SKTextAlign.Left, heading, ink);
            for (var i = 0; i < buyerLines.Count; i++)
            {
                c.DrawText(buyerLines[i], boxX + 10, y + 27 + (i + 1) * Line, SKTextAlign.Left, body, ink);
            }
        });
        page.Space(18);
    }

    private void ContinuationHeader(PdfPageComposer page) =>
        page.Add(30, (c, y) =>
        {
            c.DrawText($"{Title} N° {doc.Number} (suite)", PdfPageComposer.Left, y + 12, SKTextAlign.Left, heading, accent);
            c.DrawText(doc.Buyer.Name, PdfPageComposer.Right, y + 12, SKTextAlign.Right, body, muted);
        });

    private void TableHeader(PdfPageComposer page) =>
        page.Add(18, (c, y) =>
        {
            c.DrawRect(PdfPageComposer.Left, y, PdfPageComposer.ContentWidth, 18, accent);
            var baseline = y + 12;
            c.DrawText("Désignation", DescriptionX, baseline, SKTextAlign.Left, smallBold, white);
            c.DrawText("Période", PeriodX, baseline, SKTextAlign.Left, smallBold, white);
            c.DrawText("Qté", QuantityEnd, baseline, SKTextAlign.Right, smallBold, white);
            c.DrawText("PU HT", UnitPriceEnd, baseline, SKTextAlign.Right, smallBold, white);
            c.DrawText("TVA", VatRateEnd, baseline, SKTextAlign.Right, smallBold, white);
            c.DrawText("Montant HT", NetEnd, baseline, SKTextAlign.Right, smallBold, white);
        });

    private void GroupRow(PdfPageComposer page, string group) =>
        page.Add(16, (c, y) =>
        {
            c.DrawRect(PdfPageComposer.Left, y + 1, PdfPageComposer.ContentWidth, 15, band);
            c.DrawText(group, DescriptionX, y + 12, SKTextAlign.Left, bodyBold, accent);
        });

    private float RowHeight(InvoiceDocumentLine line) =>
        Math.Max(PdfText.Wrap(line.Description, body, DescriptionWidth).Count, 2) * Cell + 6;

    private void LineRow(PdfPageComposer page, InvoiceDocumentLine line)
    {
        var description = PdfText.Wrap(line.Description, body, DescriptionWidth);
        page.Add(RowHeight(line), (c, y) =>
        {
            var first = y + 11;
            for (var i = 0; i < description.Count; i++)
            {
                c.DrawText(description[i], DescriptionX, first + i * Cell, SKTextAlign.Left, body, ink);
            }
            c.DrawText("du " + FrenchFormat.Date(line.PeriodStart), PeriodX, first, SKTextAlign.Left, small, ink);
            c.DrawText("au " + FrenchFormat.Date(line.PeriodEnd), PeriodX, first + Cell, SKTextAlign.Left, small, ink);
            c.DrawText(FrenchFormat.Quantity(line.Quantity), QuantityEnd, first, SKTextAlign.Right, body, ink);
            c.DrawText(line.Unit, QuantityEnd, first + Cell, SKTextAlign.Right, small, muted);
            c.DrawText(FrenchFormat.UnitPrice(line.UnitPriceExclVat), UnitPriceEnd, first, SKTextAlign.Right, body, ink);
            c.DrawText(FrenchFormat.Percent(line.VatRate), VatRateEnd, first, SKTextAlign.Right, body, ink);
            c.DrawText(FrenchFormat.Money(line.NetAmount), NetEnd, first, SKTextAlign.Right, bodyBold, ink);
            var bottom = y + RowHeight(line);
            c.DrawLine(PdfPageComposer.Left, bottom, PdfPageComposer.Right, bottom, rule);
        });
    }

    private void Summary(PdfPageComposer page)
    {
        const float vatWidth = 290;
        const float rateX = PdfPageComposer.Left + 4;
        const float baseEnd = PdfPageComposer.Left + 196;
        const float vatEnd = PdfPageComposer.Left + vatWidth - 6;
        var rows = doc.VatBreakdown
            .Select(v => (Vat: v, Reason: v.ExemptionReason is null ? [] : PdfText.Wrap(v.ExemptionReason, small, vatWidth - 16)))
            .ToList();
        var vatHeight = 32 + rows.Sum(r => 14 + r.Reason.Count * 9.5f);
        const float totalsX = PdfPageComposer.Right - 200;
        const float totalsHeight = 3 * 18 + 4;

        page.Add(Math.Max(vatHeight, totalsHeight), (c, y) =>
        {
            c.DrawText("Récapitulatif TVA", PdfPageComposer.Left, y + 10, SKTextAlign.Left, bodyBold, accent);
            var header = y + 24;
            c.DrawText("Taux", rateX, header, SKTextAlign.Left, smallBold, muted);
            c.DrawText("Base HT", baseEnd, header, SKTextAlign.Right, smallBold, muted);
            c.DrawText("Montant TVA", vatEnd, header, SKTextAlign.Right, smallBold, muted);
            c.DrawLine(PdfPageComposer.Left, header + 4, PdfPageComposer.Left + vatWidth, header + 4, rule);
            var baseline = header + 16;
            foreach (var (vat, reason) in rows)
            {
                var rate = FrenchFormat.Percent(vat.Rate);
                c.DrawText(rate, rateX, baseline, SKTextAlign.Left, body, ink);
                c.DrawText(VatCategoryLabel(vat.Category), rateX + body.MeasureText(rate) + 5, baseline, SKTextAlign.Left, small, muted);
                c.DrawText(FrenchFormat.Money(vat.TaxableAmount), baseEnd, baseline, SKTextAlign.Right, body, ink);
                c.DrawText(FrenchFormat.Money(vat.VatAmount), vatEnd, baseline, SKTextAlign.Right, body, ink);
                foreach (var reasonLine in reason)
                {
                    baseline += 9.5f;
                    c.DrawText(reasonLine, PdfPageComposer.Left + 8, baseline, SKTextAlign.Left, small, muted);
                }
                baseline += 14;
            }

            TotalRow(c, y, "Total HT", doc.TotalExclVat, highlight: false);
            TotalRow(c, y + 18, "Total TVA", doc.TotalVat, highlight: false);
            TotalRow(c, y + 36, "Total TTC", doc.TotalInclVat, highlight: true);
        });
        page.Space(12);

        void TotalRow(PdfCanvas c, float top, string label, decimal amount, bool highlight)
        {
            var rect = new SKRect(totalsX, top, PdfPageComposer.Right, top + 18);
            c.DrawRect(rect, highlight ? accent : band);
            var paint = highlight ? white : ink;
            c.DrawText(label, totalsX + 8, top + 12.5f, SKTextAlign.Left, bodyBold, paint);
            c.DrawText(FrenchFormat.Money(amount), PdfPageComposer.Right - 8, top + 12.5f, SKTextAlign.Right, highlight ? heading : bodyBold, paint);
        }
    }

    private void ExchangeRates(PdfPageComposer page)
    {
        if (doc.ExchangeRates.Count == 0)
        {
            return;
        }
        var lines = doc.ExchangeRates
            .Select(r => $"1 EUR = {FrenchFormat.ExchangeRate(r.UnitsPerEuro)} {r.Currency}, taux BCE du {FrenchFormat.Date(r.RateDate)}")
            .ToList();
        Paragraphs(page, "Taux de change appliqués", lines);
    }

    private void Paragraphs(PdfPageComposer page, string headingText, IReadOnlyList<string> paragraphs)
    {
        var wrapped = paragraphs
            .Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => PdfText.Wrap(p, body, PdfPageComposer.ContentWidth))
            .ToList();
        if (wrapped.Count == 0)
        {
            return;
        }
        page.KeepTogether(16 + wrapped[0].Count * Line);
        page.Add(16, (c, y) => c.DrawText(headingText, PdfPageComposer.Left, y + 10, SKTextAlign.Left, bodyBold, accent));
        foreach (var paragraph in wrapped)
        {
            foreach (var text in paragraph)
            {
                page.Add(Line, (c, y) => c.DrawText(text, PdfPageComposer.Left, y + 8, SKTextAlign.Left, body, ink));
            }
            page.Space(3);
        }
        page.Space(8);
    }

    /// <param name="sirenToo">
    /// The buyer prints its SIREN (the 2026 reform's identifier of the company) and, when known, the SIRET of the
    /// establishment invoiced; the seller's SIREN is in the footer already.
    /// </param>
    private static List<string> PartyLines(PartyDetails party, bool sirenToo = false)
    {
        var lines = new List<string> { party.AddressLine1 };
        if (!string.IsNullOrWhiteSpace(party.AddressLine2))
        {
            lines.Add(party.AddressLine2);
        }
        lines.Add($"{party.PostalCode} {party.City}");
        lines.Add(CountryName(party.CountryCode));
        if (party.LegalRegistration is not null)
        {
            lines.Add(party.LegalRegistration);
        }
        if (party.Siren is not null && (sirenToo || party.Siret is null))
        {
            lines.Add("SIREN : " + party.Siren);
        }
        if (party.Siret is not null)
        {
            lines.Add("SIRET : " + party.Siret);
        }
        if (party.VatNumber is not null)
        {
            // Swiss and UK numbers are VAT identifiers too, but not intra-community ones.
            var intraCommunity = party.VatNumber.Length > 2 && Platform.Identifiers.VatNumber.EuPrefixFor(party.VatNumber[..2] == "EL" ? "GR" : party.VatNumber[..2]) is not null
                && !party.VatNumber.StartsWith(Platform.Identifiers.SwissUid.Prefix, StringComparison.Ordinal);
            lines.Add((intraCommunity ? "N° TVA intracommunautaire : " : "Identifiant TVA : ") + party.VatNumber);
        }
        return lines;
    }

    private static string VatCategoryLabel(string category) => category.ToUpperInvariant() switch
    {
        "S" => "taux normal",
        "AE" => "autoliquidation",
        "E" => "exonération",
        "G" => "hors champ de la TVA française",
        "O" => "hors champ",
        "K" => "livraison intracommunautaire",
        "Z" => "taux zéro",
        _ => category,
    };

    private static string CountryName(string code) => code.ToUpperInvariant() switch
    {
        "FR" => "France",
        "DE" => "Allemagne",
        "BE" => "Belgique",
        "LU" => "Luxembourg",
        "CH" => "Suisse",
        "ES" => "Espagne",
        "IT" => "Italie",
        "NL" => "Pays-Bas",
        "AT" => "Autriche",
        "PT" => "Portugal",
        "IE" => "Irlande",
        "GB" => "Royaume-Uni",
        "US" => "États-Unis",
        "CA" => "Canada",
        _ => code,
    };
}
