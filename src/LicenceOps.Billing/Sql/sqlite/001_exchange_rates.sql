-- ECB euro reference rates: units of currency per 1 EUR, one row per currency and business day.
CREATE TABLE exchange_rates (
    currency        TEXT NOT NULL,
    rate_date       TEXT NOT NULL,
    units_per_euro  TEXT NOT NULL,
    source          TEXT NOT NULL,
    loaded_at       TEXT NOT NULL,
    PRIMARY KEY (currency, rate_date)
);
