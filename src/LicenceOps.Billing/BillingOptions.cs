namespace LicenceOps.Billing;

/// <summary>Configuration section "Billing"; defaults fit the embedded demo.</summary>
public sealed class BillingOptions
{
    public const string SectionName = "Billing";

    /// <summary>Reseller margin added to vendor list prices (not to fixed EUR sale prices).</summary>
    public decimal MarginPercent { get; set; } = 15m;

    public int PaymentTermsDays { get; set; } = 30;

    public string LatePaymentPenalty { get; set; } =
        "taux d'intérêt appliqué par la BCE à son opération de refinancement la plus récente, majoré de 10 points";

    public string EarlyPaymentDiscount { get; set; } = "Pas d'escompte pour paiement anticipé";

    /// <summary>The monthly run issues the drafts it creates; false leaves them for staff review.</summary>
    public bool AutoIssueMonthlyRun { get; set; } = true;

    /// <summary>The last 90 days rather than today's file: a day missed while the ECB was unreachable is filled next time.</summary>
    public string EcbDailyRatesUrl { get; set; } = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml";

    /// <summary>How far back a missing day (weekend, holiday, outage) may fall back to an earlier ECB rate.</summary>
    public int ExchangeRateMaxLookbackDays { get; set; } = 7;

    /// <summary>How many invoiced months back a late-recorded change is still regularised on the next invoice.</summary>
    public int RegularisationMonths { get; set; } = 12;

    public SellerOptions Seller { get; set; } = new();

    /// <summary>
    /// How long an invoice run's executor may go silent before another executor (or the restarted host) takes the run
    /// over. The executor renews it about three times per lease, so only a dead process lets it lapse.
    /// </summary>
    public int RunLeaseSeconds { get; set; } = 30;

    /// <summary>
    /// An invoice run drafts and issues up to this many tenants in one write transaction (ADR 0030), set-based (ADR 0042): fewer
    /// commits, lock hand-overs and statements per invoice, at the price of holding Billing's write lock for the whole batch.
    /// </summary>
    public int RunBatchTenants { get; set; } = 32;

    /// <summary>
    /// ...and sizes the next batch so that it runs about this long (a set-based batch cannot stop half-way, ADR 0042), so other
    /// Billing writers never wait much longer.
    /// </summary>
    public int RunBatchMilliseconds { get; set; } = 40;

    /// <summary>
    /// An issuing run starts with a batch of one tenant per rendering core and doubles the batch up to
    /// <see cref="RunBatchTenants"/>, so rendering starts after the first few tenants instead of after a full batch, during
    /// which every core but the drafting one sat idle (ADR 0054). False: every batch is full from the first (tests that
    /// need the whole run in one batch).
    /// </summary>
    public bool RunBatchRampUp { get; set; } = true;

    /// <summary>
    /// How many workers draft, render and store an issuing run (ADR 0068). Zero, the default: one per core, which is the
    /// point (no more CPU-bound flows than cores). Set by tests that need several workers on any machine.
    /// </summary>
    public int RunWorkers { get; set; }
}

/// <summary>
/// The reseller as printed on every invoice. The defaults are a coherent, valid demo identity (SIREN 123 456 782
/// passes Luhn, the VAT key matches it, the SIRET starts with it, the IBAN passes mod 97); outside the demo the host
/// refuses to start when any identifier is invalid (<see cref="SellerIdentity"/>).
/// </summary>
public sealed class SellerOptions
{
    public string Name { get; set; } = "LicenceOps Revendeur SAS";
    public string AddressLine1 { get; set; } = "1 rue de la Paix";
    public string? AddressLine2 { get; set; }
    public string PostalCode { get; set; } = "75002";
    public string City { get; set; } = "Paris";
    public string CountryCode { get; set; } = "FR";
    public string Siren { get; set; } = "123456782";

    /// <summary>The invoicing establishment: the SIREN followed by its 5-digit NIC.</summary>
    public string Siret { get; set; } = "12345678200010";

    public string VatNumber { get; set; } = "FR11123456782";

    /// <summary>Forme juridique, printed with the share capital ("SAS au capital de 10 000 €").</summary>
    public string LegalForm { get; set; } = "SAS";

    public decimal ShareCapitalEur { get; set; } = 10_000m;

    /// <summary>City of the commercial court registry; the RCS number is the SIREN ("RCS Paris 123 456 782").</summary>
    public string RcsCity { get; set; } = "Paris";

    /// <summary>
    /// The seller opted to pay VAT on services when invoiced rather than when paid (CGI art. 269-2-c); the invoice must
    /// then say "Option pour le paiement de la taxe d'après les débits".
    /// </summary>
    public bool VatOnDebits { get; set; }

    public string Iban { get; set; } = "FR7630006000011234567890189";
    public string Bic { get; set; } = "AGRIFRPPXXX";
}
