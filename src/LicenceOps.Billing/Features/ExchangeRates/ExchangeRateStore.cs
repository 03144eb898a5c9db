using LicenceOps.Billing.Features.Pricing;
using LicenceOps.Platform.Data;
using Microsoft.Extensions.Options;

namespace LicenceOps.Billing.Features.ExchangeRates;

public sealed record RateLoadResult(int Read, int Inserted, DateOnly? FirstDate, DateOnly? LastDate);

/// <summary>ECB rates by currency and day. Loading is idempotent: a known (currency, day) keeps its first value.</summary>
public sealed class ExchangeRateStore(ModuleDatabase<BillingModule> database, IOptions<BillingOptions> options)
{
    public async Task<RateLoadResult> SaveAsync(IReadOnlyList<EcbRate> rates, string source, CancellationToken ct)
    {
        var inserted = await database.WriteAsync(async uow =>
        {
            var count = 0;
            foreach (var rate in rates)
            {
                count += await uow.ExecuteAsync(
                    """
                    INSERT INTO exchange_rates (currency, rate_date, units_per_euro, source, loaded_at)
                    SELECT @Currency, @Date, @UnitsPerEuro, @source, @now
                    WHERE NOT EXISTS (SELECT 1 FROM exchange_rates WHERE currency = @Currency AND rate_date = @Date)
                    """,
                    new { rate.Currency, rate.Date, rate.UnitsPerEuro, source, now = uow.Now });
            }

            return count;
        }, ct);
        return new RateLoadResult(rates.Count, inserted,
            rates.Count == 0 ? null : rates.Min(r => r.Date), rates.Count == 0 ? null : rates.Max(r => r.Date));
    }

    /// <summary>
    /// The rate of <paramref name="date"/>, or of the latest earlier business day within the configured look-back
    /// (the ECB publishes nothing on weekends and TARGET holidays), from the stored rates or else the shipped ones.
    /// When nothing is that recent, an install that has never stored a rate of the currency (a first run without
    /// internet) uses the latest shipped rate, whose own date the invoice prints; otherwise null.
    /// </summary>
    /// <summary>The day of the newest rate this install can use, stored or shipped; null when it has none.</summary>
    public async Task<DateOnly?> LatestKnownDateAsync(CancellationToken ct)
    {
        var stored = await database.QuerySingleOrDefaultAsync<DateOnly?>("SELECT MAX(rate_date) FROM exchange_rates", null, ct);
        var shipped = ShippedExchangeRates.LatestDate;
        return stored is null ? shipped : shipped is null || stored > shipped ? stored : shipped;
    }

    public async Task<EcbRateQuote?> FindAsync(string currency, DateOnly date, CancellationToken ct)
    {
        var code = currency.Trim().ToUpperInvariant();
        if (code == "EUR")
        {
            return new EcbRateQuote("EUR", 1m, date);
        }

        var earliest = date.AddDays(-Math.Max(0, options.Value.ExchangeRateMaxLookbackDays));
        var row = await database.QuerySingleOrDefaultAsync<RateRow>(
            database.Dialect.Top(
                """
                SELECT units_per_euro AS UnitsPerEuro, rate_date AS RateDate FROM exchange_rates
                WHERE currency = @code AND rate_date <= @date AND rate_date >= @earliest
                ORDER BY rate_date DESC
                """,
                "1"),
            new { code, date, earliest },
            ct);
        if (row is not null)
        {
            return new EcbRateQuote(code, row.UnitsPerEuro, row.RateDate);
        }

        if (ShippedExchangeRates.LatestOnOrBefore(code, date) is not { } shipped)
        {
            return null;
        }

        if (shipped.RateDate >= earliest)
        {
            return shipped;
        }

        // Once this install stores rates of its own (daily job, staff upload), their look-back rule alone applies.
        var stored = await database.QuerySingleOrDefaultAsync<int>(
            "SELECT COUNT(*) FROM exchange_rates WHERE currency = @code", new { code }, ct);
        return stored == 0 ? shipped : null;
    }

    private sealed class RateRow
    {
        public decimal UnitsPerEuro { get; set; }
        public DateOnly RateDate { get; set; }
    }
}
