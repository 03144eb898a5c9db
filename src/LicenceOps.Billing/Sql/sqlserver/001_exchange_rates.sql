-- ECB euro reference rates: units of currency per 1 EUR, one row per currency and business day.
CREATE TABLE exchange_rates (
    currency        NVARCHAR(3)    NOT NULL,
    rate_date       DATE           NOT NULL,
    units_per_euro  DECIMAL(19, 6) NOT NULL,
    source          NVARCHAR(50)   NOT NULL,
    loaded_at       DATETIMEOFFSET NOT NULL,
    CONSTRAINT pk_exchange_rates PRIMARY KEY (currency, rate_date)
);
